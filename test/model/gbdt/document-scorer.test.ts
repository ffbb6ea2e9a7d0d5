import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGbdt, GbdtPredictor } from '../../../src/model/gbdt/index.ts';
import { loadChurn } from './churn-fixture.ts';

/**
 * An independent scorer of the trees as plain JSON, written from the document's description only
 * (issue 16 item 3): value ≤ threshold goes left, a category in `categories` goes left, missing
 * follows missingLeft; log-odds = baseScore + the leaves' values; probability = 1/(1 + e^−log-odds).
 */
function scoreDocument(doc: any, row: (number | null)[]): number {
  let logOdds = doc.baseScore;
  for (const t of doc.trees) {
    let i = 0;
    while (t.feature[i] !== -1) {
      const v = row[t.feature[i]];
      let left: boolean;
      if (v === null) left = t.missingLeft[i];
      else if (t.categories[i] !== null) left = t.categories[i].includes(v);
      else left = v <= t.threshold[i];
      i = left ? t.left[i] : t.right[i];
    }
    logOdds += t.value[i];
  }
  return 1 / (1 + Math.exp(-logOdds));
}

test('the trees as JSON, applied by an independent 30-line scorer, give the same probabilities as predict', () => {
  const d = loadChurn();
  const model = fitGbdt({ columns: d.train.columns, categorical: d.categorical, y: d.train.y }, { earlyStopping: false });
  const doc = JSON.parse(JSON.stringify({ baseScore: model.baseScore, trees: model.trees }));
  const p = new GbdtPredictor(model).predictProba(d.test.columns);
  let worst = 0;
  let missing = 0;
  for (let i = 0; i < p.length; i++) {
    const row = d.test.columns.map((c) => (Number.isNaN(c[i]) ? null : c[i]));
    missing += row.includes(null) ? 1 : 0;
    worst = Math.max(worst, Math.abs(scoreDocument(doc, row) - p[i]));
  }
  assert.ok(worst < 1e-12, `largest difference ${worst}`);
  assert.ok(missing > 1000, 'rows with missing values are among them');
  assert.ok(model.trees.some((t) => t.categories.some((c) => c !== null)), 'categorical splits are among the trees');
  assert.ok(JSON.stringify(doc).length < 1e6, 'document under 1 MB');
});
