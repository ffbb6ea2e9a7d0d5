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
 * `wassersteinToQuantiles(quantiles, sortedCur)` replaces the reference by a quantile sketch
 * q_0..q_K at probabilities k/K (numpy 'linear'; K = 1000 for the 1,001-point profile sketch), so a
 * drift check never re-reads the training set. The reference is modelled by the piecewise-linear
 * quantile function through (k/K, q_k) — equivalently the CDF that rises linearly from k/K to
 * (k+1)/K between q_k and q_{k+1} (a jump where quantiles tie) — and W is integrated *exactly*
 * against the current step CDF (closed-form area of |linear - constant| on every piece).
 *
 * Approximation error (documented bound, tested in test/monitor/wasserstein.test.ts): by the
 * triangle inequality |W(sketch, cur) - W(ref, cur)| <= W(ref, sketch) = ∫_0^1 |Q_ref - Q_sketch| dp.
 * On each slab p ∈ [k/K, (k+1)/K] both quantile functions are non-decreasing and lie within
 * [q_k, q_{k+1}] (up to one neighbouring order statistic at the slab edges), and a non-decreasing
 * function inside that box differs from the straight line through its corners by at most half the
 * box area, so
 *     |error| <= Σ_k (q_{k+1} - q_k) / (2K) = (max - min) / (2K)      (= range/2000 for K = 1000),
 * plus O(1/n_ref) edge terms. The bound is computable from the sketch alone
 * (`quantileSketchErrorBound`). In practice the error is smaller — a fraction of each slab —
 * and concentrates in heavy tails, where the extreme slabs are wide. Measured in
 * test/monitor/wasserstein.test.ts against the exact distance on the full reference, in units of
 * the reference std: normal ≈ 1e-3, integers 0–3 ≈ 2e-4, lognormal ≈ 5e-3, rounded lognormal
 * activity counts ≈ 9e-3 (bound 1.8e-2) — at most a tenth of the 0.1 drift threshold.
 */

import { Accumulator, assertSorted, quantileSorted, sortedNonMissing } from './sorted.js';

/** W1 between two ascending, NaN-free, non-empty samples (scipy's formula). */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('wasserstein: both samples need at least one non-missing value');
  let i = 0;
  let j = 0;
  let prev = 0;
  const acc = new Accumulator();
  let first = true;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    if (!first) acc.add(Math.abs(i / n1 - j / n2) * (v - prev));
    first = false;
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
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

/** Upper bound (max - min) / (2K) on |W(sketch, cur) - W(full reference, cur)|, in data units. */
export function quantileSketchErrorBound(quantiles: Float64Array): number {
  const K = quantiles.length - 1;
  return (quantiles[K] - quantiles[0]) / (2 * K);
}

/** ∫ over a piece of width w of |u(x) - c| where u is linear from u0 to u1. */
function pieceArea(w: number, u0: number, u1: number, c: number): number {
  const a0 = u0 - c;
  const a1 = u1 - c;
  if (a0 * a1 >= 0) return (w * Math.abs(a0 + a1)) / 2;
  return (w * (a0 * a0 + a1 * a1)) / (2 * Math.abs(a1 - a0));
}

/**
 * W1 between a reference given by quantiles q_0..q_K at k/K (ascending) and an ascending NaN-free
 * current sample; see the header for the model and its error bound.
 */
export function wassersteinToQuantiles(quantiles: Float64Array, sortedCur: Float64Array): number {
  assertSorted(quantiles, 'wassersteinToQuantiles(quantiles)');
  assertSorted(sortedCur, 'wassersteinToQuantiles(sortedCur)');
  const K = quantiles.length - 1;
  if (K < 1) throw new RangeError('wassersteinToQuantiles: need at least 2 quantiles');
  const m = sortedCur.length;
  if (m === 0) throw new RangeError('wassersteinToQuantiles: empty current sample');
  const q = quantiles;
  // Reference CDF at x, right-continuous: with s = number of knots <= x,
  //   s = 0 → 0;  s = K+1 → 1;  else within segment k = s-1: (k + (x - q_k)/(q_{k+1} - q_k)) / K.
  // Between consecutive breakpoints (knots and current values) the segment is fixed, the current
  // CDF is constant, and the reference CDF is linear, so each piece has a closed-form area.
  const refCdfIn = (s: number, x: number): number => {
    if (s === 0) return 0;
    if (s > K) return 1;
    const k = s - 1;
    return (k + (x - q[k]) / (q[k + 1] - q[k])) / K;
  };
  const acc = new Accumulator();
  let s = 0; // knots <= prev
  let j = 0; // current values <= prev
  let prev = Math.min(q[0], sortedCur[0]);
  while (s <= K && q[s] <= prev) s++;
  while (j < m && sortedCur[j] <= prev) j++;
  while (s <= K || j < m) {
    const v = j >= m || (s <= K && q[s] <= sortedCur[j]) ? q[s] : sortedCur[j];
    const w = v - prev;
    if (w > 0) {
      const c = j / m;
      const u0 = refCdfIn(s, prev);
      const u1 = s === 0 || s > K ? u0 : (s - 1 + (v - q[s - 1]) / (q[s] - q[s - 1])) / K;
      acc.add(pieceArea(w, u0, u1, c));
    }
    while (s <= K && q[s] <= v) s++;
    while (j < m && sortedCur[j] <= v) j++;
    prev = v;
  }
  return acc.value;
}
