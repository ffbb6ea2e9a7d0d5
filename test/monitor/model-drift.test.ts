import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapF1, modelDrift, ruleThresholds } from '../../src/monitor/model-drift.ts';
import { estimatePerformance } from '../../src/monitor/estimate.ts';
import { calibration } from '../../src/stats/reference.ts';
import { Random } from '../../src/util/random.ts';

test('rule thresholds agree with numpy (min; mean − 2·std(ddof=1); Q1 − 1.5·IQR, linear percentiles)', () => {
  // numpy 1.24: h.min(), h.mean() - 2*h.std(ddof=1), np.percentile(h,25) - 1.5*(np.percentile(h,75) - np.percentile(h,25))
  const t = ruleThresholds([0.7, 0.72, 0.68, 0.71, 0.69, 0.74, 0.66]);
  assert.equal(t.raw, 0.66);
  assert.ok(Math.abs(t.parametric! - 0.6470849737787083) < 1e-12);
  assert.ok(Math.abs(t.nonparametric! - 0.6400000000000001) < 1e-12);
  assert.deepEqual(ruleThresholds([]), { raw: null, parametric: null, nonparametric: null });
  assert.equal(ruleThresholds([0.5]).parametric, null);
});

test('model drift needs the rule to fire and the whole bootstrap interval below its threshold', () => {
  const rng = new Random(3);
  const n = 400;
  const y = Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const good = Uint8Array.from(y, (v) => (rng.next() < 0.9 ? v : 1 - v)); // ~90% right
  const bad = Uint8Array.from(y, (v) => (rng.next() < 0.6 ? v : 1 - v)); // ~60% right
  const history = [0.8, 0.82, 0.79, 0.81];
  assert.equal(modelDrift(y, good, history, 'nonparametric', 500).drifted, false);
  const r = modelDrift(y, bad, history, 'nonparametric', 500);
  assert.equal(r.drifted, true);
  assert.ok(r.ci[0] <= r.currentF1 && r.currentF1 <= r.ci[1]);
  // A tiny batch: the rule may fire on its point estimate, but the interval is too wide to act.
  const small = modelDrift(y.subarray(0, 12), bad.subarray(0, 12), [0.5, 0.52, 0.49, 0.51], 'raw', 500);
  assert.ok(small.ci[1] - small.ci[0] > 0.2);
  assert.equal(small.drifted, small.fired.raw && small.ci[1] < 0.49);
  // Deterministic: the same inputs give the same interval.
  assert.deepEqual(bootstrapF1(y, bad, 300), bootstrapF1(y, bad, 300));
});

test('estimated ROC AUC equals the brute-force expectation over all pairs; F1 from the expected confusion matrix', () => {
  const rng = new Random(9);
  const p = Float64Array.from({ length: 60 }, () => Math.round(rng.next() * 20) / 20); // with ties
  let num = 0, den = 0;
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < p.length; j++) {
      if (i === j) continue;
      const w = p[i] * (1 - p[j]);
      den += w;
      num += p[i] > p[j] ? w : p[i] === p[j] ? w / 2 : 0;
    }
  const e = estimatePerformance(p, 0.5);
  assert.ok(Math.abs(e.rocAuc - num / den) < 1e-12, `${e.rocAuc} vs ${num / den}`);
  let tp = 0, fp = 0, fn = 0;
  for (const v of p) (v > 0.5 ? ((tp += v), (fp += 1 - v)) : (fn += v));
  assert.ok(Math.abs(e.f1 - (2 * tp) / (2 * tp + fp + fn)) < 1e-12);
});

test('with labels drawn from calibrated probabilities, the estimate matches the realised F1 on average', () => {
  const rng = new Random(21);
  const p = Float64Array.from({ length: 5000 }, () => rng.next() ** 2);
  const est = estimatePerformance(p, 0.5).f1;
  let sum = 0;
  for (let t = 0; t < 40; t++) {
    let tp = 0, fp = 0, fn = 0;
    for (const v of p) {
      const y = rng.next() < v;
      if (v > 0.5) y ? tp++ : fp++;
      else if (y) fn++;
    }
    sum += (2 * tp) / (2 * tp + fp + fn);
  }
  assert.ok(Math.abs(sum / 40 - est) < 0.01, `${sum / 40} vs ${est}`);
  const y = Uint8Array.from(p, (v) => (rng.next() < v ? 1 : 0));
  assert.ok(calibration(y, p).ece < 0.03);
  assert.equal(calibration(y, p.map((v) => Math.min(1, v + 0.3))).calibrated, false);
});

test('with a single score in the history the raw rule decides', () => {
  const y = Uint8Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const bad = Uint8Array.from(y, (v, i) => (i % 2 ? v : 1 - v));
  const r = modelDrift(y, bad, [0.9], 'nonparametric', 300);
  assert.equal(r.thresholds.nonparametric, null);
  assert.equal(r.ruleUsed, 'raw');
  assert.equal(r.drifted, true);
});

test('the multinomial bootstrap matches a direct row-resampling bootstrap', () => {
  const rng = new Random(5);
  for (const n of [40, 400, 5000]) {
    const y = Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
    const pred = Uint8Array.from(y, (v) => (rng.next() < 0.8 ? v : 1 - v));
    // Reference: resample rows directly, 4,000 times.
    const stats: number[] = [];
    const r2 = new Random(99);
    for (let b = 0; b < 4000; b++) {
      let tp = 0, fp = 0, fn = 0;
      for (let k = 0; k < n; k++) {
        const i = r2.int(n);
        if (pred[i]) y[i] ? tp++ : fp++;
        else if (y[i]) fn++;
      }
      stats.push((2 * tp) / (2 * tp + fp + fn || 1));
    }
    stats.sort((a, b) => a - b);
    const q = (p: number) => stats[Math.round(p * (stats.length - 1))];
    const [lo, hi] = bootstrapF1(y, pred, 4000);
    const width = q(0.975) - q(0.025);
    assert.ok(Math.abs(lo - q(0.025)) < 0.1 * width + 1e-9, `n=${n}: lo ${lo} vs ${q(0.025)}`);
    assert.ok(Math.abs(hi - q(0.975)) < 0.1 * width + 1e-9, `n=${n}: hi ${hi} vs ${q(0.975)}`);
  }
});
