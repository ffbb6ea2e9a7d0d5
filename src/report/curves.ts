/**
 * Chart data, aggregated so a page or a report draws a bounded number of points whatever the
 * number of rows: ROC and precision–recall curves (at most `maxPoints` points) and histograms
 * (at most 50 bins). The full curves follow scikit-learn's roc_curve / precision_recall_curve
 * (one point per distinct probability, highest first); thinning keeps both ends and evenly spaced
 * points in between.
 */

import type { Histogram, PrPoint, RocPoint } from '../contracts/api.js';
import { cumulativeByRisk } from './charts/curves.js';

export type { RocPoint };

export type { PrPoint };

export const MAX_CURVE_POINTS = 200;
export const MAX_BINS = 50;

/** Keep at most `max` items: the first, the last and evenly spaced ones between. */
export function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.round((k * (points.length - 1)) / (max - 1))]);
  return out;
}

/** ROC curve from (0,0) (threshold +∞, written as Infinity → null in JSON) to (1,1). */
export function rocCurve(y: ArrayLike<number>, prob: ArrayLike<number>, maxPoints = MAX_CURVE_POINTS): RocPoint[] {
  const { tps, fps, thresholds } = cumulativeByRisk(y, prob);
  const P = tps.length ? tps[tps.length - 1] : 0;
  const N = fps.length ? fps[fps.length - 1] : 0;
  const pts: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  for (let k = 0; k < tps.length; k++) pts.push({ fpr: N ? fps[k] / N : 0, tpr: P ? tps[k] / P : 0, threshold: thresholds[k] });
  return thin(pts, maxPoints);
}

/** Precision–recall curve from recall 0 (precision 1, as sklearn) to the lowest probability, recall increasing (every threshold, as sklearn ≥ 1.1). */
export function prCurve(y: ArrayLike<number>, prob: ArrayLike<number>, maxPoints = MAX_CURVE_POINTS): PrPoint[] {
  const { tps, fps, thresholds } = cumulativeByRisk(y, prob);
  const P = tps.length ? tps[tps.length - 1] : 0;
  const pts: PrPoint[] = [{ recall: 0, precision: 1, threshold: Infinity }];
  for (let k = 0; k < tps.length; k++) {
    pts.push({ recall: P ? tps[k] / P : 0, precision: tps[k] / (tps[k] + fps[k]), threshold: thresholds[k] });
  }
  return thin(pts, maxPoints);
}

/** Trapezoidal area under a curve given as points with increasing x. */
export function area(xs: number[], ys: number[]): number {
  let a = 0;
  for (let k = 1; k < xs.length; k++) a += ((xs[k] - xs[k - 1]) * (ys[k] + ys[k - 1])) / 2;
  return a;
}

export type { Histogram };

/**
 * Edges shared by the series to compare: from the lowest value to the highest — or, when the
 * values have a long right tail (max beyond 3× the 99th percentile's distance), to the 99th
 * percentile, the last bin then holding the tail. Whole-number data gets whole-number bin widths.
 */
export function sharedEdges(series: Array<{ values: ArrayLike<number>; weights?: ArrayLike<number> }>, bins = 30, integer = false): { edges: number[]; openEnded: boolean } {
  bins = Math.max(1, Math.min(MAX_BINS, Math.floor(bins)));
  let lo = Infinity;
  let hi = -Infinity;
  let p99 = -Infinity;
  for (const s of series) {
    const w = s.weights;
    const idx = Array.from({ length: s.values.length }, (_, i) => i).filter((i) => Number.isFinite(s.values[i]) && (!w || w[i] > 0));
    idx.sort((a, b) => s.values[a] - s.values[b]);
    if (!idx.length) continue;
    lo = Math.min(lo, s.values[idx[0]]);
    hi = Math.max(hi, s.values[idx[idx.length - 1]]);
    // The 99th percentile of the rows: with weights (a reference kept as value runs) by cumulative weight.
    let total = 0;
    for (const i of idx) total += w ? w[i] : 1;
    const rank = Math.floor(0.99 * (total - 1));
    let k = 0;
    let seen = w ? w[idx[0]] : 1;
    while (seen <= rank && k < idx.length - 1) {
      k++;
      seen += w ? w[idx[k]] : 1;
    }
    p99 = Math.max(p99, s.values[idx[k]]);
  }
  if (!Number.isFinite(lo)) return { edges: [0, 1], openEnded: false };
  let top = hi;
  let openEnded = false;
  if (hi - lo > 3 * (p99 - lo) && p99 > lo) {
    top = p99;
    openEnded = true;
  }
  if (top <= lo) top = lo + 1;
  let width = (top - lo) / bins;
  if (integer) {
    width = Math.max(1, Math.ceil(width));
    bins = Math.max(1, Math.min(MAX_BINS, Math.ceil((top - lo + (openEnded ? 0 : 1)) / width)));
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  return { edges, openEnded };
}

/** Shares of (optionally weighted) values in the bins; values past the last edge fall in the last bin. */
export function histogram(values: ArrayLike<number>, edges: number[], weights?: ArrayLike<number>): Histogram {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let total = 0;
  let n = 0;
  const lo = edges[0];
  const width = (edges[bins] - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const w = weights ? weights[i] : 1;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b] += w;
    total += w;
    n++;
  }
  return { edges, shares: counts.map((c) => (total ? c / total : 0)), n };
}
