import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitGbdt, GbdtPredictor } from '../../../src/model/gbdt/index.ts';
import { computeMetrics } from '../../../src/model/metrics.ts';
import { FIXTURES } from '../../helpers/workspace.ts';
import { loadChurn } from './churn-fixture.ts';

// Fixture: scripts/fixtures/gbdt_lightgbm_fixture.py — LightGBM 4.7's defaults (100 trees, 31
// leaves, no early stopping; the 5 category columns as categorical features) on the same 14,000
// training rows as sklearn-fixture.test.ts; ROC AUC on the 6,000 held-out rows.
const d = loadChurn();
const lgb = JSON.parse(readFileSync(join(FIXTURES, 'gbdt', 'churn.lightgbm.json'), 'utf8'));

test('held-out ROC AUC within 0.005 of LightGBM, 100 trees of 31 leaves without early stopping', () => {
  assert.equal(lgb.trees, 100);
  assert.equal(lgb.heldOutRows, d.test.y.length);
  const model = fitGbdt({ columns: d.train.columns, categorical: d.categorical, y: d.train.y }, { earlyStopping: false });
  assert.equal(model.trees.length, 100);
  const auc = computeMetrics(d.test.y, new GbdtPredictor(model).predictProba(d.test.columns), 0.5, 10).rocAuc!;
  assert.ok(Math.abs(auc - lgb.auc) <= 0.005, `riskwatch ${auc} vs LightGBM ${lgb.auc}`);
});
