import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetrics, topKIndices } from '../../src/model/metrics.ts';
import { FIXTURES } from '../helpers/workspace.ts';

// Expected values from sklearn.metrics 1.2.1 (test/fixtures/README.md).
for (const name of ['seed_test', 'random500', 'ties']) {
  test(`metrics agree with scikit-learn: ${name}`, () => {
    const f = JSON.parse(readFileSync(join(FIXTURES, 'metrics', `${name}.json`), 'utf8'));
    const m = computeMetrics(Uint8Array.from(f.yTrue), Float64Array.from(f.yProb), 0.5, f.k);
    for (const key of ['f1', 'precision', 'recall', 'accuracy', 'rocAuc', 'prAuc', 'logLoss', 'brier'] as const) {
      assert.ok(Math.abs((m[key] as number) - f.expected[key]) < 1e-12, `${key}: ${m[key]} vs ${f.expected[key]}`);
    }
    assert.deepEqual(m.confusionMatrix, f.expected.confusionMatrix);
    assert.ok(Math.abs(m.topK.precision - f.expected.topK.precision) < 1e-12);
    assert.ok(Math.abs(m.topK.recall - f.expected.topK.recall) < 1e-12);
  });
}

test('AUCs are null with one class; F1 is 0 when nothing is predicted', () => {
  const m = computeMetrics(Uint8Array.from([0, 0, 0]), Float64Array.from([0.1, 0.2, 0.3]), 0.5, 2);
  assert.equal(m.rocAuc, null);
  assert.equal(m.prAuc, null);
  assert.equal(m.f1, 0);
  assert.equal(m.accuracy, 1);
});

test('topKIndices: highest first, ties in row order, K capped at n', () => {
  const p = Float64Array.from([0.2, 0.9, 0.5, 0.9, 0.5, 0.1]);
  assert.deepEqual(topKIndices(p, 3), [1, 3, 2]);
  assert.deepEqual(topKIndices(p, 4), [1, 3, 2, 4]);
  assert.deepEqual(topKIndices(p, 10), [1, 3, 2, 4, 0, 5]);
  assert.deepEqual(topKIndices(p, 0), []);
});
