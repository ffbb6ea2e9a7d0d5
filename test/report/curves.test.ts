import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { area, histogram, prCurve, rocCurve, sharedEdges, thin, MAX_BINS } from '../../src/report/curves.ts';
import { FIXTURES } from '../helpers/workspace.ts';

// scikit-learn 1.2.1 roc_curve(drop_intermediate=False) / precision_recall_curve and numpy's
// histogram, from scripts/fixtures/make_curves_fixture.py.
interface Case {
  y: number[];
  prob: number[];
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
}
const fixture = JSON.parse(readFileSync(join(FIXTURES, 'report', 'curves.json'), 'utf8')) as Record<string, Case> & { histogram: { values: number[]; edges: number[]; shares: number[] } };

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12;

for (const name of ['random3000', 'ties40']) {
  test(`full ROC and PR curves equal scikit-learn's (${name})`, () => {
    const c = fixture[name];
    const roc = rocCurve(c.y, c.prob, Infinity);
    assert.equal(roc.length, c.roc.fpr.length);
    roc.forEach((p, k) => {
      assert.ok(close(p.fpr, c.roc.fpr[k]) && close(p.tpr, c.roc.tpr[k]), `ROC point ${k}`);
      if (k > 0) assert.equal(p.threshold, c.roc.thresholds[k - 1]);
    });
    const pr = prCurve(c.y, c.prob, Infinity);
    assert.equal(pr.length, c.pr.recall.length);
    pr.forEach((p, k) => {
      assert.ok(close(p.recall, c.pr.recall[k]) && close(p.precision, c.pr.precision[k]), `PR point ${k}`);
      if (k > 0) assert.equal(p.threshold, c.pr.thresholds[k - 1]);
    });
  });
}

test('thinned curves: at most 200 points, both ends kept, each a point of the full curve, AUC nearly unchanged', () => {
  const c = fixture.random3000;
  const full = rocCurve(c.y, c.prob, Infinity);
  const roc = rocCurve(c.y, c.prob);
  assert.ok(full.length > 200);
  assert.equal(roc.length, 200);
  assert.deepEqual(roc[0], full[0]);
  assert.deepEqual(roc[roc.length - 1], full[full.length - 1]);
  const keys = new Set(full.map((p) => `${p.fpr},${p.tpr}`));
  for (const p of roc) assert.ok(keys.has(`${p.fpr},${p.tpr}`));
  for (let k = 1; k < roc.length; k++) assert.ok(roc[k].fpr >= roc[k - 1].fpr && roc[k].tpr >= roc[k - 1].tpr, 'monotone');
  const aucFull = area(full.map((p) => p.fpr), full.map((p) => p.tpr));
  const aucThin = area(roc.map((p) => p.fpr), roc.map((p) => p.tpr));
  assert.ok(Math.abs(aucFull - aucThin) < 0.005, `${aucFull} vs ${aucThin}`);
  assert.equal(prCurve(c.y, c.prob).length, 200);
  assert.deepEqual(thin([1, 2, 3], 200), [1, 2, 3]);
});

test('histogram shares equal numpy.histogram; values past the last edge fall in the last bin', () => {
  const h = fixture.histogram;
  const ours = histogram(h.values, h.edges);
  assert.equal(ours.n, h.values.length);
  ours.shares.forEach((s, k) => assert.ok(close(s, h.shares[k]), `bin ${k}`));
  const past = histogram([0, 5, 1000, Number.NaN], [0, 10, 20]);
  assert.deepEqual(past.shares, [2 / 3, 1 / 3]);
  assert.equal(past.n, 3);
});

test('shared edges: at most 50 bins, whole-number widths for counts, long tails cut at the 99th percentile', () => {
  const skewed = Array.from({ length: 1000 }, (_, i) => (i < 995 ? i % 100 : 1_000_000));
  const { edges, openEnded } = sharedEdges([{ values: skewed }], 30, true);
  assert.equal(openEnded, true);
  assert.ok(edges.length - 1 <= MAX_BINS);
  assert.ok(edges[edges.length - 1] < 1000, 'the tail does not stretch the axis');
  for (let k = 1; k < edges.length; k++) assert.equal(Number.isInteger(edges[k] - edges[k - 1]), true);
  const wide = sharedEdges([{ values: [0, 1, 2, 3] }, { values: [1, 2] }], 500, false);
  assert.equal(wide.edges.length - 1, MAX_BINS);
  assert.equal(wide.openEnded, false);
  assert.equal(wide.edges[0], 0);
  assert.equal(wide.edges[wide.edges.length - 1], 3);
});

test('shared edges: weighted values (a reference kept as value runs) give the edges of the rows they stand for', () => {
  const values = [0, 1, 2, 3, 50, 100_000];
  const weights = [400, 300, 200, 90, 9, 1];
  const rows = values.flatMap((v, i) => Array.from({ length: weights[i] }, () => v));
  for (const integer of [true, false]) {
    assert.deepEqual(sharedEdges([{ values, weights }], 30, integer), sharedEdges([{ values: rows }], 30, integer));
    assert.deepEqual(sharedEdges([{ values, weights }, { values: [5, 6] }], 30, integer), sharedEdges([{ values: rows }, { values: [5, 6] }], 30, integer));
  }
});
