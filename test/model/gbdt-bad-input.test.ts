import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { predict } from '../../src/model/predict.ts';
import { cli, context, makeWorkspace } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows, type CrmRow } from '../helpers/crm-table.ts';
import { scoreGbdtDocument } from '../helpers/gbdt-scorer.ts';
import { CRM_FEATURES } from '../helpers/crm-table.ts';

// Issue 16's bad input for the tree family: each is one line naming what is wrong, a non-zero exit
// without a stack trace, and production untouched — or, where the input is merely unusual (a
// constant feature, values of 1e300), a model that handles it.

function workspace(model: Record<string, unknown>, rows: CrmRow[]) {
  const ws = makeWorkspace({ ...crmConfig(model), report: { enabled: false } } as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(rows));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(200, 99, { prefix: 't' })));
  return ws;
}

/** `riskwatch run` fails: exit 1, the error as the last stderr line, no stack trace, nothing deployed. */
function runFails(ws: { config: string; dir: string }, message: RegExp) {
  const r = cli(['--config', ws.config, 'run']);
  assert.equal(r.status, 1, r.stderr);
  const last = r.stderr.trim().split('\n').pop()!;
  assert.match(last, new RegExp(`^riskwatch: ${message.source}$`));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(join(ws.dir, 'production_deployment', 'model.json')), false, 'nothing deployed');
}

test('one class, a feature missing in every row, fewer rows than 2 · min_samples_leaf: run fails in one line, nothing deployed', () => {
  const rows = crmRows(400, 3);
  runFails(workspace({ family: 'gbdt' }, rows.map((r) => ({ ...r, churned: 'No' }))), /dataset \w+ has 400 rows, every one labelled "No" \(target_negative, stayed\): training needs both classes, .*/);
  runFails(workspace({ family: 'auto' }, rows.map((r) => ({ ...r, churned: 'No' }))), /dataset \w+ has 400 rows, every one labelled "No" .*/);
  runFails(workspace({ family: 'gbdt' }, rows.map((r) => ({ ...r, fee: null }))), /feature "fee" has no values in the dataset; the trees cannot split on it and drift has nothing to compare with; remove it from "features"/);
  runFails(workspace({ family: 'auto' }, rows.map((r) => ({ ...r, fee: null }))), /feature "fee" has no values in the dataset; cannot impute \(model\.family "auto" fits a logistic regression too\)/);
  runFails(workspace({ family: 'gbdt' }, rows.slice(0, 30)), /30 training rows: gradient-boosted trees need at least 2 · model\.gbdt\.min_samples_leaf = 40 to split once; lower model\.gbdt\.min_samples_leaf or use model\.family "logistic"/);
  runFails(workspace({ family: 'gbdt', gbdt: { min_samples_leaf: 100 } }, rows.slice(0, 150)), /150 training rows: .* = 200 to split once; .*/);
});

test('under "auto" too few rows for a tree to split: logistic is chosen alone, and the selection says so', async () => {
  const ws = workspace({ family: 'auto' }, crmRows(45, 3));
  const ctx = await context(ws.config);
  try {
    await ingest(ctx);
    const r = await train(ctx);
    assert.equal(r.family, 'logistic');
    assert.deepEqual(r.candidates!.map((c) => c.family), ['logistic']);
    const doc = JSON.parse(readFileSync(r.path, 'utf8'));
    assert.equal(doc.selection.winner, 'logistic');
    assert.equal(doc.selection.candidates.length, 1);
  } finally {
    await ctx.store.close();
  }
});

test('a constant feature is never split on; values of 1e300 are split and predicted like any other', async () => {
  const rows = crmRows(1500, 3).map((r, i) => ({ ...r, seats: 4, fee: i % 3 === 0 ? 1e300 : r.fee }));
  const ws = workspace({ family: 'gbdt' }, rows);
  const ctx = await context(ws.config);
  try {
    await ingest(ctx);
    const r = await train(ctx);
    assert.equal(r.importance!.splits.seats, 0);
    assert.equal(r.importance!.gain.seats, 0);
    const doc = JSON.parse(readFileSync(r.path, 'utf8'));
    const fee = CRM_FEATURES.indexOf('fee');
    const thresholds = doc.gbdt.trees.flatMap((t: { feature: number[]; threshold: number[] }) => t.threshold.filter((_, i) => t.feature[i] === fee));
    assert.ok(thresholds.length > 0 && thresholds.every(Number.isFinite));
    const file = join(ws.dir, 'new.csv');
    const fresh = crmRows(100, 5, { prefix: 'n' }).map((x, i) => ({ ...x, fee: i % 2 ? 1e300 : x.fee, seats: i % 3 ? 4 : 9 }));
    writeFileSync(file, crmCsv(fresh));
    const p = await predict(ctx, { data: file, model: r.version });
    assert.equal(p.rows, 100);
    const want = new Map(fresh.map((x) => [x.id, scoreGbdtDocument(doc, CRM_FEATURES.map((f) => x[f]))]));
    for (const q of p.predictions!) {
      assert.ok(q.probability > 0 && q.probability < 1);
      assert.ok(Math.abs(q.probability - want.get(q.id)!) < 1e-12);
    }
  } finally {
    await ctx.store.close();
  }
});

test('max_iter 0 and invalid model.gbdt keys: one line naming the key, exit 1, production untouched', async () => {
  const ws = workspace({ family: 'gbdt' }, crmRows(600, 3));
  const first = cli(['--config', ws.config, 'run']);
  assert.equal(first.status, 0, first.stderr);
  const production = join(ws.dir, 'production_deployment', 'model.json');
  const before = readFileSync(production, 'utf8');
  assert.equal(JSON.parse(before).family, 'gbdt');
  const json = JSON.parse(readFileSync(ws.config, 'utf8'));
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ family: 'gbdt', gbdt: { max_iter: 0 } }, /key "model\.gbdt\.max_iter": Too small: expected number to be >0/],
    [{ family: 'gbdt', gbdt: { num_leaves: 63 } }, /unknown key "num_leaves" in "model\.gbdt"/],
    [{ family: 'gbdt', gbdt: { early_stopping: 'sometimes' } }, /key "model\.gbdt\.early_stopping": expected true, false or "auto"/],
    [{ family: 'forest' }, /key "model\.family": Invalid option: expected one of "logistic"\|"gbdt"\|"auto"/],
  ];
  for (const [model, message] of cases) {
    writeFileSync(ws.config, JSON.stringify({ ...json, model }));
    for (const command of ['run', 'train']) {
      const r = cli(['--config', ws.config, command]);
      assert.equal(r.status, 1, `${command} ${JSON.stringify(model)}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^riskwatch: .*config\\.json: ${message.source}\\n$`));
    }
    assert.equal(readFileSync(production, 'utf8'), before, 'production untouched');
  }
});
