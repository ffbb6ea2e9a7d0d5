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
 * Adds rows rows[start..end) to `hist` for features [f0, f1). The node's gradients and hessians are
 * first gathered into contiguous arrays (LightGBM's and sklearn's "ordered gradients"), so the
 * per-feature loops read them sequentially and only the bin column is read by row index.
 * `identity` marks a node that holds every row in order (the root): bins and gradients are then
 * read directly.
 */
export function buildHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  n: number,
  rows: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  og: Float64Array,
  oh: Float64Array,
  f0: number,
  f1: number,
  identity: boolean,
): void {
  const m = end - start;
  hist.fill(0, f0 * HIST_STRIDE, f1 * HIST_STRIDE);
  if (identity) {
    for (let f = f0; f < f1; f++) histogramIdentity(hist, bins, f * n, f * HIST_STRIDE, m, grad, hess);
    return;
  }
  for (let k = 0; k < m; k++) {
    const r = rows[start + k];
    og[k] = grad[r];
    oh[k] = hess[r];
  }
  for (let f = f0; f < f1; f++) histogramRows(hist, bins, f * n, f * HIST_STRIDE, rows, start, m, og, oh);
}

function histogramIdentity(hist: Float64Array, bins: Uint8Array, base: number, o: number, m: number, g: Float64Array, h: Float64Array): void {
  for (let k = 0; k < m; k++) {
    const s = o + bins[base + k] * 3;
    hist[s] += g[k];
    hist[s + 1] += h[k];
    hist[s + 2] += 1;
  }
}

function histogramRows(hist: Float64Array, bins: Uint8Array, base: number, o: number, rows: Int32Array, start: number, m: number, og: Float64Array, oh: Float64Array): void {
  for (let k = 0; k < m; k++) {
    const s = o + bins[base + rows[start + k]] * 3;
    hist[s] += og[k];
    hist[s + 1] += oh[k];
    hist[s + 2] += 1;
  }
}

/** parent −= child, in place: the larger child's histogram without reading its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}
