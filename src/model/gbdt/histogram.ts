import { BINS_PER_FEATURE } from './binning.js';

/**
 * Histograms: per feature and bin the sums of gradients, hessians and rows, interleaved
 * (slot 3·(f·256 + b) holds G, +1 H, +2 count) so that one row's update touches one cache line.
 */
export const HIST_STRIDE = 3 * BINS_PER_FEATURE;

export function newHistogram(features: number): Float64Array {
  return new Float64Array(features * HIST_STRIDE);
}

/**
 * Gathers the gradients and hessians of rows rows[start..end) into `gh`, interleaved (LightGBM's
 * and sklearn's "ordered gradients"): the histogram loops then read them sequentially and only the
 * bin columns by row index. `identity` marks a node holding every row in order (the root).
 */
export function gatherGradients(rows: Int32Array, start: number, end: number, grad: Float64Array, hess: Float64Array, gh: Float64Array, identity: boolean): void {
  const m = end - start;
  if (identity) {
    for (let k = 0; k < m; k++) {
      gh[2 * k] = grad[k];
      gh[2 * k + 1] = hess[k];
    }
  } else {
    for (let k = 0; k < m; k++) {
      const r = rows[start + k];
      gh[2 * k] = grad[r];
      gh[2 * k + 1] = hess[r];
    }
  }
}

/**
 * Sets `hist` for features [f0, f1) to the sums over the m rows from rows[start] on, whose gradient
 * pairs are in `gh` (gatherGradients). Features go four at a time: one pass over the rows serves
 * four columns (the row index and its gradient pair are read once, not four times). A feature's
 * sums do not depend on which thread or group computed them.
 */
export function buildFeatures(hist: Float64Array, bins: Uint8Array, n: number, rows: Int32Array, start: number, m: number, gh: Float64Array, f0: number, f1: number, identity: boolean): void {
  hist.fill(0, f0 * HIST_STRIDE, f1 * HIST_STRIDE);
  let f = f0;
  for (; f + 4 <= f1; f += 4) {
    if (identity) histogram4Identity(hist, bins, f * n, n, f * HIST_STRIDE, m, gh);
    else histogram4(hist, bins, f * n, n, f * HIST_STRIDE, rows, start, m, gh);
  }
  for (; f < f1; f++) {
    if (identity) histogram1Identity(hist, bins, f * n, f * HIST_STRIDE, m, gh);
    else histogram1(hist, bins, f * n, f * HIST_STRIDE, rows, start, m, gh);
  }
}

/** One thread's whole histogram of a node: gather, then every feature. */
export function buildHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  n: number,
  rows: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  gh: Float64Array,
  f0: number,
  f1: number,
  identity: boolean,
): void {
  gatherGradients(rows, start, end, grad, hess, gh, identity);
  buildFeatures(hist, bins, n, rows, start, end - start, gh, f0, f1, identity);
}

function histogram4(hist: Float64Array, bins: Uint8Array, b0: number, n: number, o0: number, rows: Int32Array, start: number, m: number, gh: Float64Array): void {
  const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
  const o1 = o0 + HIST_STRIDE, o2 = o1 + HIST_STRIDE, o3 = o2 + HIST_STRIDE;
  for (let k = 0; k < m; k++) {
    const r = rows[start + k];
    const g = gh[2 * k];
    const h = gh[2 * k + 1];
    let s = o0 + bins[b0 + r] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
    s = o1 + bins[b1 + r] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
    s = o2 + bins[b2 + r] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
    s = o3 + bins[b3 + r] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
  }
}

function histogram4Identity(hist: Float64Array, bins: Uint8Array, b0: number, n: number, o0: number, m: number, gh: Float64Array): void {
  const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
  const o1 = o0 + HIST_STRIDE, o2 = o1 + HIST_STRIDE, o3 = o2 + HIST_STRIDE;
  for (let k = 0; k < m; k++) {
    const g = gh[2 * k];
    const h = gh[2 * k + 1];
    let s = o0 + bins[b0 + k] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
    s = o1 + bins[b1 + k] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
    s = o2 + bins[b2 + k] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
    s = o3 + bins[b3 + k] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
  }
}

function histogram1(hist: Float64Array, bins: Uint8Array, base: number, o: number, rows: Int32Array, start: number, m: number, gh: Float64Array): void {
  for (let k = 0; k < m; k++) {
    const s = o + bins[base + rows[start + k]] * 3;
    hist[s] += gh[2 * k];
    hist[s + 1] += gh[2 * k + 1];
    hist[s + 2] += 1;
  }
}

function histogram1Identity(hist: Float64Array, bins: Uint8Array, base: number, o: number, m: number, gh: Float64Array): void {
  for (let k = 0; k < m; k++) {
    const s = o + bins[base + k] * 3;
    hist[s] += gh[2 * k];
    hist[s + 1] += gh[2 * k + 1];
    hist[s + 2] += 1;
  }
}

/** parent −= child, in place: the larger child's histogram without reading its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}
