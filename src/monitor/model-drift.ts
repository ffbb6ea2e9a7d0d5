import { Random } from '../util/random.js';

/**
 * Model drift: is the production model's F1 on newly labelled rows worse than its history? The
 * three rules taught with the original project, plus a bootstrap confidence interval so a small
 * batch does not trigger retraining on noise: drift is declared only when the configured rule
 * fires AND the whole 95% interval lies below that rule's threshold.
 */
export type ModelRule = 'raw' | 'parametric' | 'nonparametric';

export interface ModelDriftResult {
  rule: ModelRule;
  /** The rule that decided: `rule`, or `raw` while the history is too short for the others. */
  ruleUsed: ModelRule;
  currentF1: number;
  ci: [number, number];
  history: number[];
  /** The F1 below which each rule fires (null without enough history). */
  thresholds: Record<ModelRule, number | null>;
  fired: Record<ModelRule, boolean>;
  drifted: boolean;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** F1 from labels and 0/1 predictions. */
function f1Of(y: Uint8Array, pred: Uint8Array): number {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < y.length; i++) {
    if (pred[i]) y[i] ? tp++ : fp++;
    else if (y[i]) fn++;
  }
  return 2 * tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 0;
}

/**
 * Percentile bootstrap 95% interval of F1 (deterministic: seeded). F1 depends on a resample only
 * through its confusion-matrix counts, and resampling n rows with replacement draws those counts
 * from a multinomial over the observed (TP, FP, FN, TN) shares — so each resample costs four
 * binomial draws instead of n row draws: the same distribution, O(resamples) instead of
 * O(resamples · n). Binomials are drawn exactly (inversion) for small n·p, and by the normal
 * approximation with continuity correction once n·p·(1−p) ≥ 50, where it is accurate to well
 * under a count.
 */
export function bootstrapF1(y: Uint8Array, pred: Uint8Array, resamples: number, seed = 7): [number, number] {
  const n = y.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < n; i++) {
    if (pred[i]) y[i] ? tp++ : fp++;
    else if (y[i]) fn++;
  }
  const rng = new Random(seed);
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    // Sequential binomials give a multinomial draw: TP, then FP among the rest, then FN.
    let left = n;
    let mass = 1;
    const draw = (count: number) => {
      const p = Math.min(1, count / n / mass);
      const k = binomial(rng, left, p);
      left -= k;
      mass -= count / n;
      return k;
    };
    const a = draw(tp);
    const f = draw(fp);
    const m = draw(fn);
    stats[b] = 2 * a + f + m ? (2 * a) / (2 * a + f + m) : 0;
  }
  stats.sort();
  const s = Array.from(stats);
  return [quantile(s, 0.025), quantile(s, 0.975)];
}

function binomial(rng: Random, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  const variance = mean * (1 - p);
  if (variance >= 50) {
    const k = Math.round(mean + Math.sqrt(variance) * rng.normal());
    return Math.min(n, Math.max(0, k));
  }
  // Inversion: walk the pmf from 0 (n·p is small here, so this takes few steps) — or from the
  // other end when p is large, by symmetry.
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const u = rng.next();
  const q = 1 - p;
  let pmf = Math.pow(q, n);
  if (pmf === 0) {
    const k = Math.round(mean + Math.sqrt(Math.max(variance, 1e-12)) * rng.normal());
    return Math.min(n, Math.max(0, k));
  }
  let cdf = pmf;
  let k = 0;
  while (u > cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / q);
    k++;
    cdf += pmf;
  }
  return k;
}

export function ruleThresholds(history: number[]): Record<ModelRule, number | null> {
  if (history.length === 0) return { raw: null, parametric: null, nonparametric: null };
  const sorted = [...history].sort((a, b) => a - b);
  const mean = history.reduce((s, v) => s + v, 0) / history.length;
  const std = history.length > 1 ? Math.sqrt(history.reduce((s, v) => s + (v - mean) ** 2, 0) / (history.length - 1)) : 0;
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  return { raw: sorted[0], parametric: history.length > 1 ? mean - 2 * std : null, nonparametric: history.length > 1 ? q1 - 1.5 * (q3 - q1) : null };
}

export function modelDrift(y: Uint8Array, pred: Uint8Array, history: number[], rule: ModelRule, resamples: number): ModelDriftResult {
  const currentF1 = f1Of(y, pred);
  const ci = bootstrapF1(y, pred, resamples);
  const thresholds = ruleThresholds(history);
  const fired = {
    raw: thresholds.raw !== null && currentF1 < thresholds.raw,
    parametric: thresholds.parametric !== null && currentF1 < thresholds.parametric,
    nonparametric: thresholds.nonparametric !== null && currentF1 < thresholds.nonparametric,
  };
  // mean − 2·std and the IQR need two scores or more; until then the raw rule decides, so a
  // change right after the first deployment is still caught.
  const ruleUsed: ModelRule = thresholds[rule] === null ? 'raw' : rule;
  const t = thresholds[ruleUsed];
  return { rule, ruleUsed, currentF1, ci, history, thresholds, fired, drifted: fired[ruleUsed] && t !== null && ci[1] < t };
}
