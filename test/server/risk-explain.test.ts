import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import type { PredictionResult, Reason, RiskList } from '../../src/contracts/api.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';
import { CRM_FEATURES, crmConfig, crmCsv, crmRows, type CrmRow } from '../helpers/crm-table.ts';
import { parse } from 'csv-parse/sync';

// GET /risk?explain=N (issue 17 item 3): every listed client's contributions add up to its risk,
// its reasons are its largest positive ones in words a client manager can read (the words checked
// against the training table: the stayers' means and shares computed here from the CSV), and the
// contributions come from the cached list — computed once, however many requests.

const LABELS = { tenure: 'Months as client', fee: 'Monthly fee' };
const logit = (p: number) => Math.log(p) - Math.log1p(-p);

for (const family of ['logistic', 'gbdt'] as const) {
  let ws: ReturnType<typeof makeWorkspace>;
  let ctx: Context;
  let server: Awaited<ReturnType<typeof startServer>>;
  let rows: CrmRow[];
  const model = family === 'gbdt' ? { family, gbdt: { min_samples_leaf: 10, max_leaves: 8, max_iter: 30 } } : { standardize: true };

  before(async () => {
    ws = makeWorkspace({ ...crmConfig(model), feature_labels: LABELS });
    rows = crmRows(800, family === 'gbdt' ? 5 : 6);
    writeFileSync(join(ws.source, 'clients.csv'), crmCsv(rows));
    writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(200, 7, { prefix: 't' })));
    ctx = await context(ws.config);
    await ingest(ctx);
    await deploy(ctx, (await train(ctx)).version);
    server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await server?.close();
    await ctx?.store.close();
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  });

  /** The text the test expects for a reason, from the training table's stayers (churned = No). */
  function expectedText(r: Reason): string {
    const label = (LABELS as Record<string, string>)[r.feature] ?? r.feature[0].toUpperCase() + r.feature.slice(1);
    if (r.value === null) return `${label}: missing`;
    const stayers = rows.filter((x) => x.churned === 'No');
    const f = r.feature as keyof CrmRow;
    if (typeof r.value === 'string') {
      const share = stayers.filter((x) => x[f] === r.value).length / stayers.length;
      return share === 0 ? `${label}: ${r.value} — no client who stays has it` : `${label}: ${r.value} — ${share < 0.01 ? '<1' : Math.round(share * 100)}% of clients who stay have it`;
    }
    const known = stayers.map((x) => x[f] as number | null).filter((v): v is number => v !== null);
    const mean = known.reduce((s, v) => s + v, 0) / known.length;
    if (r.feature === 'fee') {
      // A decimal number: whole from 100 up, else at most two decimals (values here are below 1,000).
      const fmt = (v: number) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 100) / 100));
      return `${label}: ${fmt(r.value)} — clients who stay average ${fmt(mean)}`;
    }
    return `${label}: ${r.value} — clients who stay average ${mean >= 10 ? Math.round(mean) : Math.round(mean * 10) / 10}`;
  }

  const computations = async (kind: string) => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    return Number(new RegExp(`^riskwatch_call_list_computations_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
  };

  test(`${family}: the start-up warm-up explains the call list before any request asks`, async () => {
    await server.warmed;
    assert.equal(await computations('ranking'), 1);
    assert.equal(await computations('contributions'), 1);
  });

  test(`${family}: GET /risk?explain=3 — contributions add up to each risk, reasons are the largest positive ones, in words`, async () => {
    const r = await fetch(`${server.url}/risk?top=60&explain=3`);
    assert.equal(r.status, 200, await r.clone().text());
    const body = (await r.json()) as RiskList;
    assert.equal(typeof body.base, 'number');
    assert.equal(body.rows.length, 60);
    const byId = new Map(rows.map((x) => [x.id, x]));
    const kinds = new Set<string>();
    for (const row of body.rows) {
      const c = row.contributions!;
      assert.deepEqual(Object.keys(c), [...CRM_FEATURES]);
      const sum = Object.values(c).reduce((s, v) => s + v, body.base!);
      assert.ok(Math.abs(sum - logit(row.probability)) < 1e-9, `${row.id}: base + Σ = ${sum}, logit(p) = ${logit(row.probability)}`);
      const positive = Object.entries(c).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
      assert.deepEqual(row.reasons!.map((x) => x.feature), positive.slice(0, 3).map(([f]) => f), row.id);
      const negative = Object.entries(c).filter(([, v]) => v < 0).sort((a, b) => a[1] - b[1]);
      assert.equal(row.keeping?.feature ?? null, negative[0]?.[0] ?? null);
      const client = byId.get(row.id)!;
      for (const reason of [...row.reasons!, ...(row.keeping ? [row.keeping] : [])]) {
        assert.equal(reason.contribution, c[reason.feature]);
        assert.equal(reason.value, client[reason.feature as keyof CrmRow], `${row.id} ${reason.feature}`);
        assert.equal(reason.text, expectedText(reason));
        kinds.add(reason.value === null ? 'missing' : typeof reason.value === 'string' ? 'category' : reason.feature === 'fee' ? 'number' : 'count');
      }
      for (let k = 1; k < row.reasons!.length; k++) assert.ok(row.reasons![k].contribution <= row.reasons![k - 1].contribution);
    }
    assert.deepEqual([...kinds].sort(), ['category', 'count', 'missing', 'number'], 'the list shows every kind of text');
  });

  test(`${family}: explain=0 gives the contributions alone; no explain, none of the fields; CSV reason_1 … reason_N`, async () => {
    const zero = (await (await fetch(`${server.url}/risk?top=5&explain=0`)).json()) as RiskList;
    assert.ok(zero.rows.every((x) => x.reasons!.length === 0 && Object.keys(x.contributions!).length === CRM_FEATURES.length && x.keeping !== undefined));
    const plain = (await (await fetch(`${server.url}/risk?top=5`)).json()) as RiskList;
    assert.equal(plain.base, undefined);
    assert.ok(plain.rows.every((x) => !('contributions' in x) && !('reasons' in x) && !('keeping' in x)));
    const json = (await (await fetch(`${server.url}/risk?top=20&explain=2&rank=probability`)).json()) as RiskList;
    const csv = await (await fetch(`${server.url}/risk?top=20&explain=2`, { headers: { accept: 'text/csv' } })).text();
    const table = parse(csv) as string[][];
    assert.deepEqual(table[0], ['rank', 'id', 'probability', 'reason_1', 'reason_2']); // no value_column: no value columns
    assert.equal(table.length - 1, 20);
    json.rows.forEach((row, k) => assert.deepEqual(table[k + 1].slice(3), [row.reasons![0]?.text ?? '', row.reasons![1]?.text ?? '']));
  });

  test(`${family}: a bad explain is a 400 naming explain`, async () => {
    for (const q of ['explain=8', 'explain=-1', 'explain=1.5', 'explain=abc', 'explain=1e20', 'explain=99999999999', 'explain=1&explain=2', 'explain=-']) {
      const r = await fetch(`${server.url}/risk?${q}`);
      assert.equal(r.status, 400, q);
      const { error: { message: error } } = (await r.json()) as { error: { message: string } };
      assert.match(error, /^explain: /, `${q}: ${error}`);
    }
    assert.match(((await (await fetch(`${server.url}/risk?explain=8`)).json()) as { error: { message: string } }).error.message, /at most 7/);
    assert.equal((await fetch(`${server.url}/risk?explain=7`)).status, 200);
  });

  test(`${family}: a bare explain (?explain, explain=, explain=%20) means yes: the default N, risk.reasons (3), on /risk (JSON and CSV) and POST /prediction`, async () => {
    const three = (await (await fetch(`${server.url}/risk?top=10&explain=3`)).json()) as RiskList;
    assert.ok(three.rows.some((x) => x.reasons!.length === 3), 'some client has 3 reasons');
    for (const q of ['explain', 'explain=', 'explain=%20']) {
      const r = await fetch(`${server.url}/risk?top=10&${q}`);
      assert.equal(r.status, 200, `${q}: ${await r.clone().text()}`);
      assert.deepEqual(await r.json(), three, q);
      const csv = parse(await (await fetch(`${server.url}/risk?top=10&${q}`, { headers: { accept: 'text/csv' } })).text()) as string[][];
      assert.deepEqual(csv[0], ['rank', 'id', 'probability', 'reason_1', 'reason_2', 'reason_3'], q);
    }
    const records = [{ id: 'a', tenure: 2, logins: 1, seats: 30, fee: 180.5, plan: 'Basic', contract: 'Monthly', region: 'North' }];
    const post = (q: string) => fetch(`${server.url}/prediction${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) }).then((r) => r.json());
    const explicit = await post('?explain=3');
    assert.deepEqual(await post('?explain'), explicit);
    assert.deepEqual(await post('?explain='), explicit);
    assert.equal((explicit as PredictionResult).predictions[0].reasons!.length, 3);
  });

  test(`${family}: POST /prediction?explain=N — each prediction explained, base + Σ = logit(p); without explain as before`, async () => {
    const records = [
      { id: 'a', tenure: 2, logins: 1, seats: 30, fee: 180.5, plan: 'Basic', contract: 'Monthly', region: 'North' },
      { id: 'b', tenure: 70, logins: 25, seats: 3, fee: null, plan: 'Enterprise', contract: 'Two-year', region: null },
      { id: 'c', tenure: 30, logins: 10, seats: 10, fee: 99.99, plan: 'Pro', contract: 'Weekly', region: 'Mars' },
    ];
    const post = (q: string) => fetch(`${server.url}/prediction${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
    const first = await post('');
    assert.equal(first.status, 200, await first.clone().text());
    const plain = (await first.json()) as PredictionResult;
    assert.equal(plain.base, undefined);
    assert.ok(plain.predictions.every((p) => !('reasons' in p) && !('contributions' in p)));
    const r = await post('?explain=2');
    assert.equal(r.status, 200, await r.clone().text());
    const body = (await r.json()) as PredictionResult;
    assert.equal(typeof body.base, 'number');
    body.predictions.forEach((p, i) => {
      assert.equal(p.probability, plain.predictions[i].probability, 'explaining does not change the risk');
      const sum = Object.values(p.contributions!).reduce((s, v) => s + v, body.base!);
      assert.ok(Math.abs(sum - logit(p.probability)) < 1e-9, `${p.id}: ${sum} vs ${logit(p.probability)}`);
      const positive = Object.entries(p.contributions!).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
      assert.deepEqual(p.reasons!.map((x) => x.feature), positive.slice(0, 2).map(([f]) => f));
      for (const reason of [...p.reasons!, ...(p.keeping ? [p.keeping] : [])]) {
        const raw = records[i][reason.feature as keyof (typeof records)[number]];
        assert.equal(reason.value, raw ?? null);
        assert.equal(reason.text, expectedText(reason));
      }
    });
    const bad = await post('?explain=99');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /^explain: at most 7/);
  });

  test(`${family}: the contributions are computed once for the cached list, not per request`, async () => {
    await Promise.all([1, 2, 3].map((n) => fetch(`${server.url}/risk?explain=${n}`).then((r) => r.arrayBuffer())));
    await fetch(`${server.url}/risk?explain=3&top=500`).then((r) => r.arrayBuffer());
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^riskwatch_call_list_computations_total\{kind="contributions"\} 1$/m);
    assert.match(metrics, /^riskwatch_call_list_computations_total\{kind="ranking"\} 1$/m);
  });

  test(`${family}: after a hot reload (new data, a new version deployed) the new list is ranked and explained with no request for it`, async () => {
    writeFileSync(join(ws.source, 'more.csv'), crmCsv(crmRows(300, 8, { prefix: 'm' })));
    await ingest(ctx);
    const v2 = (await train(ctx)).version;
    assert.notEqual(v2, 'v1');
    await deploy(ctx, v2);
    for (let k = 0; k < 300 && (await computations('contributions')) < 2; k++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await computations('ranking'), 2);
    assert.equal(await computations('contributions'), 2);
    const list = (await (await fetch(`${server.url}/risk?explain=3`)).json()) as RiskList;
    assert.equal(list.version, v2);
    assert.ok(list.rows.every((r) => r.reasons !== undefined));
    assert.equal(await computations('contributions'), 2, 'the request found them made');
  });
}
