import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import { seedWithModels } from '../helpers/workspace.ts';

let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  ({ ctx } = await seedWithModels());
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});
after(async () => {
  await server?.close();
  await ctx?.store.close();
});

const FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
const ROWS = [
  [10, 500, 20],
  [400, 4000, 90],
  [null, 100, 5],
];
const call = (body: unknown, type = 'application/json') => fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });

test('/invocations accepts every MLflow input format and answers like /prediction', async () => {
  const expected = ((await (await fetch(`${server.url}/prediction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: ROWS.map((r) => Object.fromEntries(FEATURES.map((f, j) => [f, r[j]]))) }) })).json()) as { predictions: Array<{ probability: number }> }).predictions.map((p) => p.probability);
  const records = ROWS.map((r) => Object.fromEntries(FEATURES.map((f, j) => [f, r[j]])));
  const bodies: Array<[unknown, string?]> = [
    [{ dataframe_split: { columns: FEATURES, data: ROWS } }],
    [{ dataframe_split: { columns: [...FEATURES].reverse(), data: ROWS.map((r) => [...r].reverse()) } }],
    [{ dataframe_records: records }],
    [{ instances: records }],
    [{ instances: ROWS }],
    [{ inputs: records }],
    [`${FEATURES.join(',')}\n${ROWS.map((r) => r.map((v) => v ?? '').join(',')).join('\n')}\n`, 'text/csv'],
  ];
  for (const [body, type] of bodies) {
    const r = await call(body, type);
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.deepEqual(((await r.json()) as { predictions: number[] }).predictions, expected);
  }
});

test('/invocations rejects malformed input with 400 and an MLflow-style error', async () => {
  for (const body of [{}, { dataframe_split: { columns: FEATURES, data: [[1, 2]] } }, { instances: 'x' }, { dataframe_records: [{ lastmonth_activity: -1 }] }]) {
    const r = await call(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    const e = (await r.json()) as { error_code: string; message: string };
    assert.equal(e.error_code, 'BAD_REQUEST');
    assert.ok(e.message.length > 0);
  }
});
