import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ModelHolder } from '../../src/server/model-holder.ts';
import { PopulationCache } from '../../src/server/population.ts';
import { productionSource } from '../../src/registry/production.ts';
import { ranking } from '../../src/population/risk-list.ts';
import { collectReportData } from '../../src/report/data.ts';
import { report } from '../../src/report/report.ts';
import { formatAmount, formatExpected, formatShare } from '../../src/report/figures.ts';
import type { Context } from '../../src/context.ts';
import type { RiskList } from '../../src/contracts/api.ts';
import { byExpectedLoss, currentRows, valueWorkspace, type ValueRow } from '../helpers/value-workspace.ts';
import { PG_URL, pgSchema } from '../helpers/postgres.ts';

// Config value_column ("revenue", not a feature) and risk.rank_by: the call list shows each
// client's value and probability × value, can be ordered by that, and says what its top covers.
// Every expected order and sum below is recomputed here from the rows the test wrote and the
// probabilities the API gives, not taken from the code under test.

let ws: Awaited<ReturnType<typeof valueWorkspace>>['ws'];
let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
let rows: ValueRow[] = [];
const TOP = 10;

before(async () => {
  const v = await valueWorkspace(TOP);
  ({ ws, ctx, rows } = v);
  assert.equal(v.rejected, 1);
  assert.deepEqual(v.rejectedByReason, { not_a_number: 1 });
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
});

const current = () => currentRows(rows);

async function risk(query: string): Promise<RiskList> {
  const r = await fetch(`${server.url}/risk?${query}`);
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as RiskList;
}

const revenueOf = (r: ValueRow) => (r.revenue === '' ? null : Number(r.revenue));

test('the model does not use value_column: its features are the config\'s', async () => {
  const doc = JSON.parse(readFileSync(join(ctx.config.productionFolder, 'model.json'), 'utf8')) as { features: Array<string | { name: string }> };
  assert.deepEqual(doc.features.map((f) => (typeof f === 'string' ? f : f.name)), ctx.config.features);
  // The dataset keeps it, after the features.
  assert.equal(readFileSync(join(ctx.config.outputFolder, 'finaldata.csv'), 'utf8').split('\n')[0], 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,revenue,exited');
});

test('rows carry value and expectedLoss; rank=expected_loss orders by probability × value, clients without a value last', async () => {
  const cur = current();
  const byProb = await risk('top=1000&rank=probability');
  assert.equal(byProb.rows.length, cur.length);
  assert.equal(byProb.valueColumn, 'revenue');
  const latest = new Map(cur.map((r) => [r.id, r]));
  for (const r of byProb.rows) {
    assert.equal(r.value, revenueOf(latest.get(r.id)!), r.id);
    assert.equal(r.expectedLoss, r.value === null ? null : r.probability * r.value, r.id);
  }
  assert.equal(byProb.rows.find((r) => r.id === 'c001')?.value, 777.5); // its newest row's value
  // The default is config risk.rank_by, "probability": the same list.
  assert.deepEqual((await risk('top=1000')).rows, byProb.rows);

  // By hand: probability × revenue descending, ties by probability; no revenue: after all, by probability.
  const expected = byExpectedLoss(byProb.rows, (id) => revenueOf(latest.get(id)!));
  const byLoss = await risk('top=1000&rank=expected_loss');
  assert.deepEqual(byLoss.rows.map((r) => r.id), expected);
  byLoss.rows.forEach((r, k) => assert.equal(r.rank, k + 1));
  assert.notDeepEqual(byLoss.rows.slice(0, TOP).map((r) => r.id), byProb.rows.slice(0, TOP).map((r) => r.id));
  const withoutValue = cur.filter((r) => r.revenue === '').length;
  assert.ok(withoutValue > 5);
  assert.ok(byLoss.rows.slice(-withoutValue).every((r) => r.value === null));
});

test('the summary: expected leavers and expected loss the top K cover, and the population\'s', async () => {
  for (const rank of ['probability', 'expected_loss'] as const) {
    const all = await risk(`top=1000&rank=${rank}`);
    const top = await risk(`rank=${rank}`); // top_k = 10
    assert.deepEqual(top.rows, all.rows.slice(0, TOP));
    let leavers = 0;
    let loss = 0;
    let none = 0;
    for (const r of top.rows) {
      leavers += r.probability;
      loss += r.expectedLoss ?? 0;
      none += r.value === null ? 1 : 0;
    }
    let allLeavers = 0;
    let allLoss = 0;
    for (const r of all.rows) {
      allLeavers += r.probability;
      allLoss += r.expectedLoss ?? 0;
    }
    assert.deepEqual(top.summary, { rank, clients: TOP, expectedLeavers: leavers, expectedLoss: loss, withoutValue: none, population: { clients: all.rows.length, expectedLeavers: allLeavers, expectedLoss: allLoss } });
  }
  // Ranked by expected loss, the top covers more of it than the top by probability, and fewer leavers.
  const a = (await risk('rank=probability')).summary;
  const b = (await risk('rank=expected_loss')).summary;
  assert.ok(b.expectedLoss! > a.expectedLoss! && b.expectedLeavers < a.expectedLeavers, JSON.stringify({ a, b }));
});

test('the CSV form has value and expected_loss columns, ordered as asked', async () => {
  const json = await risk('top=30&rank=expected_loss');
  const r = await fetch(`${server.url}/risk?top=30&rank=expected_loss`, { headers: { accept: 'text/csv' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-rank'), 'expected_loss');
  const lines = (await r.text()).trimEnd().split('\n');
  assert.equal(lines[0], 'rank,corporation,probability,value,expected_loss');
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(',')),
    json.rows.map((x) => [String(x.rank), x.id, String(x.probability), x.value === null ? '' : String(x.value), x.expectedLoss === null ? '' : String(x.expectedLoss)]),
  );
});

test('a bad rank is a 400 naming the parameter and both values; expected_loss without value_column too; the OpenAPI document types it', async () => {
  for (const bad of ['loss', 'PROBABILITY', '']) {
    const r = await fetch(`${server.url}/risk?rank=${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(((await r.json()) as { error: { message: string } }).error.message, 'rank: expected "probability" or "expected_loss"');
  }
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, { get: { parameters: Array<{ name: string; in: string; schema: { enum?: string[] } }> } }> };
  const p = doc.paths['/risk'].get.parameters.find((x) => x.name === 'rank');
  assert.deepEqual(p && { in: p.in, enum: p.schema.enum }, { in: 'query', enum: ['probability', 'expected_loss'] });

  const file = join(ws.dir, 'config-novalue.json');
  const raw = JSON.parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
  delete raw.value_column;
  writeFileSync(file, JSON.stringify(raw));
  const s = await startServer({ ...ctx, config: loadConfig(file) }, { host: '127.0.0.1', port: 0 });
  try {
    const r = await fetch(`${s.url}/risk?rank=expected_loss`);
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, /^rank: "expected_loss" needs value_column in the config/);
    // Without value_column: values are null, the dataset's extra column is not read.
    const body = (await (await fetch(`${s.url}/risk`)).json()) as RiskList;
    assert.equal(body.valueColumn, null);
    assert.ok(body.rows.every((x) => x.value === null && x.expectedLoss === null));
    assert.equal(body.summary.expectedLoss, null);
    assert.equal(body.summary.withoutValue, null);
  } finally {
    await s.close();
    rmSync(file, { force: true });
  }
});

test('each order is made once per ranked list: the cache hands back the same list and the same ranking', async () => {
  const holder = new ModelHolder(productionSource(ctx), { watch: false });
  await holder.check(true);
  const cache = new PopulationCache(ctx.config);
  const list = (await cache.get(holder.current!))!;
  const byLoss = ranking(list, 'expected_loss');
  assert.equal(ranking(list, 'expected_loss'), byLoss);
  assert.equal(ranking(list, 'probability').order, list.order);
  assert.equal(await cache.get(holder.current!), list);
  assert.equal(ranking((await cache.get(holder.current!))!, 'expected_loss'), byLoss);
  assert.equal(cache.computations, 1);
});

test('a PostgreSQL population carries the value column; risk.rank_by "expected_loss" is the default order then', async () => {
  const pgdb = await pgSchema('rw_value');
  const env = 'RW_TEST_VALUE_POPULATION_URL';
  const file = join(ws.dir, 'config-pg.json');
  try {
    await pgdb.client.query(`CREATE TABLE ${pgdb.schema}.clients (corporation text, lastmonth_activity integer, lastyear_activity integer, number_of_employees integer, revenue numeric)`);
    // g1: high risk, small revenue; g2: lower risk, large revenue; g3: no revenue; g4's newest row (last) counts.
    await pgdb.client.query(`INSERT INTO ${pgdb.schema}.clients VALUES ('g1', 1, 1, 1, 10.5), ('g2', 400, 1, 1, 90000), ('g3', 0, 1, 1, NULL), ('g4', 5, 1, 1, 1), ('g4', 200, 1, 1, 50000.25)`);
    process.env[env] = PG_URL;
    const raw = JSON.parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...raw, population: { type: 'postgres', url_env: env, table: `${pgdb.schema}.clients` }, risk: { rank_by: 'expected_loss' } }));
    const s = await startServer({ ...ctx, config: loadConfig(file) }, { host: '127.0.0.1', port: 0 });
    try {
      const r = await fetch(`${s.url}/risk?top=10`);
      assert.equal(r.status, 200, await r.clone().text());
      const body = (await r.json()) as RiskList;
      assert.equal(body.summary.rank, 'expected_loss');
      const value: Record<string, number | null> = Object.fromEntries(body.rows.map((x) => [x.id, x.value]));
      assert.deepEqual({ ...value }, { g1: 10.5, g2: 90000, g3: null, g4: 50000.25 });
      const p = Object.fromEntries(body.rows.map((x) => [x.id, x.probability]));
      const known = ['g1', 'g2', 'g4'].sort((a, b) => p[b] * value[b]! - p[a] * value[a]!);
      assert.deepEqual(body.rows.map((x) => x.id), [...known, 'g3']);
      const byProb = (await (await fetch(`${s.url}/risk?top=10&rank=probability`)).json()) as RiskList;
      assert.deepEqual(byProb.rows.map((x) => x.id), ['g1', 'g2', 'g3', 'g4'].sort((a, b) => p[b] - p[a]));
      assert.equal(byProb.summary.withoutValue, 1);
    } finally {
      await s.close();
    }
  } finally {
    delete process.env[env];
    rmSync(file, { force: true });
    await pgdb.drop();
  }
});

test('a population without the value column is an error naming the column', async () => {
  const file = join(ws.dir, 'config-file.json');
  const list = join(ws.dir, 'current.csv');
  try {
    writeFileSync(list, 'corporation,lastmonth_activity,lastyear_activity,number_of_employees\np1,1,1,1\n');
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(ws.config, 'utf8')) as object), population: 'current.csv' }));
    const s = await startServer({ ...ctx, config: loadConfig(file) }, { host: '127.0.0.1', port: 0 });
    try {
      const r = await fetch(`${s.url}/risk`);
      assert.equal(r.status, 500);
      assert.match(((await r.json()) as { error: { message: string } }).error.message, /^config "population": current\.csv:1: required column "revenue" is missing/);
    } finally {
      await s.close();
    }
  } finally {
    rmSync(file, { force: true });
    rmSync(list, { force: true });
  }
});

test('the report ranks by config risk.rank_by: the PDF lists the top by expected loss with value columns and says what the top K cover; report.json carries the summary', async () => {
  const file = join(ws.dir, 'config-report.json');
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(ws.config, 'utf8')) as object), risk: { rank_by: 'expected_loss' } }));
  const c: Context = { ...ctx, config: loadConfig(file) };
  const out = join(ws.dir, 'report-value');
  try {
    const all = await risk('top=1000&rank=expected_loss');
    const data = await collectReportData(c, { dependencies: false });
    assert.deepEqual(data.topClients.map(({ features: _, reasons: _r, keeping: _k, ...x }) => x), all.rows.slice(0, 20));
    assert.deepEqual(data.callList, { valueColumn: 'revenue', summary: (await risk('rank=expected_loss')).summary }); // top_k = 10
    const r = await report(c, { out, dependencies: false });
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(r.pdf)), useSystemFonts: false, isEvalSupported: false }).promise;
    const page = await doc.getPage(r.pages.indexOf('Highest-risk clients') + 1); // pages after it explain the clients
    const text = (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' ');
    await doc.destroy();
    assert.ok(text.includes('with the highest expected loss (risk × revenue)'), text);
    // The cover sentence, its figures computed here from the API's rows.
    const top = all.rows.slice(0, TOP);
    const leavers = top.reduce((a, x) => a + x.probability, 0);
    const loss = top.reduce((a, x) => a + (x.expectedLoss ?? 0), 0);
    const allLeavers = all.rows.reduce((a, x) => a + x.probability, 0);
    const allLoss = all.rows.reduce((a, x) => a + (x.expectedLoss ?? 0), 0);
    const cover = `The top ${TOP} (config top_k) cover about ${formatExpected(leavers)} expected leavers (${formatShare(leavers / allLeavers)} of the ${formatExpected(allLeavers)} expected among all ${all.rows.length} current clients) and an expected loss of ${formatAmount(loss)} in revenue (${formatShare(loss / allLoss)} of the ${formatAmount(allLoss)} at risk across them all).`;
    assert.ok(text.includes(cover), `${cover}\n${text}`);
    assert.deepEqual(text.match(/c\d{3}/g), all.rows.slice(0, 20).map((x) => x.id));
    for (const x of all.rows.slice(0, 20)) assert.ok(text.includes(`${x.id} `) && text.includes(formatAmount(x.expectedLoss)), x.id);
    const summary = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { callList: unknown };
    assert.deepEqual(summary.callList, data.callList);
  } finally {
    rmSync(file, { force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
