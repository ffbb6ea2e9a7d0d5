/**
 * The ranking curves behind ROC, precision–recall, cumulative gains and lift, from one pass over
 * the rows ordered by risk. Aggregated to at most `maxPoints` points (taken at evenly
 * spaced ranks, each one exact at its threshold), so a chart of 1,000,000 rows embeds a few
 * hundred numbers, not the rows.
 */
export interface CurvePoint {
  /** Share of rows at or above this threshold (the population contacted, by risk). */
  share: number;
  threshold: number;
  tpr: number;
  fpr: number;
  precision: number;
}

export interface RankCurves {
  rows: number;
  positives: number;
  points: CurvePoint[];
}

/**
 * Cumulative true and false positives at each distinct probability, highest first (what
 * scikit-learn's _binary_clf_curve computes): positives and negatives are sorted apart (two native
 * typed-array sorts, no comparator) and merged from the top, one tie group at a time — a
 * threshold never splits rows of equal risk. Every curve here (ROC, precision–recall, gains,
 * lift) is read off these three arrays.
 */
export function cumulativeByRisk(y: ArrayLike<number>, prob: ArrayLike<number>): { tps: Float64Array; fps: Float64Array; thresholds: Float64Array; positives: number; negatives: number } {
  const n = prob.length;
  let np = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) np++;
  const nn = n - np;
  const pos = new Float64Array(np);
  const neg = new Float64Array(nn);
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) (y[i] === 1 ? (pos[a++] = prob[i]) : (neg[b++] = prob[i]));
  pos.sort();
  neg.sort();
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  const thresholds = new Float64Array(n);
  let i = np - 1, j = nn - 1, tp = 0, fp = 0, k = 0;
  while (i >= 0 || j >= 0) {
    const v = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    while (i >= 0 && pos[i] === v) (tp++, i--);
    while (j >= 0 && neg[j] === v) (fp++, j--);
    tps[k] = tp;
    fps[k] = fp;
    thresholds[k++] = v;
  }
  return { tps: tps.subarray(0, k), fps: fps.subarray(0, k), thresholds: thresholds.subarray(0, k), positives: np, negatives: nn };
}

export function rankCurves(y: ArrayLike<number>, prob: ArrayLike<number>, maxPoints = 200): RankCurves {
  const { tps, fps, thresholds, positives: np, negatives: nn } = cumulativeByRisk(y, prob);
  const n = np + nn;
  const step = Math.max(1, Math.floor(n / maxPoints));
  const points: CurvePoint[] = [{ share: 0, threshold: 1, tpr: 0, fpr: 0, precision: 1 }];
  let next = step;
  for (let k = 0; k < tps.length; k++) {
    const done = tps[k] + fps[k];
    if (done >= next || k === tps.length - 1) {
      points.push({ share: done / n, threshold: thresholds[k], tpr: np ? tps[k] / np : 0, fpr: nn ? fps[k] / nn : 0, precision: tps[k] / done });
      while (next <= done) next += step;
    }
  }
  return { rows: n, positives: np, points };
}
