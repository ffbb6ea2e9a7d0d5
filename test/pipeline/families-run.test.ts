import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/run.ts';
import { score } from '../../src/model/score.ts';
import { commandDetail } from '../../src/store/command-detail.ts';
import { cli, context, makeWorkspace } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';

// Champion/challenger across families (issue 16 item 5): under model.family "auto" the run's
// decision records both candidate families' validation figures and the winner, and a champion of
// the other family is scored on the very rows the challenger is.

test('run --json under model.family "auto": the record names both candidates, their validation figures and the winner', () => {
  const ws = makeWorkspace(crmConfig({ family: 'auto' }) as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(3000, 7)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(600, 8, { prefix: 't' })));
  try {
    const r = cli(['--config', ws.config, 'run', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.deployed, 'v1');
    const doc = JSON.parse(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8'));
    // The run's candidates are the deployed document's selection, figure for figure.
    const cands = out.challenger.candidates;
    assert.deepEqual(cands, doc.selection.candidates.map((c: { family: string; logLoss: number; rocAuc: number }) => ({ family: c.family, logLoss: c.logLoss, rocAuc: c.rocAuc })));
    assert.deepEqual(cands.map((c: { family: string }) => c.family).sort(), ['gbdt', 'logistic']);
    // On this nonlinear table the trees win (lower validation log loss), and the challenger is of their family.
    assert.equal(doc.selection.winner, 'gbdt');
    const [g, l] = ['gbdt', 'logistic'].map((f) => cands.find((c: { family: string }) => c.family === f));
    assert.ok(g.logLoss < l.logLoss, `${g.logLoss} vs ${l.logLoss}`);
    assert.equal(out.challenger.family, 'gbdt');
    assert.equal(out.challenger.version, 'v1');
    // The reason says it in words, with the same figures.
    assert.match(out.reason, /v1 is gradient-boosted trees, chosen by validation log loss/);
    for (const c of [g, l]) assert.ok(out.reason.includes(`${c.family} ${c.logLoss.toFixed(4)} (ROC AUC ${c.rocAuc.toFixed(4)})`), out.reason);
    // The stored record reads back through its schema with the families and the candidates.
    const runs = cli(['--config', ws.config, 'runs', '--json']);
    assert.equal(runs.status, 0, runs.stderr);
    const rec = JSON.parse(runs.stdout).runs.find((x: { id: number }) => x.id === out.runId);
    assert.deepEqual(commandDetail(rec).challenger, out.challenger);
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
});

test('a logistic champion against an "auto" challenger of trees: both scored on the same held-out newest rows', async () => {
  // model.family "logistic" first (a configured family: no selection), then "auto".
  const ws = makeWorkspace({ ...crmConfig({ family: 'logistic' }), drift: { retrain_on_data_drift: true, dataset_share: 0.1 } } as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(3000, 7)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(600, 8, { prefix: 't' })));
  const ctx = await context(ws.config);
  try {
    const first = await runPipeline(ctx);
    assert.equal(first.deployed, 'v1', first.reason);
    assert.equal(first.challenger!.family, 'logistic');
    assert.equal(first.challenger!.candidates, undefined);
    assert.doesNotMatch(first.reason, /chosen by validation log loss/);

    // A new month of newer clients (tenure drifts): the run retrains, now under "auto".
    const batch = crmRows(1200, 21, { prefix: 'm' }).map((r) => ({ ...r, tenure: Math.floor(r.tenure / 8) }));
    writeFileSync(join(ws.source, 'month2.csv'), crmCsv(batch));
    ctx.config.model.family = 'auto';
    const second = await runPipeline(ctx);
    assert.equal(second.status, 'completed', second.reason);
    assert.equal(second.retrained, true, second.reason);
    assert.equal(second.champion!.version, 'v1');
    assert.equal(second.champion!.family, 'logistic');
    assert.equal(second.challenger!.family, 'gbdt');
    assert.deepEqual(second.challenger!.candidates!.map((c) => c.family).sort(), ['gbdt', 'logistic']);
    assert.match(second.reason, /v2 is gradient-boosted trees, chosen by validation log loss/);

    // Fair: the held-out rows are every 4th row of the new month, neither model trained on them;
    // each model scored on a file of exactly those rows gives the F1 the run compared.
    const heldOut = join(ws.dir, 'held-out.csv');
    writeFileSync(heldOut, crmCsv(batch.filter((_, i) => i % 4 === 0)));
    const champion = await score(ctx, { model: 'v1', data: heldOut });
    const challenger = await score(ctx, { model: 'v2', data: heldOut });
    assert.equal(second.champion!.f1, champion.f1);
    assert.equal(second.challenger!.f1, challenger.f1);
    assert.notEqual(champion.f1, challenger.f1);
    // And both scores joined the models' histories on the same rows.
    const holdouts = await Promise.all(['v1', 'v2'].map(async (v) => (await ctx.store.scores(v)).find((s) => s.kind === 'holdout')!));
    assert.equal(holdouts[0].dataHash, holdouts[1].dataHash);
    assert.equal(holdouts[0].rows, 300);
    assert.equal(holdouts[1].rows, 300);
  } finally {
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
