/**
 * 1-D Wasserstein-1 (earth mover's) distance.
 *
 * `wasserstein(a, b)` = `scipy.stats.wasserstein_distance(a, b)` (unweighted): the L1 distance
 * between the two empirical CDFs, W = ∫ |F_a(x) - F_b(x)| dx, which for 1-D samples equals the
 * optimal-transport cost. Like scipy it is evaluated between consecutive values of the merged
 * sample: Σ |i/n_a - j/n_b| · (x_(k+1) - x_(k)), with F = count/n computed as scipy does.
 *
 * Choices, and why:
 * - Missing values (NaN) are dropped first; an empty sample throws (scipy: "Distribution can't be
 *   empty"). ±Infinity is not missing but has no finite transport cost: the result is then
 *   Infinity or NaN (as with scipy, though not always the same one of the two).
 * - One merge walk over the sorted samples, no per-element allocation; the sum is Neumaier
 *   compensated (numpy sums pairwise), so results agree with scipy to ~1e-15 relative.
 * - Units are those of the data; `profile.ts` divides by the reference standard deviation so
 *   one drift threshold (0.1) fits every column.
 *
 * `wassersteinToQuantiles(quantiles, sortedCur, tails?)` replaces the reference by a quantile sketch
 * q_0..q_K at probabilities k/K (numpy 'linear'; K = 1000 for the 1,001-point profile sketch) and,
 * when given, the reference's exact tails (the T smallest and T largest values, T = min(1000,
 * ceil(n/1000)); tails.ts), so a drift check never re-reads the training set. The reference is
 * modelled by the piecewise-linear quantile function through knots (P_j, X_j) (`sketchKnots`):
 * without tails (k/K, q_k) — equivalently the CDF that rises linearly from k/K to (k+1)/K between
 * q_k and q_{k+1} (a jump where quantiles tie); with tails, the exact empirical quantile function on
 * p ∈ [0, T/n] and [1 - T/n, 1] (each stored value an atom of mass 1/n) and the sketch knots in
 * between. W is integrated *exactly* against the current step CDF (closed-form area of
 * |linear - constant| on every piece between consecutive knots and current values).
 *
 * Approximation error (documented bound, tested in test/monitor/wasserstein.test.ts and
 * profile.test.ts): by the triangle inequality
 *     |W(model, cur) - W(ref, cur)| <= W(ref, model) = ∫_0^1 |Q_ref(p) - Q_model(p)| dp.
 * Where the model holds the tails, Q_model = Q_ref exactly: no error. On every other slab
 * p ∈ [P_j, P_j+1] (width <= 1/K), Q_model is the straight line from X_j to X_j+1 and Q_ref is
 * non-decreasing; a non-decreasing function inside the box [P_j, P_j+1] × [X_j, X_j+1] differs from
 * the box's diagonal by at most half the box area, (X_j+1 - X_j)(P_j+1 - P_j)/2. Q_ref leaves that box
 * only near sketch knots: with q_k at type-7 virtual index h = (n-1)k/K (between x[⌊h⌋] and x[⌈h⌉],
 * 0-based), Q_ref(p) = x[⌈pn⌉ - 1] is below q_k only for p ∈ [k/K, (⌊h⌋+1)/n] (length <= (1-k/K)/n)
 * and above it only for p ∈ (⌈h⌉/n, k/K] (length <= k/(Kn)), each time by at most the gap
 * g_k = x[⌈h⌉] - x[⌊h⌋]; so knot k adds at most g_k/n, and the gaps of distinct knots are disjoint
 * (n - 1 >= K), summing to at most the interior range. The tail/interior junction knots (T/n, x_(T))
 * and ((n-T)/n, x_(n-T+1)) are order statistics, where Q_ref equals the knot: no gap. Hence
 *     |error| <= Σ_j (X_j+1 - X_j)(P_j+1 - P_j)/2 + (x_(n-T+1) - x_(T))/n
 *             <= (x_(n-T+1) - x_(T)) · (1/(2K) + 1/n)                       (with tails)
 *     |error| <= (max - min) · (1/(2K) + 1/n)                              (sketch only),
 * i.e. with tails the bound is governed by the interior quantile spacing only: the first and last
 * slabs — from the min to q(0.001) and from q(0.999) to the max, where heavy tails put nearly all
 * of the sketch-only error — no longer count (tail pieces have ΔX = 0 or ΔP = 0). For n > 1,000,000
 * the tails hold 1,000 values (< 0.1%) and the rest of the first/last slab, from x_(1000) to q_1,
 * is an ordinary interpolated piece of width 1/K - 1000/n, already included in the sum.
 * `quantileSketchErrorBound(quantiles, tails)` computes the first form from the profile alone.
 * Measured (test/monitor/wasserstein.test.ts, profile.test.ts; W(ref, model) in units of the
 * reference std, sketch only → with tails): normal 1.0e-3 → 1.5e-4; rounded lognormal activity
 * counts 1.1e-2 → 1.1e-3; 1,000,000 heavy-tailed counts (sigma 1.1-1.5) compared with themselves
 * ~0.05 → <= 1e-3; lognormal sigma 1.5, 1.2M rows 0.11 → 4e-4 — against the 0.1 drift threshold.
 */

import { Accumulator, assertSorted, quantileSorted, sortedNonMissing } from './sorted.js';
import { sketchKnots, type QuantileTails } from './tails.js';

/** W1 between two ascending, NaN-free, non-empty samples (scipy's formula). */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  if (a.length === 0 || b.length === 0) throw new RangeError('wasserstein: both samples need at least one non-missing value');
  return wassersteinWeighted(a, undefined, a.length, b);
}

/**
 * The one W1 walk, for a reference given as ascending values each standing for `counts[i]` rows
 * (undefined: one row each — a sorted sample; runs.ts passes its (value, count) runs), n rows in
 * all, against an ascending NaN-free current sample: Σ |F_ref - F_cur| · (next value - value) over
 * the merged values, the same terms in the same order whichever form the reference has.
 */
export function wassersteinWeighted(values: ArrayLike<number>, counts: ArrayLike<number> | undefined, n: number, sortedCur: Float64Array): number {
  const r = values.length;
  const m = sortedCur.length;
  let i = 0;
  let below = 0;
  let j = 0;
  let prev = 0;
  const acc = new Accumulator();
  let first = true;
  while (i < r || j < m) {
    const v = j >= m || (i < r && values[i] <= sortedCur[j]) ? values[i] : sortedCur[j];
    if (!first) acc.add(Math.abs(below / n - j / m) * (v - prev));
    first = false;
    if (counts === undefined) {
      while (i < r && values[i] <= v) i++;
      below = i;
    } else while (i < r && values[i] <= v) below += counts[i++];
    while (j < m && sortedCur[j] <= v) j++;
    prev = v;
  }
  return acc.value;
}

/**
 * `scipy.stats.wasserstein_distance(a, b)` with missing values (NaN) removed. Inputs unmodified.
 */
export function wasserstein(a: Float64Array, b: Float64Array): number {
  return wassersteinSorted(sortedNonMissing(a), sortedNonMissing(b));
}

/** Same, for inputs that are already ascending and NaN-free (checked). */
export function wassersteinFromSorted(sortedA: Float64Array, sortedB: Float64Array): number {
  assertSorted(sortedA, 'wassersteinFromSorted(sortedA)');
  assertSorted(sortedB, 'wassersteinFromSorted(sortedB)');
  return wassersteinSorted(sortedA, sortedB);
}

/**
 * K+1 evenly spaced quantiles (probabilities k/K, k = 0..K; numpy.quantile 'linear') of an
 * ascending NaN-free sample. `size` = K+1, default 1001 (0, 0.001, ..., 1).
 */
export function quantileSketch(sorted: Float64Array, size = 1001): Float64Array {
  if (!(Number.isInteger(size) && size >= 2)) throw new RangeError('quantileSketch: size must be an integer >= 2');
  if (sorted.length === 0) throw new RangeError('quantileSketch: empty sample');
  const K = size - 1;
  const q = new Float64Array(size);
  for (let k = 0; k <= K; k++) q[k] = quantileSorted(sorted, k / K);
  return q;
}

/**
 * Upper bound on |W(sketch model, cur) - W(full reference, cur)|, in data units, computable from the
 * profile alone. Without tails: (max - min)/(2K), the slab term only (the O(1/n) edge term needs
 * n, which a bare sketch does not carry; add (max - min)/n for it). With tails:
 * Σ_j (X_j+1 - X_j)(P_j+1 - P_j)/2 over the model's knots (tail pieces contribute 0) plus the edge
 * term (x_(n-T+1) - x_(T))/n — see the header.
 */
export function quantileSketchErrorBound(quantiles: Float64Array, tails?: QuantileTails): number {
  const K = quantiles.length - 1;
  if (!tails) return (quantiles[K] - quantiles[0]) / (2 * K);
  const { x, p } = sketchKnots(quantiles, tails);
  const acc = new Accumulator();
  for (let i = 1; i < x.length; i++) acc.add(((x[i] - x[i - 1]) * (p[i] - p[i - 1])) / 2);
  const t = tails.lower.length;
  return acc.value + (tails.upper[0] - tails.lower[t - 1]) / tails.n;
}

/** ∫ over a piece of width w of |u(x) - c| where u is linear from u0 to u1. */
function pieceArea(w: number, u0: number, u1: number, c: number): number {
  const a0 = u0 - c;
  const a1 = u1 - c;
  if (a0 * a1 >= 0) return (w * Math.abs(a0 + a1)) / 2;
  return (w * (a0 * a0 + a1 * a1)) / (2 * Math.abs(a1 - a0));
}

/** Linear interpolation from p0 (at t = 0) to p1 (at t = 1), exact at both ends (numpy's lerp). */
function lerp(p0: number, p1: number, t: number): number {
  const d = p1 - p0;
  return t >= 0.5 ? p1 - d * (1 - t) : p0 + d * t;
}

/**
 * W1 between a reference given by quantiles q_0..q_K at k/K (ascending) — optionally with the exact
 * tails of the reference (tails.ts; a profile stores them for n > 1,000) — and an ascending NaN-free
 * current sample; see the header for the model and its error bound. Without `tails` this is the
 * sketch-only model (profiles written before tails existed).
 */
export function wassersteinToQuantiles(quantiles: Float64Array, sortedCur: Float64Array, tails?: QuantileTails): number {
  assertSorted(quantiles, 'wassersteinToQuantiles(quantiles)');
  assertSorted(sortedCur, 'wassersteinToQuantiles(sortedCur)');
  if (quantiles.length < 2) throw new RangeError('wassersteinToQuantiles: need at least 2 quantiles');
  if (sortedCur.length === 0) throw new RangeError('wassersteinToQuantiles: empty current sample');
  const { x, p } = sketchKnots(quantiles, tails);
  return wassersteinToKnots(x, p, sortedCur);
}

/**
 * W1 = ∫ |F_ref(x) - F_cur(x)| dx between the reference model through knots (P_j, X_j) (both
 * non-decreasing; tails.ts) and an ascending NaN-free current sample.
 */
function wassersteinToKnots(X: Float64Array, P: Float64Array, sortedCur: Float64Array): number {
  const N = X.length;
  const m = sortedCur.length;
  // Reference CDF at x, right-continuous: with s = number of knots <= x,
  //   s = 0 → 0;  s = N → 1;  else within segment s-1: P linear in x from (X_{s-1}, P_{s-1}) to
  //   (X_s, P_s) (X_s > x >= X_{s-1}, so the denominator is positive). Tied X (an atom) are all
  //   counted in s, so the CDF takes the largest P there; tied P give a flat piece.
  // Between consecutive breakpoints (knots and current values) the segment is fixed, the current
  // CDF is constant, and the reference CDF is linear, so each piece has a closed-form area.
  const acc = new Accumulator();
  let s = 0; // knots <= prev
  let j = 0; // current values <= prev
  let prev = Math.min(X[0], sortedCur[0]);
  while (s < N && X[s] <= prev) s++;
  while (j < m && sortedCur[j] <= prev) j++;
  while (s < N || j < m) {
    const v = j >= m || (s < N && X[s] <= sortedCur[j]) ? X[s] : sortedCur[j];
    const w = v - prev;
    if (w > 0) {
      const c = j / m;
      let u0: number;
      let u1: number;
      if (s === 0) u0 = u1 = 0;
      else if (s >= N) u0 = u1 = 1;
      else {
        const x0 = X[s - 1];
        const dx = X[s] - x0;
        const p0 = P[s - 1];
        const p1 = P[s];
        u0 = p0 === p1 ? p0 : lerp(p0, p1, (prev - x0) / dx);
        u1 = p0 === p1 ? p0 : lerp(p0, p1, (v - x0) / dx);
      }
      acc.add(pieceArea(w, u0, u1, c));
    }
    while (s < N && X[s] <= v) s++;
    while (j < m && sortedCur[j] <= v) j++;
    prev = v;
  }
  return acc.value;
}
