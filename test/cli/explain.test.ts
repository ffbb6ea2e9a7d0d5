import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import type { ClientExplanation } from '../../src/population/explain-client.ts';
import type { PredictResult } from '../../src/model/predict.ts';
import { cli, context, makeWorkspace } from '../helpers/workspace.ts';
import { CRM_FEATURES, crmConfig, crmCsv, crmRows, type CrmRow } from '../helpers/crm-table.ts';

// predict --explain N and riskwatch explain --id (issue 17 item 3), through the built CLI: the
// numbers add up to each risk, the reasons are the largest positive contributions, the CSV's
// reason columns say the same as --json, and a client's rank and comparison with the clients who
// stayed are checked against what this test computes from the table itself.

const logit = (p: number) => Math.log(p) - Math.log1p(-p);
let ws: ReturnType<typeof makeWorkspace>;
let rows: CrmRow[];
const csvPath = () => join(ws.source, 'clients.csv');

before(async () => {
  ws = makeWorkspace({ ...crmConfig({ standardize: true }), feature_labels: { tenure: 'Months as client' } });
  rows = crmRows(600, 11);
  writeFileSync(csvPath(), crmCsv(rows));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(200, 12, { prefix: 't' })));
  const ctx = await context(ws.config);
  try {
    await ingest(ctx);
    await deploy(ctx, (await train(ctx)).version);
  } finally {
    await ctx.store.close();
  }
});

after(() => {
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
});

function checkExplained(base: number, p: { probability: number; contributions?: Record<string, number>; reasons?: Array<{ feature: string; contribution: number }> }, n: number) {
  const c = p.contributions!;
  assert.deepEqual(Object.keys(c), [...CRM_FEATURES]);
  assert.ok(Math.abs(Object.values(c).reduce((s, v) => s + v, base) - logit(p.probability)) < 1e-9);
  const positive = Object.entries(c).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  assert.deepEqual(p.reasons!.map((r) => r.feature), positive.slice(0, n).map(([f]) => f));
  assert.ok(p.reasons!.every((r) => r.contribution > 0 && r.contribution === c[r.feature]));
}

test('predict --explain 2: --json predictions explained with base; --out gains reason_1, reason_2 with the same texts', () => {
  const json = cli(['--config', ws.config, 'predict', '--data', csvPath(), '--explain', '2', '--json']);
  assert.equal(json.status, 0, json.stderr);
  const r = JSON.parse(json.stdout) as PredictResult;
  assert.equal(typeof r.base, 'number');
  assert.equal(r.predictions!.length, 600);
  for (const p of r.predictions!) checkExplained(r.base!, p, 2);
  const out = join(ws.dir, 'explained.csv');
  const file = cli(['--config', ws.config, 'predict', '--data', csvPath(), '--explain', '2', '--out', out, '--json']);
  assert.equal(file.status, 0, file.stderr);
  const table = parse(readFileSync(out)) as string[][];
  assert.deepEqual(table[0], ['id', 'probability', 'prediction', 'reason_1', 'reason_2']);
  r.predictions!.forEach((p, k) => assert.deepEqual(table[k + 1], [p.id, String(p.probability), String(p.prediction), p.reasons![0]?.text ?? '', p.reasons![1]?.text ?? '']));
  assert.ok(table.slice(1).some((t) => t[3].startsWith('Months as client: ')), 'the configured label');
  const plain = JSON.parse(cli(['--config', ws.config, 'predict', '--data', csvPath(), '--json']).stdout) as PredictResult;
  assert.equal(plain.base, undefined);
  assert.deepEqual(plain.predictions!.map((p) => p.probability), r.predictions!.map((p) => p.probability));
  const bad = cli(['--config', ws.config, 'predict', '--data', csvPath(), '--explain', '8']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--explain: at most 7/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test('explain --id: rank among the current clients, reasons, every feature against the clients who stayed; unknown id: one line, exit 1', () => {
  const predicted = JSON.parse(cli(['--config', ws.config, 'predict', '--data', csvPath(), '--json']).stdout) as PredictResult;
  const prob = new Map(predicted.predictions!.map((p) => [p.id, p.probability]));
  // Current clients: every row that did not leave (one row per client here).
  const current = rows.filter((r) => r.churned === 'No');
  const top = current.map((r) => r.id).sort((a, b) => prob.get(b)! - prob.get(a)!);
  const id = top[4];
  const r = cli(['--config', ws.config, 'explain', '--id', id, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout) as ClientExplanation;
  assert.equal(e.id, id);
  assert.equal(e.rank, 5);
  assert.equal(e.clients, current.length);
  assert.equal(e.rankBy, 'probability');
  assert.equal(e.probability, prob.get(id));
  checkExplained(e.base, e, 3);
  const row = rows.find((x) => x.id === id)!;
  const stayers = rows.filter((x) => x.churned === 'No');
  assert.deepEqual(e.features.map((f) => f.feature), [...CRM_FEATURES]);
  for (const f of e.features) {
    assert.equal(f.value, row[f.feature as keyof CrmRow] ?? null);
    assert.equal(f.contribution, e.contributions[f.feature]);
    if (f.value === null) assert.deepEqual(f.stayers, { share: stayers.filter((x) => x[f.feature as keyof CrmRow] === null).length / stayers.length });
    else if (typeof f.value === 'string') assert.deepEqual(f.stayers, { share: stayers.filter((x) => x[f.feature as keyof CrmRow] === f.value).length / stayers.length });
    else {
      const known = stayers.map((x) => x[f.feature as keyof CrmRow] as number | null).filter((v): v is number => v !== null);
      const mean = (f.stayers as { mean: number }).mean;
      assert.ok(Math.abs(mean - known.reduce((s, v) => s + v, 0) / known.length) < 1e-9, f.feature);
    }
  }
  assert.equal(e.features[0].label, 'Months as client');

  const human = cli(['--config', ws.config, 'explain', '--id', id]);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^client ${id}: risk [0-9.]+% — rank 5 of ${current.length} by risk`));
  for (const reason of e.reasons) assert.ok(human.stdout.includes(reason.text), reason.text);
  assert.match(human.stdout, /feature +value +log-odds +clients who stay/);

  const left = rows.find((x) => x.churned === 'Yes')!.id;
  for (const missing of ['nobody', left]) {
    const u = cli(['--config', ws.config, 'explain', '--id', missing]);
    assert.equal(u.status, 1);
    assert.equal(u.stdout, '');
    assert.match(u.stderr, new RegExp(`^riskwatch: --id ${missing}: not a current client \\(${current.length} ranked`));
    assert.equal(u.stderr.trim().split('\n').length, 1, u.stderr);
  }
});

test('predict --explain with no number means yes: N = risk.reasons (3), as ?explain does on the API', () => {
  const bare = cli(['--config', ws.config, 'predict', '--data', csvPath(), '--explain', '--json']);
  assert.equal(bare.status, 0, bare.stderr);
  const three = cli(['--config', ws.config, 'predict', '--data', csvPath(), '--explain', '3', '--json']);
  assert.equal(three.status, 0, three.stderr);
  assert.deepEqual(JSON.parse(bare.stdout), JSON.parse(three.stdout));
  const r = JSON.parse(bare.stdout) as PredictResult;
  for (const p of r.predictions!) checkExplained(r.base!, p, 3);
  assert.ok(r.predictions!.some((p) => p.reasons!.length === 3));
  // Last on the line, too.
  const last = cli(['--config', ws.config, '--json', 'predict', '--data', csvPath(), '--explain']);
  assert.equal(last.status, 0, last.stderr);
  assert.deepEqual(JSON.parse(last.stdout), JSON.parse(three.stdout));
});

test('predict --explain and explain --reasons with a negative, fractional, huge or too large number: one line naming the flag, exit 2', () => {
  const id = rows.find((x) => x.churned === 'No')!.id;
  const cases: Array<[string[], RegExp]> = [];
  for (const v of ['-1', '1.5', '99999999999999999999', 'abc']) {
    cases.push([['predict', '--data', csvPath(), '--explain', v], new RegExp(`^riskwatch: --explain: expected a whole number, got "${v.replace('.', '\\.')}"$`)]);
    cases.push([['explain', '--id', id, '--reasons', v], new RegExp(`^riskwatch: --reasons: expected a whole number, got "${v.replace('.', '\\.')}"$`)]);
  }
  cases.push([['predict', '--data', csvPath(), '--explain', '8'], /^riskwatch: --explain: at most 7 \(the model's features\), got 8$/]);
  cases.push([['explain', '--id', id, '--reasons', '8'], /^riskwatch: --reasons: at most 7 \(the model's features\), got 8$/]);
  for (const [args, message] of cases) {
    const r = cli(['--config', ws.config, ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr.trim(), message, args.join(' '));
  }
  const all = cli(['--config', ws.config, 'explain', '--id', id, '--reasons', '7', '--json']);
  assert.equal(all.status, 0, all.stderr);
});
