/**
 * What the scoring routes accept: only the columns the model knows (id, features, label), rows of
 * the right length, JSON that is UTF-8 and free of prototype keys — each refusal a 400 naming what
 * is wrong — and headers of any length read in linear time.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import { seedWithModels } from '../helpers/workspace.ts';

let ctx: Context;
let dir: string;
let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  const seeded = await seedWithModels();
  ctx = seeded.ctx;
  dir = seeded.ws.dir;
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});
after(async () => {
  await server?.close();
  await ctx?.store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
const KNOWN = 'corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited';
const post = (path: string, body: string | Buffer, type = 'application/json') => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
type Errors = { errors: Array<{ record: number | null; field: string | null; message: string; line?: number }> };
type Mlflow = { error_code: string; message: string };

test('POST /prediction JSON: a misspelled feature is a 400 naming it, not a prediction from the median', async () => {
  const r = await post('/prediction', JSON.stringify({ records: [{ corporation: 'a', lastmonth_activty: 4000, lastyear_activity: 1, number_of_employees: 2 }, { lastmonth_activty: 1 }] }));
  assert.equal(r.status, 400);
  const body = (await r.json()) as Errors;
  assert.deepEqual(body.errors, [{ record: 0, field: 'lastmonth_activty', message: `unknown column (2 times); expected only ${KNOWN}` }]);
  // The id and the label are known columns: rows exported from the dataset score as they are.
  const ok = await post('/prediction', JSON.stringify({ records: [{ corporation: 'a', lastmonth_activity: 1, lastyear_activity: 2, number_of_employees: 3, exited: 1 }, { exited: null }] }));
  assert.equal(ok.status, 200);
  // An unknown key beside "records" is named too.
  const top = await post('/prediction', JSON.stringify({ records: [], options: {} }));
  assert.equal(top.status, 400);
  assert.deepEqual(((await top.json()) as Errors).errors.map((e) => e.field), ['options']);
});

test('POST /prediction CSV: an unknown column is a 400 naming it with its line; id and label columns are known', async () => {
  const r = await post('/prediction', `corporation,${FEATURES.join(',')},exited,region,note\na,1,2,3,0,north,x\n`, 'text/csv');
  assert.equal(r.status, 400);
  assert.deepEqual(((await r.json()) as Errors).errors, [
    { record: null, field: 'region', message: `unknown column; expected only ${KNOWN}`, line: 1 },
    { record: null, field: 'note', message: `unknown column; expected only ${KNOWN}`, line: 1 },
  ]);
  const ok = await post('/prediction', `corporation,${FEATURES.join(',')},exited\na,1,2,3,0\n`, 'text/csv');
  assert.equal(ok.status, 200);
});

test('/invocations: unknown dataframe_split columns, rows of the wrong length and mixed input fields are 400 BAD_REQUEST naming them', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ dataframe_split: { columns: ['a', 'b'], data: [[1, 2]] } }, /^dataframe_split: unknown columns "a", "b"; expected only corporation, /],
    [{ dataframe_split: { columns: ['lastmonth_activty', 'lastyear_activity', 'number_of_employees'], data: [[1, 2, 3]] } }, /unknown column "lastmonth_activty"/],
    [{ dataframe_split: { columns: ['lastyear_activity', 'lastyear_activity'], data: [[1, 2]] } }, /column "lastyear_activity" appears more than once/],
    [{ instances: [[1, 2]] }, /^instances: row 0 has 2 values, expected 3 \(the model's features in order: lastmonth_activity, lastyear_activity, number_of_employees\)$/],
    [{ inputs: [[1, 2, 3], [1, 2, 3, 4]] }, /^inputs: row 1 has 4 values, expected 3/],
    [{ dataframe_records: [{ lastmonth_activty: 1 }] }, /record 0 column "lastmonth_activty": unknown column; expected only/],
    [{ instances: [{ a: 1 }] }, /column "a": unknown column/],
    [{ instances: [[1, 2, 3]], inputs: [[1, 2, 3]] }, /exactly one of dataframe_split, dataframe_records, instances, inputs; got "instances", "inputs"/],
    [{ records: [] }, /exactly one of/],
  ];
  for (const [body, message] of cases) {
    const r = await post('/invocations', JSON.stringify(body));
    assert.equal(r.status, 400, JSON.stringify(body));
    const e = (await r.json()) as Mlflow;
    assert.equal(e.error_code, 'BAD_REQUEST', JSON.stringify(body));
    assert.match(e.message, message);
  }
  const csv = await post('/invocations', `${FEATURES.join(',')},extra\n1,2,3,4\n`, 'text/csv');
  assert.equal(csv.status, 400);
  assert.match(((await csv.json()) as Mlflow).message, /column "extra": unknown column/);
  const params = await post('/invocations', JSON.stringify({ instances: [[1, 2, 3]], params: { temperature: 1 } }));
  assert.equal(params.status, 400);
  assert.deepEqual(await params.json(), { error_code: 'INVALID_PARAMETER_VALUE', message: 'params: this model takes no parameters' });
  assert.equal((await post('/invocations', JSON.stringify({ instances: [[1, 2, 3]], params: {} }))).status, 200);
});

test('/invocations: a body that is not JSON answers MLflow\'s {error_code: MALFORMED_REQUEST, message}', async () => {
  for (const body of ['{"dataframe_split":', 'not json', '']) {
    const r = await post('/invocations', body);
    assert.equal(r.status, 400, body);
    const e = (await r.json()) as Mlflow;
    assert.deepEqual(Object.keys(e).sort(), ['error_code', 'message']);
    assert.equal(e.error_code, 'MALFORMED_REQUEST', body);
    assert.match(e.message, /the body is (not valid JSON|empty)/);
  }
});

test('JSON bodies: invalid UTF-8 is a 400 (as in CSV bodies), not replaced by U+FFFD', async () => {
  const bytes = Buffer.concat([Buffer.from('{"records":[{"corporation":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","lastmonth_activity":1}]}')]);
  const r = await post('/prediction', bytes);
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as { error: { message: string } }).error.message, 'the body is not UTF-8 text; JSON must be sent as UTF-8');
  const inv = await post('/invocations', Buffer.concat([Buffer.from('{"instances":[{"corporation":"'), Buffer.from([0xc3]), Buffer.from('"}]}')]));
  assert.equal(inv.status, 400);
  assert.equal(((await inv.json()) as Mlflow).error_code, 'MALFORMED_REQUEST');
  const csv = await post('/prediction', Buffer.concat([Buffer.from(`corporation,${FEATURES.join(',')}\n`), Buffer.from([0xff, 0xfe]), Buffer.from(',1,2,3\n')]), 'text/csv');
  assert.equal(csv.status, 400);
  // Valid UTF-8, with or without a byte order mark, is accepted.
  const utf8 = await post('/prediction', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ records: [{ corporation: 'Zürich AG', lastmonth_activity: 1 }] }))]));
  assert.equal(utf8.status, 200);
  assert.equal(((await utf8.json()) as { predictions: Array<{ id: string }> }).predictions[0].id, 'Zürich AG');
});

test('JSON bodies: __proto__ and constructor keys are refused by name, not as "not valid JSON"', async () => {
  const cases: Array<[string, string]> = [
    ['{"records":[{"__proto__":{"polluted":1}}]}', '"__proto__"'],
    ['{"__proto__":{"records":[]}}', '"__proto__"'],
    ['{"records":[{"\\u005f_proto__":{}}]}', '"__proto__"'],
    ['{"records":[{"constructor":{"prototype":{"polluted":1}}}]}', '"constructor"'],
  ];
  for (const [body, key] of cases) {
    const r = await post('/prediction', body);
    assert.equal(r.status, 400, body);
    const message = ((await r.json()) as { error: { message: string } }).error.message;
    assert.equal(message, `the key ${key}${key === '"constructor"' ? ' holding an object' : ''} is not allowed in a request body (it could alter object prototypes)`);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a header repeating one unknown name 100,000 times: 400 naming it once, in linear time, /health answered', async () => {
  // Was quadratic: 80,000 repeats blocked the server for 38 s (see test/data/columns.test.ts).
  const body = (n: number) => `corporation,${FEATURES.join(',')}${',x'.repeat(n)}\na,1,2,3${','.repeat(n)}\n`;
  const small = body(10_000);
  const big = body(100_000);
  for (const path of ['/prediction', '/invocations']) {
    let t = performance.now();
    assert.equal((await post(path, small, 'text/csv')).status, 400);
    const tSmall = performance.now() - t;
    t = performance.now();
    const r = await post(path, big, 'text/csv');
    const tBig = performance.now() - t;
    assert.equal(r.status, 400);
    const answer = (await r.json()) as Errors & Mlflow;
    const message = path === '/prediction' ? `${answer.errors[0].field}: ${answer.errors[0].message}` : answer.message;
    assert.match(message, path === '/prediction' ? /^x: unknown column \(100000 times\)/ : /^column "x": unknown column \(100000 times\)/);
    assert.ok(tBig < Math.max(40 * tSmall, 2_000), `${path}: 100,000 repeats took ${tBig.toFixed(0)} ms, 10,000 took ${tSmall.toFixed(0)} ms`);
  }
  const health = await fetch(`${server.url}/health`);
  assert.equal(health.status, 200);
});
