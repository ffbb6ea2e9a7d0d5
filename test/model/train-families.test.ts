import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { loadModel } from '../../src/model/fitted-model.ts';
import { computeMetrics } from '../../src/model/metrics.ts';
import { stratifiedSplit } from '../../src/model/gbdt/index.ts';
import type { GbdtDocument2, ModelDocument2 } from '../../src/contracts/model-document.ts';
import { readDataset } from '../../src/data/dataset-files.ts';
import { trainingSchema } from '../../src/data/columns.ts';
import { levelsOf, selectRows } from '../../src/data/dataset.ts';
import { fitFamily } from '../../src/model/family-fit.ts';
import { cli, context, makeWorkspace } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';

async function workspace(model: Record<string, unknown>, rows = crmRows(3000, 7)) {
  const ws = makeWorkspace(crmConfig(model) as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(rows));
  const ctx = await context(ws.config);
  await ingest(ctx);
  return { ws, ctx };
}

/** The config file rewritten with other model keys; a new context reads it. */
async function reconfigure(ws: { config: string }, model: Record<string, unknown>) {
  const json = JSON.parse(readFileSync(ws.config, 'utf8'));
  writeFileSync(ws.config, JSON.stringify({ ...json, model }));
  return context(ws.config);
}

test('model.family "gbdt": train writes a gbdt document, its drift reference from its own predictions, and reports family, trees and importance', async () => {
  const { ws, ctx } = await workspace({ family: 'gbdt' });
  try {
    const r = await train(ctx);
    assert.equal(r.family, 'gbdt');
    assert.equal(r.reused, false);
    const doc = JSON.parse(readFileSync(r.path, 'utf8')) as GbdtDocument2;
    assert.equal(doc.format, 'riskwatch.model/2');
    assert.equal(doc.family, 'gbdt');
    assert.equal(doc.selection, undefined);
    assert.deepEqual(doc.hyperParameters, { learningRate: 0.1, maxLeaves: 31, minSamplesLeaf: 20, l2: 0, maxBins: 255, maxIter: 100, earlyStopping: 'auto' });
    assert.equal(doc.training.rows, 3000);
    assert.equal(doc.training.iterations, 100, '3,000 rows: no early stopping under "auto"');
    assert.equal(r.trees, doc.gbdt.trees.length);
    assert.equal(r.iterations, 100);
    assert.deepEqual(r.importance, doc.gbdt.importance);
    assert.equal(r.coefficients, null);
    assert.equal(r.intercept, null);
    assert.equal(r.gradNorm, null);
    assert.equal(r.candidates, null);
    assert.deepEqual(doc.features.find((f) => f.name === 'region')!.categories, ['East', 'North', 'South', 'West', null]);
    assert.deepEqual(doc.features.find((f) => f.name === 'contract')!.categories, ['Annual', 'Monthly', 'Two-year']);
    // The nonlinear terms are the ones the trees use most.
    const gain = doc.gbdt.importance.gain;
    assert.ok(gain.logins > gain.region && gain.contract > gain.region && gain.seats > gain.region, JSON.stringify(gain));
    // The drift reference: the model's predictions on the training rows.
    const ref = JSON.parse(readFileSync(join(dirname(r.path), 'reference.json'), 'utf8'));
    assert.equal(ref.version, r.version);
    assert.equal(ref.rows, 3000);
    assert.ok(ref.prediction && ref.prediction.mean > 0 && ref.prediction.mean < 1);

    // The same dataset and config: the version is reused; another gbdt setting is a new training.
    const again = await train(ctx);
    assert.equal(again.reused, true);
    assert.equal(again.version, r.version);
    assert.equal(again.family, 'gbdt');
    assert.equal(again.trees, r.trees);
    await ctx.store.close();
    const ctx2 = await reconfigure(ws, { family: 'gbdt', gbdt: { max_leaves: 8 } });
    const other = await train(ctx2);
    assert.equal(other.reused, false);
    assert.notEqual(other.version, r.version);
    // Back to logistic: not the gbdt version.
    await ctx2.store.close();
    const ctx3 = await reconfigure(ws, {});
    const lr = await train(ctx3);
    assert.equal(lr.family, 'logistic');
    assert.equal(lr.reused, false);
    assert.equal(lr.importance, null);
    assert.equal(lr.trees, null);
    assert.equal(typeof lr.intercept, 'number');
    await ctx3.store.close();
  } catch (e) {
    await ctx.store.close().catch(() => {});
    throw e;
  }
});

test('model.family "auto" on a nonlinear table: trees win on validation log loss, the document records both candidates, the winner is refitted on all rows', async () => {
  const rows = crmRows(3000, 7);
  const { ws, ctx } = await workspace({ family: 'auto' }, rows);
  try {
    const r = await train(ctx);
    const doc = JSON.parse(readFileSync(r.path, 'utf8')) as ModelDocument2;
    assert.equal(doc.family, 'gbdt');
    assert.equal(r.family, 'gbdt');
    const s = doc.selection!;
    assert.equal(s.method, 'validation_log_loss');
    assert.equal(s.winner, 'gbdt');
    assert.equal(s.validationShare, 0.2);
    // Stratified: round(0.2 · count) of each class.
    const pos = rows.filter((x) => x.churned === 'Yes').length;
    assert.equal(s.validationRows, Math.round(0.2 * pos) + Math.round(0.2 * (3000 - pos)));
    assert.deepEqual(s.candidates.map((c) => c.family), ['logistic', 'gbdt']);
    const [lr, gb] = s.candidates;
    assert.ok(gb.logLoss < lr.logLoss, `gbdt ${gb.logLoss} vs logistic ${lr.logLoss}`);
    assert.ok(gb.rocAuc > lr.rocAuc + 0.02, `ROC AUC gbdt ${gb.rocAuc} vs logistic ${lr.rocAuc}`);
    assert.ok(lr.ms > 0 && gb.ms > 0);
    assert.deepEqual(lr.hyperParameters, { penalty: 'l2', C: 1, fitIntercept: true, maxIter: 100, tol: 1e-12, standardize: false });
    assert.deepEqual(r.candidates, s.candidates.map(({ family, logLoss, rocAuc, ms }) => ({ family, logLoss, rocAuc, ms })));
    assert.equal(doc.training.rows, 3000, 'the winner is refitted on all rows');

    // The candidates' figures, recomputed: the gbdt candidate as train with family "gbdt" on the
    // same 80% of the dataset, scored on the other 20%.
    const ds = await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config), { ids: false });
    const { train: fitRows, validation } = stratifiedSplit(ds!.dataset.y, 0.2, 0);
    assert.equal(validation.length, s.validationRows);
    const held = new Uint8Array(ds!.dataset.rows);
    for (const i of validation) held[i] = 1;
    const fitPart = selectRows(ds!.dataset, held, 0);
    const valPart = selectRows(ds!.dataset, held, 1);
    assert.equal(fitPart.rows, fitRows.length);
    const inputs = { features: fitPart.features, types: ['count', 'count', 'count', 'number', 'category', 'category', 'category'] as const, rows: fitPart.rows, x: fitPart.x, y: fitPart.y, levels: fitPart.features.map((_, j) => levelsOf(fitPart, j)), model: ctx.config.model, maxCategories: 50 };
    const cand = fitFamily('gbdt', inputs).document({ version: 'x', createdAt: '', datasetHash: '', target: '', idColumn: '' }, { rows: 0, positives: 0, ms: 0 });
    const m = computeMetrics(valPart.y, loadModel(cand).predictProba(valPart), 0.5, 1);
    assert.equal(m.logLoss, gb.logLoss);
    assert.equal(m.rocAuc, gb.rocAuc);

    // Same data, same config: reused. Another logistic setting changes the comparison: a new training.
    assert.equal((await train(ctx)).reused, true);
    await ctx.store.close();
    const ctx2 = await reconfigure(ws, { family: 'auto', C: 0.5 });
    const r2 = await train(ctx2);
    assert.equal(r2.reused, false);
    await ctx2.store.close();
  } catch (e) {
    await ctx.store.close().catch(() => {});
    throw e;
  }
});

test('model.family "auto" on a table whose truth is linear: logistic wins and is written as /2 with the selection', async () => {
  const { ctx } = await workspace({ family: 'auto' }, crmRows(1500, 11, { linear: true }));
  try {
    const r = await train(ctx);
    assert.equal(r.family, 'logistic');
    const doc = JSON.parse(readFileSync(r.path, 'utf8')) as ModelDocument2;
    assert.equal(doc.format, 'riskwatch.model/2');
    assert.equal(doc.family, 'logistic');
    assert.equal(doc.selection!.winner, 'logistic');
    const [lr, gb] = doc.selection!.candidates;
    assert.ok(lr.logLoss < gb.logLoss, `logistic ${lr.logLoss} vs gbdt ${gb.logLoss}`);
    assert.equal(typeof r.intercept, 'number');
    assert.equal(r.trees, null);
    assert.equal(r.candidates!.length, 2);
  } finally {
    await ctx.store.close();
  }
});

test('the same data and config give a byte-identical document (auto and gbdt), but for when it was made and how long it took', async () => {
  for (const family of ['auto', 'gbdt']) {
    const texts: string[] = [];
    for (let k = 0; k < 2; k++) {
      const { ctx } = await workspace({ family }, crmRows(2000, 5));
      try {
        const r = await train(ctx);
        const doc = JSON.parse(readFileSync(r.path, 'utf8'));
        doc.createdAt = 'T';
        doc.training.ms = 0;
        for (const c of doc.selection?.candidates ?? []) c.ms = 0;
        texts.push(JSON.stringify(doc));
        assert.ok(existsSync(r.path));
      } finally {
        await ctx.store.close();
      }
    }
    assert.equal(texts[0], texts[1], family);
  }
});

test('train through the CLI under "auto": --json has family, candidates, importance and trees; the text names the winner and both figures', async () => {
  const { ws, ctx } = await workspace({ family: 'auto' }, crmRows(3000, 7));
  await ctx.store.close();
  const r = cli(['--config', ws.config, 'train', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.family, 'gbdt');
  assert.deepEqual(j.candidates.map((c: { family: string }) => c.family), ['logistic', 'gbdt']);
  assert.deepEqual(Object.keys(j.importance), ['gain', 'splits']);
  assert.deepEqual(Object.keys(j.importance.gain), ['tenure', 'logins', 'seats', 'fee', 'plan', 'contract', 'region']);
  assert.equal(j.trees, 100);
  assert.equal(j.iterations, 100);
  for (const k of ['coefficients', 'intercept', 'medians', 'gradNorm', 'converged']) assert.equal(j[k], null, k);
  const text = cli(['--config', ws.config, 'train']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^v1 was already trained on this dataset \(3,000 rows\) with this config: reused, no new version\n  importance \(share of gain\): \w+ \d+\.\d%, /);
  assert.match(text.stdout, /\n  model\.family auto: gbdt won on validation log loss — logistic 0\.\d{4} \(ROC AUC 0\.\d{4}\) vs gbdt 0\.\d{4} \(ROC AUC 0\.\d{4}\)\n$/);
});
