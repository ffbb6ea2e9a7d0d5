/**
 * A reference column kept exactly as sorted (value, count) runs — every distinct training value
 * and how many training rows hold it — and KS and Wasserstein of a current sample against it.
 *
 * Why runs: a profile used to keep the whole sorted sample only up to 1,000 rows and a 1,001-quantile
 * sketch above, so on a 10,500-row training set KS came from the sketch (D = 0.01150 where scipy's
 * ks_2samp on the training rows gives 0.01181). Runs are exact at any size and compact wherever
 * values repeat: a count column of a million rows (activity, employees) has a few thousand distinct
 * values. A column with more than RUNS_MAX distinct values (a continuous number over more than
 * 100,000 rows) still gets the sketch with exact tails (profile.ts), with its error bound reported.
 *
 * Both statistics are computed the way scipy computes them on the expanded samples, so they agree
 * with `scipy.stats.ks_2samp` / `wasserstein_distance` on the training rows themselves:
 * - KS: D = max over every distinct value v of the union of |F_ref(v) - F_cur(v)| taken as
 *   scipy does (max(cdf1 - cdf2) against clip(-min(cdf1 - cdf2), 0, 1)), with F_ref(v) = (rows
 *   <= v) / n — ks.ts's one walk (ksStatisticWeighted), which also serves a sorted sample, so D
 *   is bit-identical; the p-value follows scipy's 'auto' rule with the true n (ks.ts).
 * - Wasserstein: Σ |F_ref - F_cur| · (next value - value) over the union's distinct values —
 *   wasserstein.ts's one walk (wassersteinWeighted), compensated sum.
 */

import { assertSorted } from './sorted.js';
import { ksStatisticWeighted } from './ks.js';
import { wassersteinWeighted } from './wasserstein.js';

/**
 * At most this many runs are stored for a column. Why 100,000: it keeps every reference of up to
 * 100,000 rows exact whatever its values, and every count column of any size; stored as JSON one
 * run costs ~10–25 bytes (a value with up to 17 digits and its count), so a column stays under
 * ~2.5 MB and parses in ~10–20 ms — against ~23 MB for a continuous column of a million rows.
 * Above it the 1,001-quantile sketch with exact tails (a fixed ~60 KB) is used, with its bound.
 */
export const RUNS_MAX = 100_000;

export interface ValueRuns {
  /** Distinct values, ascending. */
  values: ArrayLike<number>;
  /** Rows holding each value (positive integers). */
  counts: ArrayLike<number>;
}

/** Runs of an ascending NaN-free sample, or undefined when it has more than `max` distinct values. */
export function runsFromSorted(sorted: Float64Array, max = RUNS_MAX): { values: number[]; counts: number[] } | undefined {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) if (++distinct > max) return undefined;
  const values = new Array<number>(distinct);
  const counts = new Array<number>(distinct);
  let k = -1;
  for (let i = 0; i < n; i++) {
    // −0 and +0 are one value (as `===` and numpy's unique see them); the run keeps the first seen.
    if (i === 0 || sorted[i] !== sorted[i - 1]) ((values[++k] = sorted[i]), (counts[k] = 1));
    else counts[k]++;
  }
  return { values, counts };
}

/** Throws unless runs are well-formed: equal lengths, values ascending and distinct, counts positive integers. Returns n = Σ counts. */
export function checkRuns(runs: ValueRuns, where: string): number {
  const { values, counts } = runs;
  if (values.length !== counts.length) throw new RangeError(`${where}: ${values.length} values but ${counts.length} counts`);
  if (values.length === 0) throw new RangeError(`${where}: no runs`);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const c = counts[i];
    if (v !== v) throw new RangeError(`${where}: missing value (NaN) at run ${i}`);
    if (i > 0 && !(v > values[i - 1])) throw new RangeError(`${where}: values not ascending and distinct at run ${i}`);
    if (!(Number.isInteger(c) && c > 0)) throw new RangeError(`${where}: count ${c} at run ${i} is not a positive integer`);
    n += c;
  }
  return n;
}

/** Two-sided KS statistic of the runs (n rows) against an ascending NaN-free current sample, as scipy (ks.ts's walk). */
export function ksStatisticRuns(runs: ValueRuns, n: number, sortedCur: Float64Array): number {
  return ksStatisticWeighted(runs.values, runs.counts, n, sortedCur);
}

/** W1 between the runs (n rows) and an ascending NaN-free current sample: scipy's formula (wasserstein.ts's walk). */
export function wassersteinRuns(runs: ValueRuns, n: number, sortedCur: Float64Array): number {
  return wassersteinWeighted(runs.values, runs.counts, n, sortedCur);
}

/** Checked entry point for both statistics (runs validated, current sorted and non-empty). */
export function compareRuns(runs: ValueRuns, sortedCur: Float64Array): { n: number; ksStatistic: number; wasserstein: number } {
  const n = checkRuns(runs, 'reference runs');
  assertSorted(sortedCur, 'compareRuns(sortedCur)');
  if (sortedCur.length === 0) throw new RangeError('compareRuns: empty current sample');
  return { n, ksStatistic: ksStatisticRuns(runs, n, sortedCur), wasserstein: wassersteinRuns(runs, n, sortedCur) };
}
