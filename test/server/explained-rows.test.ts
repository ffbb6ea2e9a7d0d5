import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import { ExplainedRows } from '../../src/server/explained-rows.ts';
import { reasonWriter } from '../../src/server/reasons.ts';
import { RiskListCache } from '../../src/population/risk-list-cache.ts';
import { callListSummary, highestRisk, listContributions, type RankBy, type RankedRiskList } from '../../src/population/risk-list.ts';
import { listReasons } from '../../src/population/list-reasons.ts';
import type { Context } from '../../src/context.ts';
import type { Contributions } from '../../src/model/fitted-model.ts';
import type { LoadedModel } from '../../src/server/model-holder.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';

// GET /risk?explain=N's rows written per client as the list's parts are explained
// (explained-rows.ts): whatever order the parts come back in, whichever N, order and length is
// asked, the text is byte for byte JSON.stringify of the rows the route built before
// (highestRisk's rows with listReasons' fields assigned), and so is the whole answer.

let ws: ReturnType<typeof makeWorkspace>;
let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
let model: LoadedModel;
let list: RankedRiskList;
let c: Contributions;

before(async () => {
  // value_column: the expected_loss order and the value fields too (some clients without a fee: no value).
  ws = makeWorkspace({ ...crmConfig({ family: 'gbdt', gbdt: { min_samples_leaf: 10, max_leaves: 8, max_iter: 30 } }), value_column: 'fee', feature_labels: { tenure: 'Months as client' } });
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(600, 11)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(200, 12, { prefix: 't' })));
  ctx = await context(ws.config);
  await ingest(ctx);
  await deploy(ctx, (await train(ctx)).version);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  model = server.holder.current!;
  list = (await new RiskListCache(ctx.config).get(model.fitted))!;
  c = listContributions(list, model.fitted);
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
});

/** What the route sent before: highestRisk's rows, listReasons' fields assigned, JSON.stringify. */
function oldRows(by: RankBy, top: number, n: number): string {
  const rows = highestRisk(list, top, by);
  const why = listReasons(list, model.fitted, reasonWriter(model, ctx.config), by, top, n);
  why.rows.forEach((r, k) => Object.assign(rows[k], r));
  return JSON.stringify(rows);
}

/** Parts of `size` clients, in the order `order` gives their starts. */
function parts(size: number, order: (starts: number[]) => number[]) {
  const starts = Array.from({ length: Math.ceil(list.rows / size) }, (_, k) => k * size);
  return order(starts).map((from) => ({ from, to: Math.min(list.rows, from + size), base: c.base, values: c.values }));
}

const ASKED: [RankBy, number, number][] = [
  ['probability', 10, 3],
  ['probability', 1_000_000, 3],
  ['expected_loss', 1_000_000, 3],
  ['expected_loss', 25, 3],
  ['probability', 40, 1],
  ['probability', 40, 0],
  ['probability', 0, 3],
];

test('the rows written per part equal JSON.stringify of the rows built per request, whatever order the parts come in', () => {
  assert.ok(list.value && list.value.some((v) => v !== v) && list.value.some((v) => v === v), 'clients with and without a value');
  const shuffled = (starts: number[]) => starts.map((s, k) => ({ s, key: (k * 7919) % starts.length })).sort((a, b) => a.key - b.key).map((x) => x.s);
  for (const [label, given] of [
    ['in order', parts(64, (s) => s)],
    ['reversed', parts(64, (s) => s.reverse())],
    ['shuffled, uneven', parts(37, shuffled)],
    ['one part', parts(list.rows, (s) => s)],
    ['none (written by the request)', []],
  ] as const) {
    const rows = new ExplainedRows(ctx.config);
    const hook = rows.hook(model);
    for (const part of given) hook(list, part);
    for (const [by, top, n] of ASKED) {
      assert.equal(rows.rowsJson(list, model, c, by, top, n), oldRows(by, top, n), `${label}: ${by} top ${top} explain=${n}`);
      assert.equal(rows.rowsJson(list, model, c, by, top, n), oldRows(by, top, n), `${label}: ${by} top ${top} explain=${n}, again`);
    }
  }
});

test('GET /risk?explain: the whole answer is JSON.stringify of the RiskList built before, for the default N, another N, both orders', async () => {
  const config = ctx.config;
  for (const [by, top, n] of [['probability', 1_000_000, 3], ['expected_loss', 30, 3], ['probability', 15, 2]] as const) {
    const body = await (await fetch(`${server.url}/risk?rank=${by}&top=${top}&explain=${n}`)).text();
    const k = Math.min(top, list.rows);
    const want = JSON.stringify({ version: model.version, datasetHash: list.datasetHash, population: list.population, valueColumn: config.valueColumn ?? null, rows: JSON.parse(oldRows(by, top, n)), summary: callListSummary(list, by, k), base: c.base });
    assert.equal(body, want, `${by} top ${top} explain=${n}`);
  }
});
