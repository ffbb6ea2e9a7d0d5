/**
 * Two-sample Kolmogorov–Smirnov test, two-sided — a re-implementation of
 * `scipy.stats.ks_2samp(a, b, alternative="two-sided", method=...)` as in scipy 1.10.1
 * (`scipy/stats/_stats_py.py`), plus KS against a quantile sketch of a large reference.
 *
 * Choices, and why:
 * - Missing values (NaN) are dropped first (`ks2samp`); scipy has no NaN policy here and would sort
 *   NaN to the end and return garbage, so the fixtures run scipy on the NaN-free samples. An empty
 *   sample (after dropping) throws, as scipy raises ValueError: there is nothing to test.
 * - Statistic: D = max(max_x(F_a - F_b), clip(-min_x(F_a - F_b), 0, 1)), with F(x) = #{<= x}/n
 *   computed exactly as scipy does (count / n, then subtract) at every distinct value, by one
 *   merge walk over the two sorted samples — so D is bit-identical to scipy's and ties are exact.
 * - 'auto' = scipy's rule, verified in the 1.10.1 source: exact iff max(n1, n2) <= 10000
 *   (MAX_AUTO_N), else asymp.
 * - 'exact': if lcm(n1, n2) would overflow int32 (n1/g >= INT32_MAX / (n2/g)) scipy switches to
 *   asymp (with a warning); so do we. Otherwise h = round(D * lcm), D := h / lcm (scipy returns
 *   this rounded D in exact mode), and
 *     n1 == n2: `_compute_prob_outside_square` (alternating binomial series, Horner form);
 *     n1 != n2: `_compute_outer_prob_inside_method` (Hodges' lattice-path "inside" recursion in
 *               Viehmann's form that carries 1-p directly; scipy ships it Pythran-compiled, so
 *               the port follows scipy's `_stats_pythran.py` source, and
 *               test/fixtures/drift/ks_exact.json holds the compiled function's outputs).
 *   Both are ported with the same floating-point operation order, because scipy's *fallback*
 *   depends on the rounding: if the result is not within [0, 1] the exact attempt "fails" and
 *   scipy (with only a RuntimeWarning) uses asymp with the rounded D. This really happens: for
 *   n1 == n2 and D = h/n with small h (1–3 in the fixtures) the square formula returns
 *   1.0000000000000002 (or a few ulps more) for many n (e.g. n = 5, 7, 13, 14 at h = 1), so scipy
 *   reports the asymptotic p-value there; ks_exact.json has 177 such cases, all reproduced.
 *   The inside method only ever produces values in [0, 1] (convex combinations), so unequal sizes
 *   never fall back this way. `method` in the result says which was used.
 * - 'asymp': p = kstwo.sf(D, round(en)), en = m n / (m + n) rounded half-to-even (np.round) —
 *   the exact one-sample Kolmogorov distribution at the effective size (see kstwo.ts). For
 *   n1 = n2 = 1, round(0.5) = 0 and scipy returns NaN; we return NaN too.
 * - p is clipped to [0, 1] (np.clip; NaN stays NaN).
 *
 * Performance: sorting is the only O(n log n) step (native typed-array sort); the statistic is one
 * O(n1 + n2) walk with no allocation. Exact p-values cost O(n) for n1 == n2 and
 * O(max(n) * D * min(n)) otherwise — at most ~1e8 simple steps at the auto limit (measured:
 * 10,000 vs 9,999 rows 50 ms for a small shift, ~0.5 s for disjoint samples). The asymptotic
 * p-value costs at most ~60 ms (kstwo.ts), so 1,000,000-row batches are dominated by the sort.
 */

import { assertSorted, sortedNonMissing } from './sorted.js';
import { kstwoSf } from './kstwo.js';
import { checkTails, type QuantileTails } from './tails.js';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  /** Two-sided KS statistic D in [0, 1]. */
  statistic: number;
  /** Two-sided p-value in [0, 1] (NaN only for method 'asymp' with n1 = n2 = 1, as scipy). */
  pValue: number;
  /** The method actually used (after scipy's 'auto' rule and fallbacks). */
  method: 'exact' | 'asymp';
}

const MAX_AUTO_N = 10000;
const INT32_MAX = 2147483647;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** np.round: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The two-sided statistic for ascending NaN-free samples, computed the way scipy does
 * (cdf1 - cdf2 at every data value, D = max(maxS, minS) with minS = clip(-min, 0, 1)).
 */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  return ksStatisticWeighted(a, undefined, a.length, b);
}

/**
 * The one KS walk, for a reference given as ascending values, each standing for `counts[i]` rows
 * (undefined: one row each — a sorted sample; runs.ts passes its (value, count) runs), n rows in
 * all, against an ascending NaN-free current sample. F_ref(v) = (reference rows <= v) / n: the
 * same integers divided the same way whichever form the reference has, so D is bit-identical.
 */
export function ksStatisticWeighted(values: ArrayLike<number>, counts: ArrayLike<number> | undefined, n: number, sortedCur: Float64Array): number {
  const r = values.length;
  const m = sortedCur.length;
  let i = 0; // reference values <= v
  let below = 0; // reference rows <= v
  let j = 0; // current values <= v
  let maxS = -Infinity;
  let minD = Infinity;
  while (i < r || j < m) {
    const v = j >= m || (i < r && values[i] <= sortedCur[j]) ? values[i] : sortedCur[j];
    if (counts === undefined) {
      while (i < r && values[i] <= v) i++;
      below = i;
    } else while (i < r && values[i] <= v) below += counts[i++];
    while (j < m && sortedCur[j] <= v) j++;
    const diff = below / n - j / m;
    if (diff > maxS) maxS = diff;
    if (diff < minD) minD = diff;
  }
  let minS = -minD;
  if (minS < 0) minS = 0;
  if (minS > 1) minS = 1;
  return minS > maxS ? minS : maxS;
}

/** scipy `_compute_prob_outside_square(n, h)`: P(D_{n,n} >= h/n). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0.0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1.0;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1.0 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * scipy `_compute_outer_prob_inside_method(m, n, g, h)` (Pythran source `_stats_pythran.py`):
 * the proportion of lattice paths from (0,0) to (m,n) that leave |x/m - y/n| < h/lcm(m,n).
 */
function outerProbInsideMethod(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let t = minj; t < maxj; t++) A[t] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1.0;
    let val = minj === 0 ? 0.0 : 1.0;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/**
 * scipy `_attempt_exact_2kssamp(n1, n2, gcd, d, 'two-sided')`: [success, d rounded to h/lcm, p].
 * Exported for the fixture test that checks it directly; `ks2samp` is the public entry point.
 */
export function attemptExactTwoSided(n1: number, n2: number, d: number): [boolean, number, number] {
  return attemptExact(n1, n2, gcd(n1, n2), d);
}

function attemptExact(n1: number, n2: number, g: number, d: number): [boolean, number, number] {
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dr = (h * 1.0) / lcm;
  if (h === 0) return [true, dr, 1.0];
  const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
  if (!(prob >= 0 && prob <= 1)) return [false, dr, prob];
  return [true, dr, prob];
}

/** Two-sided asymptotic p-value of scipy: kstwo.sf(d, round(m n / (m + n))). */
export function ksAsympPValue(d: number, n1: number, n2: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const p = kstwoSf(roundHalfEven(en), d);
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * KS test on samples that are already ascending and NaN-free (e.g. a stored sorted reference and
 * a current batch sorted once for several statistics). Throws on unsorted/NaN input or an empty
 * sample.
 */
export function ksFromSorted(sortedRef: Float64Array, sortedCur: Float64Array, method: KsMethod = 'auto'): KsResult {
  if (method !== 'auto' && method !== 'exact' && method !== 'asymp') throw new RangeError(`invalid method: ${String(method)}`);
  assertSorted(sortedRef, 'ksFromSorted(sortedRef)');
  assertSorted(sortedCur, 'ksFromSorted(sortedCur)');
  return ksSortedUnchecked(sortedRef, sortedCur, method);
}

function ksSortedUnchecked(a: Float64Array, b: Float64Array, method: KsMethod): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2samp: both samples need at least one non-missing value');
  return ksTest(ksStatisticSorted(a, b), n1, n2, method);
}

/**
 * The result of ks_2samp for a statistic already computed on samples of n1 and n2 values: scipy's
 * method choice ('auto': exact iff max(n1, n2) <= 10,000), the exact p-value (D rounded to h/lcm,
 * as scipy returns it) or the asymptotic one, and scipy's fallbacks. Only D, n1 and n2 matter, so a
 * reference kept as (value, count) runs gets scipy's answer on its expanded rows.
 */
export function ksTest(d: number, n1: number, n2: number, method: KsMethod = 'auto'): KsResult {
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let mode: 'exact' | 'asymp';
  if (method === 'auto') mode = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else if (method === 'exact') mode = n1g >= INT32_MAX / n2g ? 'asymp' : 'exact';
  else mode = 'asymp';
  if (mode === 'exact') {
    const [ok, dr, prob] = attemptExact(n1, n2, g, d);
    d = dr;
    if (ok) return { statistic: d, pValue: prob < 0 ? 0 : prob > 1 ? 1 : prob, method: 'exact' };
    mode = 'asymp';
  }
  return { statistic: d, pValue: ksAsympPValue(d, n1, n2), method: 'asymp' };
}

/**
 * `scipy.stats.ks_2samp(a, b, alternative="two-sided", method)` with missing values (NaN)
 * removed from both samples first. Neither input is modified.
 */
export function ks2samp(a: Float64Array, b: Float64Array, method: KsMethod = 'auto'): KsResult {
  if (method !== 'auto' && method !== 'exact' && method !== 'asymp') throw new RangeError(`invalid method: ${String(method)}`);
  return ksSortedUnchecked(sortedNonMissing(a), sortedNonMissing(b), method);
}

/**
 * KS statistic of a sorted current sample against a quantile sketch of the reference:
 * `quantiles[k]` = reference quantile at probability k/K (K = quantiles.length - 1, evenly spaced,
 * numpy 'linear'), e.g. 1,001 quantiles at 0, 0.001, ..., 1 — optionally with the reference's exact
 * tails (the T smallest and T largest values and the reference size n; tails.ts).
 *
 * Without tails the reference CDF is replaced by the sketch's midpoint step CDF
 *   G(x) = 0 for x < q_0;  (k + 1/2)/K for q_k <= x < q_{k+1} (k = largest such index);  1 for x >= q_K,
 * i.e. the CDF of the discrete distribution with mass 1/K on q_1..q_{K-1} and 1/(2K) on q_0, q_K.
 * Why the midpoint: the true reference CDF F satisfies k/K - 1/n <= F(x) <= (k+1)/K + 1/n on
 * [q_k, q_{k+1}) (type-7 quantiles sit within one order statistic of the step CDF's inverse), so
 *   |G - F| <= 1/(2K) + 1/n_ref   and hence   |D_sketch - D_exact| <= 1/(2K) + 1/n_ref,
 * i.e. <= 0.0005 + 1/n_ref for a 1,001-quantile sketch (<= 0.001 once n_ref >= 2,000; at most
 * 0.0015 at the smallest sketched reference, n_ref = 1,001). Using the left end k/K instead would
 * double the 1/(2K) part.
 *
 * With tails (lower = x_(1..T), upper = x_(n-T+1..n)) the reference CDF is known exactly in both tails:
 *   x < x_(T):       F(x) = #{lower <= x}/n         (every value <= x < x_(T) is among the lowest T);
 *   x >= x_(n-T+1):  F(x) = (n - T + #{upper <= x})/n (every value > x >= x_(n-T+1) is among the top T);
 * and in between G = the midpoint step CDF clamped to [T/n, (n-T)/n] — the range F must lie in there
 * (F(x) >= T/n once x >= x_(T), F(x) <= (n-T)/n while x < x_(n-T+1)), so clamping never moves G
 * away from F and keeps G non-decreasing. The error is then 0 in the tails and at most
 * 1/(2K) + 1/n_ref in between: the same bound, now attained only by the interior.
 *
 * The statistic is the max of |F_cur - G| over all sketch points, tail values and current values
 * (all step functions here are right-continuous, so the sup is attained there).
 */
export function ksStatisticAgainstQuantiles(quantiles: Float64Array, sortedCur: Float64Array, tails?: QuantileTails): number {
  const K = quantiles.length - 1;
  if (K < 1) throw new RangeError('need at least 2 quantiles');
  const m = sortedCur.length;
  const q = quantiles;
  let i = 0; // sketch points <= x
  let j = 0; // current values <= x
  let d = 0;
  if (!tails) {
    while (i <= K || j < m) {
      const v = j >= m || (i <= K && q[i] <= sortedCur[j]) ? q[i] : sortedCur[j];
      while (i <= K && q[i] <= v) i++;
      while (j < m && sortedCur[j] <= v) j++;
      const k = i - 1; // largest index with q_k <= v (-1 when v < q_0)
      const G = k < 0 ? 0 : k >= K ? 1 : (k + 0.5) / K;
      const diff = Math.abs(j / m - G);
      if (diff > d) d = diff;
    }
    return d;
  }
  const t = checkTails(tails, 'ksStatisticAgainstQuantiles');
  const n = tails.n;
  const lo = tails.lower;
  const hi = tails.upper;
  assertSortedLike(lo, 'ksStatisticAgainstQuantiles(tails.lower)');
  assertSortedLike(hi, 'ksStatisticAgainstQuantiles(tails.upper)');
  const loT = lo[t - 1];
  const hi1 = hi[0];
  const gMin = t / n;
  const gMax = (n - t) / n;
  let a = 0; // lower-tail values <= x
  let b = 0; // upper-tail values <= x
  for (;;) {
    // next breakpoint: the smallest unconsumed value of the four sorted lists
    let v = Infinity;
    let any = false;
    if (i <= K && q[i] <= v) ((v = q[i]), (any = true));
    if (j < m && sortedCur[j] <= v) ((v = sortedCur[j]), (any = true));
    if (a < t && lo[a] <= v) ((v = lo[a]), (any = true));
    if (b < t && hi[b] <= v) ((v = hi[b]), (any = true));
    if (!any) break;
    while (i <= K && q[i] <= v) i++;
    while (j < m && sortedCur[j] <= v) j++;
    while (a < t && lo[a] <= v) a++;
    while (b < t && hi[b] <= v) b++;
    let G: number;
    if (v < loT) G = a / n;
    else if (v >= hi1) G = (n - t + b) / n;
    else {
      const k = i - 1;
      G = k < 0 ? 0 : k >= K ? 1 : (k + 0.5) / K;
      if (G < gMin) G = gMin;
      else if (G > gMax) G = gMax;
    }
    const diff = Math.abs(j / m - G);
    if (diff > d) d = diff;
  }
  return d;
}

function assertSortedLike(x: ArrayLike<number>, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i]) throw new RangeError(`${name}: missing value (NaN) at index ${i}`);
    if (i > 0 && x[i] < x[i - 1]) throw new RangeError(`${name}: not sorted ascending at index ${i}`);
  }
}

/**
 * KS of a current sample against a reference known only through its quantile sketch (and, when
 * given, its exact tails) and true size `refN`: statistic from `ksStatisticAgainstQuantiles`,
 * p-value from scipy's asymptotic formula kstwo.sf(D, round(refN m / (refN + m))) — the exact
 * method needs the full reference. The sketch error in D (<= 1/(2K) + 1/refN) carries into p: at
 * large n the p-value is sensitive to such shifts, so treat it as indicative; drift decisions for
 * sketched references use Wasserstein (see profile.ts). `tails.n` must equal `refN`.
 */
export function ksAgainstQuantiles(quantiles: Float64Array, refN: number, sortedCur: Float64Array, tails?: QuantileTails): KsResult {
  assertSorted(quantiles, 'ksAgainstQuantiles(quantiles)');
  assertSorted(sortedCur, 'ksAgainstQuantiles(sortedCur)');
  if (sortedCur.length === 0 || !(refN >= 1)) throw new RangeError('ksAgainstQuantiles: empty sample');
  if (tails && tails.n !== refN) throw new RangeError(`ksAgainstQuantiles: tails.n = ${tails.n} differs from refN = ${refN}`);
  const d = ksStatisticAgainstQuantiles(quantiles, sortedCur, tails);
  return { statistic: d, pValue: ksAsympPValue(d, refN, sortedCur.length), method: 'asymp' };
}
