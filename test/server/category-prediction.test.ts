import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import { categoriesFixture as fixture, FEATURES, type Cells } from '../helpers/categories-fixture.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';

// POST /prediction and /invocations with text for category features, scored by a model trained
// on the scikit-learn fixture's CRM table (standardized, C = 0.5): the answers are the pipeline's
// probabilities; bad fields are all listed in one 400; OpenAPI says a category is a string.
type Server = Awaited<ReturnType<typeof startServer>>;
let ctx: Context;
let server: Server;
let dir: string;
const expected = fixture.fits.find((f) => f.standardize && f.categorical.length > 0)!;
const N = 40;
const cell = (v: number | string | null) => (v === null ? '' : typeof v === 'string' && /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));

before(async () => {
  const featureTypes = Object.fromEntries(FEATURES.map((f) => [f, f === 'spend' ? 'number' : fixture.categorical.includes(f) ? 'category' : 'count']));
  const ws = makeWorkspace({ features: FEATURES, feature_types: featureTypes, target_column: 'y', id_column: 'id', model: { C: fixture.C, standardize: true } } as never);
  dir = ws.dir;
  const t: Cells = fixture.train;
  writeFileSync(join(ws.source, 'clients.csv'), ['id,' + FEATURES.join(',') + ',y', ...t.y.map((y, i) => [`t${i}`, ...FEATURES.map((f) => cell(t[f][i])), y].join(','))].join('\n') + '\n');
  ctx = await context(ws.config);
  await ingest(ctx);
  await deploy(ctx, (await train(ctx)).version);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: string, type = 'application/json') => fetch(server.url + path, { method: 'POST', headers: { 'content-type': type }, body });
// The fixture's test rows as JSON records; category texts padded with blanks now and then (trimmed, as in files).
const records = Array.from({ length: N }, (_, i) =>
  Object.fromEntries([['id', `s${i}`], ...FEATURES.map((f) => {
    const v = fixture.test[f][i];
    return [f, typeof v === 'string' && i % 3 === 0 ? `  ${v} ` : v];
  })]),
);

function close(got: number[]) {
  const worst = got.reduce((m, p, i) => Math.max(m, Math.abs(p - expected.testProbabilities[i])), 0);
  assert.ok(worst < 1e-6, `vs scikit-learn: ${worst}`);
}

test('POST /prediction takes text for category features (unseen, missing, padded) and answers scikit-learn\'s probabilities', async () => {
  assert.ok(records.some((r) => r.region === 'mars') && records.some((r) => r.contract === null), 'the rows hold an unseen region and a missing contract');
  const res = await post('/prediction', JSON.stringify({ records }));
  assert.equal(res.status, 200, await res.clone().text());
  close(((await res.json()) as { predictions: { probability: number }[] }).predictions.map((p) => p.probability));
  // CSV body, the same rows.
  const csv = ['id,' + FEATURES.join(','), ...records.map((r) => [r.id, ...FEATURES.map((f) => cell(r[f] as never))].join(','))].join('\n');
  const c = await post('/prediction', csv, 'text/csv');
  assert.equal(c.status, 200);
  close(((await c.json()) as { predictions: { probability: number }[] }).predictions.map((p) => p.probability));
});

test('/invocations (dataframe_split, CSV) takes text for category features', async () => {
  const body = { dataframe_split: { columns: FEATURES, data: records.map((r) => FEATURES.map((f) => r[f])) } };
  const res = await post('/invocations', JSON.stringify(body));
  assert.equal(res.status, 200, await res.clone().text());
  close(((await res.json()) as { predictions: number[] }).predictions);
  const csv = [FEATURES.join(','), ...records.map((r) => FEATURES.map((f) => cell(r[f] as never)).join(','))].join('\n');
  const c = await post('/invocations', csv, 'text/csv');
  assert.equal(c.status, 200, await c.clone().text());
  close(((await c.json()) as { predictions: number[] }).predictions);
});

test('every bad field of a request is listed in one 400', async () => {
  const bad = [{ ...records[0], plan: { x: 1 } }, { ...records[1], tenure: 'many', region: true }];
  const res = await post('/prediction', JSON.stringify({ records: bad }));
  assert.equal(res.status, 400);
  const { errors } = (await res.json()) as { errors: { record: number; field: string; message: string }[] };
  assert.deepEqual(errors.map((e) => `${e.record}.${e.field}`).sort(), ['0.plan', '1.region', '1.tenure']);
  assert.equal(errors.find((e) => e.field === 'plan')!.message, 'expected a string (a category) or null');
  const inv = await post('/invocations', JSON.stringify({ dataframe_records: bad }));
  assert.equal(inv.status, 400);
  const m = ((await inv.json()) as { message: string }).message;
  for (const f of ['"plan"', '"region"', '"tenure"']) assert.ok(m.includes(f), m);
});

test('OpenAPI: a category feature is a string (or null) in the /prediction body', async () => {
  const doc = (await (await fetch(server.url + '/openapi.json')).json()) as Record<string, any>;
  const schema = doc.paths['/prediction'].post.requestBody.content['application/json'].schema;
  const props = schema.properties.records.items.properties;
  const types = (p: any): string[] => (p.anyOf ? p.anyOf.flatMap(types) : [p.type].flat());
  assert.ok(types(props.plan).includes('string'), JSON.stringify(props.plan));
  assert.ok(!types(props.tenure).includes('string'), JSON.stringify(props.tenure));
});
