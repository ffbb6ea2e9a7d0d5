/**
 * The ranking curves behind ROC, precision–recall, cumulative gains and lift, from one pass over
 * the scored rows ordered by risk. Aggregated to at most `maxPoints` points (taken at evenly
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

export function rankCurves(y: Uint8Array, prob: Float64Array, maxPoints = 200): RankCurves {
  let np = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) np++;
  const n = y.length;
  const nn = n - np;
  // Positives and negatives sorted apart (two native typed sorts), then merged from the top.
  const pos = new Float64Array(np);
  const neg = new Float64Array(nn);
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) (y[i] === 1 ? (pos[a++] = prob[i]) : (neg[b++] = prob[i]));
  pos.sort();
  neg.sort();
  const step = Math.max(1, Math.floor(n / maxPoints));
  const points: CurvePoint[] = [{ share: 0, threshold: 1, tpr: 0, fpr: 0, precision: 1 }];
  let i = np - 1, j = nn - 1, tp = 0, fp = 0, next = step;
  while (i >= 0 || j >= 0) {
    // One tie group at a time: a threshold cannot split rows of equal risk.
    const v = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    while (i >= 0 && pos[i] === v) (tp++, i--);
    while (j >= 0 && neg[j] === v) (fp++, j--);
    const done = tp + fp;
    if (done >= next || (i < 0 && j < 0)) {
      points.push({ share: done / n, threshold: v, tpr: np ? tp / np : 0, fpr: nn ? fp / nn : 0, precision: tp / done });
      while (next <= done) next += step;
    }
  }
  return { rows: n, positives: np, points };
}
