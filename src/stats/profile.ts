/**
 * Reference profile of one numeric column, computed once at training time and stored as JSON, and
 * the comparison of a current batch against it — so drift checks never re-read the training set.
 *
 * Profile contents, and why:
 * - `n` (non-missing count), `missingRate` (missing / rows): missingness is tracked separately
 *   because every distribution statistic drops missing values (NaN).
 * - `mean`, `std` (sample, ddof = 1, as numpy `std(ddof=1)`; null when n < 2), `min`, `max`,
 *   `median` (numpy definition): a human-readable summary; `std` also normalises Wasserstein so a
 *   single threshold works for every column, and `min`/`max` give the out-of-range share.
 * - `deciles` (9 reference quantiles at 10%..90%, numpy 'linear'), `psiEdges` (the deciles with
 *   duplicates merged) and `binProportions` (the reference's own shares in those bins): PSI
 *   needs nothing else (definition in psi.ts).
 * - `distribution`: the reference values as sorted (value, count) runs, `{"kind": "runs", "values":
 *   [distinct values, ascending], "counts": [rows holding each]}`, whenever the column has at most
 *   RUNS_MAX = 100,000 distinct values (runs.ts says why that bound): then KS and Wasserstein are
 *   exact against the training rows at any size — scipy's ks_2samp and wasserstein_distance on
 *   them, p-value by scipy's 'auto' rule. References written before runs existed hold instead the
 *   full sorted sample when n <= 1,000 (`"kind": "sample"`; still compared exactly), and so does
 *   a profile built with runsMax = 0. Otherwise (more distinct values than RUNS_MAX) a sketch of
 *   1,001 quantiles at probabilities k/1000,
 *   k = 0..1000 (constant size whatever the training set; approximation errors documented in
 *   ks.ts and wasserstein.ts), plus `tails` = the T smallest and T largest reference values,
 *   exactly, T = min(1000, ceil(n/1000)) (the first and last 0.1% of the sorted reference, capped
 *   at 1,000 a side): JSON `"distribution": {"kind": "quantiles", "values": [1001 numbers],
 *   "tails": {"lower": [T numbers, ascending], "upper": [T numbers, ascending]}}`. Why: on
 *   heavy-tailed columns the straight line from q(0.999) to the max (and from the min to q(0.001))
 *   is nearly the whole sketch error — 1,000,000 lognormal activity counts compared with
 *   themselves gave W/std ~0.05 without tails; with them the error is governed by the interior
 *   quantile spacing only (tails.ts). The profile stays bounded: at most 1,001 + 2,000 numbers.
 *   Backward compatible: a stored profile without `tails` (written before they existed) is
 *   compared with the sketch alone, exactly as before.
 * A column with no non-missing value cannot be profiled: `referenceProfile` throws.
 *
 * Comparison (`compareToProfile`), and why:
 * - `method`: 'ks' when the reference has <= 1,000 non-missing rows — the KS test is exact there
 *   and its p-value is meaningful at small n; otherwise 'wasserstein' — with large samples KS
 *   flags practically irrelevant shifts as significant, so the decision uses the effect size
 *   W / std_ref instead. `drift` applies the method's rule: Wasserstein >= 0.1 (W normalised by
 *   the reference std), or KS p-value < `ksAlpha` (default 0.05 — an assumption; pass another).
 *   Both statistics are always reported.
 * - `ks`: exact-reference KS (ks.ts, runs.ts) for runs or a sample; for a sketch, D against the
 *   sketch's midpoint step CDF, exact in the stored tails (|error| <= 0.0005 + 1/n_ref) and p =
 *   scipy's asymptotic formula with the true reference n.
 * - `sketch`: null when the comparison is exact (runs or sample); for a sketched reference the
 *   bounds on the error of the KS statistic (1/(2K) + 1/n_ref) and of the normalised Wasserstein
 *   distance (quantileSketchErrorBound / std_ref, plus (max - min)/n_ref without tails).
 * - `wasserstein`: W1 / std_ref; when std_ref is 0 or undefined (constant or single-row reference)
 *   it is 0 if W = 0 and +Infinity otherwise (any spread away from a constant is unbounded drift
 *   on that scale; note JSON.stringify writes Infinity as null).
 * - `psi`: value and level with the stored edges and reference shares.
 * - `missingRateChange` = current missing share - reference missing share (positive: more
 *   missing now). `outOfRangeShare`: share of non-missing current values outside [min, max].
 * - A current batch with no non-missing value gives NaN for every distribution statistic and
 *   `drift: false`; `missingRateChange` still reports the change (NaN for a batch of 0 rows).
 *
 * Performance: the current column is filtered and sorted once (native typed-array sort) and
 * shared by KS, Wasserstein, PSI and the range check, each one linear pass.
 */

import { compensatedSum, countNonMissing, medianSorted, sortedNonMissing, type SortBuffers } from './sorted.js';
import { ksAgainstQuantiles, ksFromSorted, ksTest } from './ks.js';
import { quantileSketch, quantileSketchErrorBound, wassersteinSorted, wassersteinToQuantiles } from './wasserstein.js';
import { RUNS_MAX, checkRuns, ksStatisticRuns, runsFromSorted, wassersteinRuns } from './runs.js';
import { sketchTails, type QuantileTails } from './tails.js';
import { countedProfile } from './counted-profile.js';
import { binProportionsSorted, decilesSorted, mergeEdges, psiFromProportions, psiLevel, type PsiLevel } from './psi.js';

export const PROFILE_SAMPLE_MAX = 1000;
export const PROFILE_SKETCH_SIZE = 1001;
export const WASSERSTEIN_DRIFT = 0.1;
export const DEFAULT_KS_ALPHA = 0.05;

export interface ReferenceProfile {
  /** Non-missing values. */
  n: number;
  /** Missing / total rows. */
  missingRate: number;
  mean: number;
  /** Sample standard deviation (ddof = 1); null when n < 2. */
  std: number | null;
  min: number;
  max: number;
  median: number;
  /** Reference quantiles at 0.1, 0.2, ..., 0.9. */
  deciles: number[];
  /** `deciles` with duplicates merged: the PSI bin edges. */
  psiEdges: number[];
  /** Reference shares in the psiEdges.length + 1 bins. */
  binProportions: number[];
  /**
   * Sorted (value, count) runs of every reference value (at most RUNS_MAX of them); or, above that,
   * quantiles at k/1000, k = 0..1000 with the exact tails: the T = min(1000, ceil(n/1000)) smallest
   * and largest values, ascending. `sample` (the full sorted sample, n <= 1000) is what references
   * written before runs hold; `tails` is optional only so that profiles stored before it existed
   * still load (sketch-only comparison).
   */
  distribution:
    | { kind: 'runs'; values: number[]; counts: number[] }
    | { kind: 'sample'; values: number[] }
    | { kind: 'quantiles'; values: number[]; tails?: { lower: number[]; upper: number[] } };
}

/** Bounds on the sketch's error, when the reference was compared through a sketch. */
export interface SketchError {
  /** |D - D against the training rows| <= this. */
  ksStatistic: number;
  /** |W/std - W/std against the training rows| <= this. */
  wasserstein: number;
}

export interface ProfileComparison {
  method: 'ks' | 'wasserstein';
  drift: boolean;
  ks: { statistic: number; pValue: number };
  /** Wasserstein-1 distance divided by the reference std. */
  wasserstein: number;
  psi: { value: number; level: PsiLevel };
  missingRateChange: number;
  outOfRangeShare: number;
  /** null: KS and Wasserstein are exact against the training rows; else the sketch's error bounds. */
  sketch: SketchError | null;
}

/**
 * Profile of a training column (NaN = missing). Throws when no value is present. `buffers`: where
 * to sort (a `SortScratch` reused across columns); the profile keeps no reference to them.
 */
export function referenceProfile(col: Float64Array, buffers?: SortBuffers, runsMax = RUNS_MAX): ReferenceProfile {
  // Count columns: the same profile from a histogram, without sorting a copy (counted-profile.ts).
  return countedProfile(col, PROFILE_SKETCH_SIZE, runsMax) ?? sortedProfile(col, buffers, runsMax);
}

/**
 * referenceProfile from a sorted copy of the column: any column (exported for the tests).
 * `runsMax`: keep runs up to this many distinct values (0: the sample / sketch of references
 * written before runs existed).
 */
export function sortedProfile(col: Float64Array, buffers?: SortBuffers, runsMax = RUNS_MAX): ReferenceProfile {
  const sorted = sortedNonMissing(col, buffers);
  const n = sorted.length;
  if (n === 0) throw new RangeError('referenceProfile: the column has no non-missing value');
  const mean = compensatedSum(sorted) / n;
  let std: number | null = null;
  if (n >= 2) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const d = sorted[i] - mean;
      const v = d * d;
      const t = s + v;
      c += s >= v ? s - t + v : v - t + s;
      s = t;
    }
    std = Math.sqrt((s + c) / (n - 1));
  }
  const deciles = decilesSorted(sorted);
  const psiEdges = mergeEdges(deciles);
  return {
    n,
    missingRate: (col.length - n) / col.length,
    mean,
    std,
    min: sorted[0],
    max: sorted[n - 1],
    median: medianSorted(sorted),
    deciles,
    psiEdges,
    binProportions: binProportionsSorted(psiEdges, sorted),
    distribution: storedDistribution(sorted, runsMax),
  };
}

function storedDistribution(sorted: Float64Array, runsMax: number): ReferenceProfile['distribution'] {
  const runs = runsMax > 0 ? runsFromSorted(sorted, runsMax) : undefined;
  if (runs) return { kind: 'runs', ...runs };
  return sorted.length <= PROFILE_SAMPLE_MAX
    ? { kind: 'sample', values: Array.from(sorted) }
    : { kind: 'quantiles', values: Array.from(quantileSketch(sorted, PROFILE_SKETCH_SIZE)), tails: sketchTails(sorted) };
}

/** Compare a current column (NaN = missing) with a stored reference profile. */
export function compareToProfile(
  profile: ReferenceProfile,
  current: Float64Array,
  options: {
    ksAlpha?: number;
    /**
     * Sorting buffers to reuse (a SortScratch at least `current.length` long): drift compares many
     * 1,000,000-row columns, and two fresh 8 MB arrays per column cost more in first-touch page
     * faults than the sort itself.
     */
    buffers?: SortBuffers;
    /** `current` is already ascending and holds no NaN (the caller sorted it for other uses too): not sorted again. */
    sorted?: boolean;
  } = {},
): ProfileComparison {
  const ksAlpha = options.ksAlpha ?? DEFAULT_KS_ALPHA;
  const dist = profile.distribution;
  // By size, not by how the reference is stored: p-values decide only where they mean something.
  const method: ProfileComparison['method'] = profile.n <= PROFILE_SAMPLE_MAX ? 'ks' : 'wasserstein';
  const curMissingRate = current.length === 0 ? Number.NaN : (current.length - countNonMissing(current)) / current.length;
  const missingRateChange = curMissingRate - profile.missingRate;
  const cur = options.sorted ? current : sortedNonMissing(current, options.buffers);
  const m = cur.length;
  if (m === 0) {
    return {
      method,
      drift: false,
      ks: { statistic: Number.NaN, pValue: Number.NaN },
      wasserstein: Number.NaN,
      psi: { value: Number.NaN, level: 'stable' },
      missingRateChange,
      outOfRangeShare: Number.NaN,
      sketch: null,
    };
  }
  let ks: { statistic: number; pValue: number };
  let w: number;
  let sketch: SketchError | null = null;
  const std = profile.std;
  const scale = (x: number) => (std !== null && std > 0 ? x / std : x === 0 ? 0 : Number.POSITIVE_INFINITY);
  if (dist.kind === 'runs') {
    const n = checkRuns(dist, 'reference profile');
    if (n !== profile.n) throw new RangeError(`reference profile: runs hold ${n} rows, n = ${profile.n}`);
    const r = ksTest(ksStatisticRuns(dist, n, cur), n, m, 'auto');
    ks = { statistic: r.statistic, pValue: r.pValue };
    w = wassersteinRuns(dist, n, cur);
  } else if (dist.kind === 'sample') {
    const ref = Float64Array.from(dist.values);
    const r = ksFromSorted(ref, cur, 'auto');
    ks = { statistic: r.statistic, pValue: r.pValue };
    w = wassersteinSorted(ref, cur);
  } else {
    const ref = Float64Array.from(dist.values);
    const t = dist.tails;
    const tails: QuantileTails | undefined = t ? { n: profile.n, lower: t.lower, upper: t.upper } : undefined;
    const r = ksAgainstQuantiles(ref, profile.n, cur, tails);
    ks = { statistic: r.statistic, pValue: r.pValue };
    w = wassersteinToQuantiles(ref, cur, tails);
    // ks.ts and wasserstein.ts derive these; without tails the W bound needs its 1/n edge term added.
    const K = ref.length - 1;
    const wBound = quantileSketchErrorBound(ref, tails) + (tails ? 0 : (profile.max - profile.min) / profile.n);
    sketch = { ksStatistic: 1 / (2 * K) + 1 / profile.n, wasserstein: scale(wBound) };
  }
  const wNorm = scale(w);
  const psiValue = psiFromProportions(profile.binProportions, binProportionsSorted(profile.psiEdges, cur));
  let out = 0;
  for (let i = 0; i < m && cur[i] < profile.min; i++) out++;
  for (let i = m - 1; i >= 0 && cur[i] > profile.max; i--) out++;
  const drift = method === 'wasserstein' ? wNorm >= WASSERSTEIN_DRIFT : ks.pValue < ksAlpha;
  return {
    method,
    drift,
    ks,
    wasserstein: wNorm,
    psi: { value: psiValue, level: psiLevel(psiValue) },
    missingRateChange,
    outOfRangeShare: out / m,
    sketch,
  };
}
