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

test('topKIndices: the K largest by a heap equal those by a full sort (ties in row order, ±0, NaN, K from 1 to all rows)', () => {
  // The full-sort version topKIndices replaced, as the specification.
  const bySort = (prob: Float64Array, k: number): number[] => {
    const n = prob.length;
    k = Math.min(k, n);
    if (k <= 0) return [];
    const sorted = Float64Array.from(prob).sort();
    const kth = sorted[n - k];
    let above = 0;
    for (let i = n - k; i < n; i++) if (sorted[i] > kth) above++;
    let equalSlots = k - above;
    const picked: number[] = [];
    for (let i = 0; i < n && picked.length < k; i++) {
      const p = prob[i];
      if (p > kth) picked.push(i);
      else if (p === kth && equalSlots > 0) (picked.push(i), equalSlots--);
    }
    return picked.sort((a, b) => prob[b] - prob[a] || a - b);
  };
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + Math.floor(rand() * (trial < 250 ? 400 : 20_000));
    const distinct = 1 + Math.floor(rand() * 50);
    const prob = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = rand();
      prob[i] = u < 0.05 ? 0 : u < 0.1 ? -0 : Math.floor(rand() * distinct) / distinct;
    }
    if (trial % 10 === 0) prob[Math.floor(rand() * n)] = Number.NaN;
    for (const k of [1, 2, Math.ceil(n / 100), Math.ceil(n / 20), Math.floor(n / 2), n, n + 3]) assert.deepEqual(topKIndices(prob, k), bySort(prob, k), `trial ${trial}, n ${n}, k ${k}`);
  }
});
