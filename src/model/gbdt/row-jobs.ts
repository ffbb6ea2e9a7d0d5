import { fastExp } from '../sigmoid.js';

/**
 * The per-row work of a fit besides histograms, written for a range of positions so that the two
 * threads can each take one part (src/model/gbdt/histogram-threads.ts). Whichever thread runs a
 * range, the result is the same: every row is touched by exactly one range.
 */

/**
 * Partitions the rows at positions [a, b) by goLeft[bin of `col`], stably: the left ones end up in
 * rows[a, a + l) (in order), the right ones in tmp[a, b − l). Returns l. Branch-free: each row is
 * written to both places and only one cursor moves (the side is a coin flip to the branch predictor).
 */
export function partitionRange(rows: Int32Array, tmp: Int32Array, bins: Uint8Array, col: number, goLeft: Uint8Array, a: number, b: number): number {
  let l = a;
  let t = a;
  for (let i = a; i < b; i++) {
    const r = rows[i];
    const go = goLeft[bins[col + r]];
    rows[l] = r;
    tmp[t] = r;
    l += go;
    t += 1 - go;
  }
  return l - a;
}

/** Gradient g = p − y and hessian h = p(1 − p) of log loss at raw score s, into gh[2r], gh[2r + 1]. */
function setGradient(gh: Float64Array, r: number, s: number, y: number): void {
  const p = 1 / (1 + fastExp(-s));
  gh[2 * r] = p - y;
  gh[2 * r + 1] = p * (1 - p);
}

/** Gradient pairs of rows [a, b) (by row index) from their raw scores. */
export function gradientsRange(raw: Float64Array, y: Uint8Array, gh: Float64Array, a: number, b: number): void {
  for (let r = a; r < b; r++) setGradient(gh, r, raw[r], y[r]);
}

/**
 * A grown tree's leaves into the scores of the rows at positions [a, b). `leaves` holds
 * (start, end, value) per leaf: the leaf's run of positions and its value. Only the scores are
 * touched here (by row index, out of order); the gradient pairs are a second, sequential pass
 * (gradientsRange): fused into this one they made it 2.7x slower on 900,000 rows, three arrays
 * read and written out of order instead of one.
 */
export function addLeaves(rows: Int32Array, leaves: Float64Array, leafCount: number, raw: Float64Array, a: number, b: number): void {
  for (let j = 0; j < leafCount; j++) {
    // Positions as int32 (a double loop index would make every array access a conversion).
    const s = Math.max(leaves[3 * j] | 0, a) | 0;
    const e = Math.min(leaves[3 * j + 1] | 0, b) | 0;
    const v = leaves[3 * j + 2];
    for (let i = s; i < e; i++) raw[rows[i]] += v;
  }
}
