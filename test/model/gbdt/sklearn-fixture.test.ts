import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGbdt, GbdtPredictor } from '../../../src/model/gbdt/index.ts';
import { computeMetrics } from '../../../src/model/metrics.ts';
import { loadChurn } from './churn-fixture.ts';

// Fixture: scripts/fixtures/gbdt_make_fixtures.py — scikit-learn 1.2.1 HistGradientBoostingClassifier
// (defaults, the 5 category columns as categorical_features) on 14,000 generated rows with
// nonlinear effects, categories and missing values; ROC AUC on the 6,000 held-out rows.
const d = loadChurn();
const sk = d.expected.sklearnHistGradientBoosting;
const train = { columns: d.train.columns, categorical: d.categorical, y: d.train.y };

function heldOutAuc(options: Parameters<typeof fitGbdt>[1]) {
  const model = fitGbdt(train, options);
  const p = new GbdtPredictor(model).predictProba(d.test.columns);
  return { model, auc: computeMetrics(d.test.y, p, 0.5, 10).rocAuc! };
}

test('held-out ROC AUC within 0.005 of scikit-learn HistGradientBoosting, defaults (early stopping on: 14,000 rows)', () => {
  const { model, auc } = heldOutAuc({});
  assert.ok(model.validationLoss, 'early stopping ran');
  assert.ok(Math.abs(auc - sk.default.auc) <= 0.005, `riskwatch ${auc} vs sklearn ${sk.default.auc} (${model.trees.length} vs ${sk.default.iterations} iterations)`);
});

test('held-out ROC AUC within 0.005 of scikit-learn HistGradientBoosting, 100 iterations without early stopping', () => {
  const { model, auc } = heldOutAuc({ earlyStopping: false });
  assert.equal(model.trees.length, 100);
  assert.ok(Math.abs(auc - sk.no_early_stopping.auc) <= 0.005, `riskwatch ${auc} vs sklearn ${sk.no_early_stopping.auc}`);
});

test('tree for tree: log-odds after 10 iterations agree with scikit-learn to 1e-7 (it keeps gradients in float32)', () => {
  const model = fitGbdt(train, { earlyStopping: false, maxIter: 10 });
  const raw = new GbdtPredictor(model).rawScores(d.test.columns.map((c) => c.subarray(0, 2000)));
  const expected: number[] = d.expected.rawScoresAfter10;
  let worst = 0;
  expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - raw[i]))));
  assert.ok(worst < 1e-7, `largest difference ${worst}`);
});
