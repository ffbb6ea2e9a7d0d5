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
 * Sets `hist` (all p features) to the sums over the rows at positions [a, b) of `rows`.
 * `gh` holds the gradient pairs interleaved by row index (gh[2r], gh[2r + 1]). For a node that
 * is not the root they are first gathered by position into `ordered` (LightGBM's and sklearn's
 * "ordered gradients"): the feature passes then read them sequentially and only the bin columns by
 * row index. `identity` marks the root (rows[k] = k): no gather, no row index. Features go four
 * (or five) at a time: one pass over the rows serves several columns. The sums depend only on
 * the positions [a, b), never on which thread computed them.
 */
export function buildRange(hist: Float64Array, bins: Uint8Array, n: number, p: number, rows: Int32Array, gh: Float64Array, ordered: Float64Array, a: number, b: number, identity: boolean): void {
  hist.fill(0);
  if (!identity) {
    for (let k = a; k < b; k++) {
      const r = rows[k];
      ordered[2 * k] = gh[2 * r];
      ordered[2 * k + 1] = gh[2 * r + 1];
    }
  }
  const pairs = identity ? gh : ordered;
  let f = 0;
  while (p - f >= 4) {
    if (p - f === 5) {
      if (identity) histogram5Identity(hist, bins, f * n, n, f * HIST_STRIDE, a, b, pairs);
      else histogram5(hist, bins, f * n, n, f * HIST_STRIDE, rows, a, b, pairs);
      f += 5;
    } else {
      if (identity) histogram4Identity(hist, bins, f * n, n, f * HIST_STRIDE, a, b, pairs);
      else histogram4(hist, bins, f * n, n, f * HIST_STRIDE, rows, a, b, pairs);
      f += 4;
    }
  }
  for (; f < p; f++) histogram1(hist, bins, f * n, f * HIST_STRIDE, rows, a, b, pairs, identity);
}

function histogram4(hist: Float64Array, bins: Uint8Array, b0: number, n: number, o0: number, rows: Int32Array, a: number, b: number, gh: Float64Array): void {
  const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
  const o1 = o0 + HIST_STRIDE, o2 = o1 + HIST_STRIDE, o3 = o2 + HIST_STRIDE;
  for (let k = a; k < b; k++) {
    const r = rows[k];
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

function histogram4Identity(hist: Float64Array, bins: Uint8Array, b0: number, n: number, o0: number, a: number, b: number, gh: Float64Array): void {
  const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
  const o1 = o0 + HIST_STRIDE, o2 = o1 + HIST_STRIDE, o3 = o2 + HIST_STRIDE;
  for (let k = a; k < b; k++) {
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

function histogram5(hist: Float64Array, bins: Uint8Array, b0: number, n: number, o0: number, rows: Int32Array, a: number, b: number, gh: Float64Array): void {
  const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n, b4 = b3 + n;
  const o1 = o0 + HIST_STRIDE, o2 = o1 + HIST_STRIDE, o3 = o2 + HIST_STRIDE, o4 = o3 + HIST_STRIDE;
  for (let k = a; k < b; k++) {
    const r = rows[k];
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
    s = o4 + bins[b4 + r] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
  }
}

function histogram5Identity(hist: Float64Array, bins: Uint8Array, b0: number, n: number, o0: number, a: number, b: number, gh: Float64Array): void {
  const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n, b4 = b3 + n;
  const o1 = o0 + HIST_STRIDE, o2 = o1 + HIST_STRIDE, o3 = o2 + HIST_STRIDE, o4 = o3 + HIST_STRIDE;
  for (let k = a; k < b; k++) {
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
    s = o4 + bins[b4 + k] * 3;
    hist[s] += g;
    hist[s + 1] += h;
    hist[s + 2] += 1;
  }
}

function histogram1(hist: Float64Array, bins: Uint8Array, base: number, o: number, rows: Int32Array, a: number, b: number, gh: Float64Array, identity: boolean): void {
  for (let k = a; k < b; k++) {
    const s = o + bins[base + (identity ? k : rows[k])] * 3;
    hist[s] += gh[2 * k];
    hist[s + 1] += gh[2 * k + 1];
    hist[s + 2] += 1;
  }
}

/** parent −= child, in place: the larger child's histogram without reading its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}

/** into += part: a node's second half of rows added to its first. */
export function addHistogram(into: Float64Array, part: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i] += part[i];
}
