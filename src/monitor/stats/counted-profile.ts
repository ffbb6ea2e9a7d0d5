/**
 * The reference profile of a count column (activity, employees: non-negative integers), computed
 * from a histogram of its values instead of a sorted copy — the same numbers, bit for bit, as
 * `referenceProfile` gets from the sorted column (test/monitor/counted-profile.test.ts).
 *
 * Why: the sorted path copies the column, counting-sorts it (sorted.ts) and then reads the
 * 1,000,000 sorted values three more times (sum, squared deviations, PSI bins). Here the column
 * is read twice (check, count) and everything else works on the distinct values and their
 * counts (the squared deviations are still added one by one, but from registers, not memory).
 *
 * Why the results are identical:
 * - It applies exactly where sorted.ts would count-sort (n >= 1024 non-missing values, all
 *   non-negative integers below 2^31, max <= 4n), where the sorted column is each value v
 *   repeated count(v) times (−0 counted as 0, as the counting sort writes it).
 * - mean: the sorted path's compensated sum of integers whose total stays below 2^53 is exact
 *   (every partial sum is exact, the compensation stays 0), and so is Σ v·count(v) here; the path
 *   is refused when max·n could reach 2^53.
 * - std: the same Neumaier recurrence, term by term in the same (ascending) order — each value's
 *   squared deviation added count(v) times — so the same rounding at every step.
 * - order statistics (min, max, median, deciles, the 1,001 quantiles, the tails) read the sorted
 *   value at a rank, found here by binary search over the cumulative counts, through the same
 *   numpy interpolation (`quantileAt`); PSI bins are the same integer counts divided by n.
 */

import { quantileAt } from './sorted.js';
import { mergeEdges } from './psi.js';
import { tailSize } from './tails.js';
import type { ReferenceProfile } from './profile.js';

/** As sorted.ts's counting sort: below this many values it does not apply. */
const MIN_ROWS = 1024;

/**
 * The profile of `col` from its histogram, or undefined when `col` is not a count column.
 * `sketchSize`: profile.ts's PROFILE_SKETCH_SIZE (passed in: profile.ts imports this module).
 */
export function countedProfile(col: Float64Array, sketchSize: number): ReferenceProfile | undefined {
  let n = 0;
  let max = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v !== v) continue;
    if (!(v >= 0 && (v | 0) === v)) return undefined;
    if (v > max) max = v;
    n++;
  }
  // n >= 1024 > PROFILE_SAMPLE_MAX: the stored distribution is always the quantile sketch.
  if (n < MIN_ROWS || max > 4 * n || max * n >= 2 ** 53) return undefined;
  const counts = new Uint32Array(max + 1);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === v) counts[v]++;
  }
  // Distinct values ascending, and how many values are <= each (the rank after its last copy).
  let distinct = 0;
  for (let v = 0; v <= max; v++) if (counts[v]) distinct++;
  const vals = new Float64Array(distinct);
  const ends = new Float64Array(distinct);
  let sum = 0;
  for (let v = 0, j = 0, cum = 0; v <= max; v++) {
    const c = counts[v];
    if (!c) continue;
    cum += c;
    vals[j] = v;
    ends[j++] = cum;
    sum += v * c;
  }
  /** The value at rank r (0-based) of the sorted column. */
  const at = (r: number): number => {
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return vals[lo];
  };
  const mean = sum / n;
  // profile.ts's Neumaier loop over the sorted squared deviations, value by value.
  let s = 0;
  let c = 0;
  for (let j = 0, prev = 0; j < distinct; j++) {
    const d = vals[j] - mean;
    const v = d * d;
    for (let k = ends[j] - prev; k > 0; k--) {
      const t = s + v;
      c += s >= v ? s - t + v : v - t + s;
      s = t;
    }
    prev = ends[j];
  }
  const std = n >= 2 ? Math.sqrt((s + c) / (n - 1)) : null;
  const deciles: number[] = [];
  for (let k = 1; k <= 9; k++) deciles.push(quantileAt(n, at, k / 10));
  const psiEdges = mergeEdges(deciles);
  // Right-closed bins: the values <= edge, by cumulative count.
  const binCounts = new Array<number>(psiEdges.length + 1).fill(0);
  let below = 0;
  for (let b = 0, j = 0; b < psiEdges.length; b++) {
    while (j < distinct && vals[j] <= psiEdges[b]) j++;
    const upTo = j > 0 ? ends[j - 1] : 0;
    binCounts[b] = upTo - below;
    below = upTo;
  }
  binCounts[psiEdges.length] = n - below;
  const K = sketchSize - 1;
  const values: number[] = [];
  for (let k = 0; k <= K; k++) values.push(quantileAt(n, at, k / K));
  const t = Math.min(tailSize(n), Math.floor(n / 2));
  const lower: number[] = [];
  const upper: number[] = [];
  for (let r = 0; r < t; r++) lower.push(at(r));
  for (let r = n - t; r < n; r++) upper.push(at(r));
  return {
    n,
    missingRate: (col.length - n) / col.length,
    mean,
    std,
    min: vals[0],
    max: vals[distinct - 1],
    median: n % 2 === 1 ? at(n >> 1) : (at((n >> 1) - 1) + at(n >> 1)) / 2,
    deciles,
    psiEdges,
    binProportions: binCounts.map((k) => k / n),
    distribution: { kind: 'quantiles', values, tails: { lower, upper } },
  };
}
