/**
 * Exact tails for the quantile sketch of a large reference (profile.ts), and the reference model
 * that Wasserstein (wasserstein.ts) and KS (ks.ts) integrate against.
 *
 * Why: the 1,001-point sketch (quantiles at k/1000) interpolates linearly between q(0.999) and the
 * max, and between the min and q(0.001). On heavy-tailed columns (activity counts, rounded
 * lognormal with sigma ~1.1-1.5: in the tests the max is ~8-11x q(0.999), in production up to ~50x)
 * nearly all of W(reference, sketch) sits in those two extreme slabs: 1,000,000 such rows compared
 * with their own profile gave W/std 0.03-0.08 with the sketch alone (measured; the drift threshold
 * is 0.1), <= 1e-3 with the tails. So a sketched profile also stores, exactly, the T smallest
 * and the T largest reference values,
 *     T = min(TAIL_MAX, ceil(n / 1000))      (TAIL_MAX = 1,000),
 * i.e. the whole first and last 0.1% of the sorted reference (capped at 1,000 values a side, so a
 * profile stays bounded: 1,001 + 2,000 numbers at most). For n <= 1,000,000 the tails cover
 * probabilities [0, T/n] ⊇ [0, 1/1000] and [1 - T/n, 1]; beyond, they cover the outer 1,000 values
 * and the sketch interpolates the rest of the first/last slab (error bound below).
 *
 * The reference model is a monotone piecewise-linear quantile function through knots (P_j, X_j),
 * P and X both non-decreasing (`sketchKnots`):
 * - no tails (a profile written before tails existed, or a bare sketch): the sketch itself,
 *   (k/K, q_k), k = 0..K — exactly the previous model;
 * - with tails: the lower tail as the exact empirical quantile function — for each i = 1..T the
 *   pair ((i-1)/n, x_(i)), (i/n, x_(i)) (a flat piece: an atom of mass 1/n) — then the sketch knots
 *   (k/K, q_k) with T/n <= k/K <= 1 - T/n, then the upper tail the same way up to (1, x_(n)).
 *   Consecutive knots with equal X are atoms; with equal P they are a jump of the quantile
 *   function (a flat piece of the CDF, e.g. between x_(T) and q_1 when T/n = 1/K exactly).
 * Monotonicity: knot probabilities are compared as integers (k·n vs T·K), and q_k for k/K >= T/n sits
 * at type-7 virtual index (n-1)k/K >= T - T/n >= T - 1, i.e. q_k >= x_(T) (and symmetrically
 * q_k <= x_(n-T+1)), so X is non-decreasing; `sketchKnots` checks it anyway (a hand-edited profile
 * with inconsistent tails throws instead of giving a silently wrong distance).
 *
 * Error bound of this model (used by wasserstein.ts; derivation in its header): the model equals
 * the reference quantile function exactly on the tails, and on each remaining slab
 * [P_j, P_j+1] (width <= 1/K) differs from it by at most half the slab's box, plus a 1/n edge term:
 *     W(reference, model) <= Σ_j (X_j+1 - X_j)(P_j+1 - P_j)/2 + (x_(n-T+1) - x_(T))/n
 *                         <= (x_(n-T+1) - x_(T)) · (1/(2K) + 1/n),
 * i.e. governed by the interior quantile range/spacing only — the extreme slabs no longer count.
 */

/** At most this many exact values are stored on each side. */
export const TAIL_MAX = 1000;

/** The tails cover (at least) this share of the reference on each side, up to TAIL_MAX values. */
export const TAIL_SHARE_DENOMINATOR = 1000;

/**
 * The T smallest (`lower`) and T largest (`upper`) non-missing values of a reference of `n` values,
 * both ascending (T = lower.length = upper.length, 1 <= T, 2T <= n).
 */
export interface QuantileTails {
  n: number;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
}

/** T = min(1000, ceil(n / 1000)) values stored on each side of a reference of n values. */
export function tailSize(n: number): number {
  return Math.min(TAIL_MAX, Math.ceil(n / TAIL_SHARE_DENOMINATOR));
}

/** The exact tails of an ascending NaN-free sample (copies). */
export function sketchTails(sorted: Float64Array): { lower: number[]; upper: number[] } {
  const n = sorted.length;
  if (n === 0) throw new RangeError('sketchTails: empty sample');
  const t = Math.min(tailSize(n), Math.floor(n / 2));
  return { lower: Array.from(sorted.subarray(0, t)), upper: Array.from(sorted.subarray(n - t)) };
}

/** Throws unless the tails are well-formed (equal lengths T >= 1, 2T <= n, integer n). */
export function checkTails(tails: QuantileTails, where: string): number {
  const { n, lower, upper } = tails;
  const t = lower.length;
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`${where}: tails need the reference size n (an integer >= 2), got ${n}`);
  if (t < 1 || upper.length !== t) throw new RangeError(`${where}: tails must hold the same number (>= 1) of lower and upper values (${t} vs ${upper.length})`);
  if (2 * t > n) throw new RangeError(`${where}: ${t} values per tail is more than half of n = ${n}`);
  return t;
}

/**
 * Knots (P_j, X_j) of the reference model described in the header: the sketch alone, or the sketch
 * with exact tails. Throws when the knots are not non-decreasing (NaN, unsorted quantiles or tails,
 * tails inconsistent with the sketch).
 */
export function sketchKnots(quantiles: Float64Array, tails?: QuantileTails): { x: Float64Array; p: Float64Array } {
  const K = quantiles.length - 1;
  if (K < 1) throw new RangeError('quantile sketch: need at least 2 quantiles');
  let x: Float64Array;
  let p: Float64Array;
  if (!tails) {
    x = quantiles;
    p = new Float64Array(K + 1);
    for (let k = 0; k <= K; k++) p[k] = k / K;
  } else {
    const t = checkTails(tails, 'quantile sketch');
    const n = tails.n;
    // sketch knots with T/n <= k/K <= (n-T)/n, compared exactly as integers (k·n <= 1000·1e12 < 2^53)
    let k0 = 0;
    while (k0 <= K && k0 * n < t * K) k0++;
    let k1 = K;
    while (k1 >= 0 && k1 * n > (n - t) * K) k1--;
    const mid = Math.max(0, k1 - k0 + 1);
    const size = 4 * t + mid;
    x = new Float64Array(size);
    p = new Float64Array(size);
    let j = 0;
    for (let i = 1; i <= t; i++) {
      const v = tails.lower[i - 1];
      x[j] = v;
      p[j++] = (i - 1) / n;
      x[j] = v;
      p[j++] = i / n;
    }
    for (let k = k0; k <= k1; k++) {
      x[j] = quantiles[k];
      p[j++] = k / K;
    }
    for (let i = 1; i <= t; i++) {
      const v = tails.upper[i - 1];
      x[j] = v;
      p[j++] = (n - t + i - 1) / n;
      x[j] = v;
      p[j++] = (n - t + i) / n;
    }
  }
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i]) throw new RangeError(`quantile sketch: missing value (NaN) at knot ${i}`);
    if (i > 0 && (x[i] < x[i - 1] || p[i] < p[i - 1])) {
      throw new RangeError(`quantile sketch: knots not ascending at ${i} (quantiles or tails unsorted, or tails inconsistent with the quantiles)`);
    }
  }
  return { x, p };
}
