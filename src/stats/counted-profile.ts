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
 * - runs: the histogram's non-zero cells, in value order (runs.ts) — what the sorted path finds by
 *   scanning for value changes (−0 counted as 0 in both).
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
export function countedProfile(col: Float64Array, sketchSize: number, runsMax: number): ReferenceProfile | undefined {
  const found = countIntegers(col);
  if (!found) return undefined;
  const { n, max } = found;
  if (n < MIN_ROWS || max > 4 * n || max * n >= 2 ** 53) return undefined;
  const { vals, ends, sum } = distinct(histogram(col, max));
  // The runs are the histogram itself (runs.ts); above runsMax distinct values (or with runsMax 0,
  // the older layout) n >= 1024 > PROFILE_SAMPLE_MAX, so the distribution is the quantile sketch.
  const keepRuns = vals.length <= runsMax;
  const size = vals.length;
  /** The value at rank r (0-based) of the sorted column. */
  const at = (r: number): number => valueAt(vals, ends, r);
  const mean = sum / n;
  const std = n >= 2 ? Math.sqrt(squaredDeviations(vals, ends, mean) / (n - 1)) : null;
  const deciles: number[] = [];
  for (let k = 1; k <= 9; k++) deciles.push(quantileAt(n, at, k / 10));
  const psiEdges = mergeEdges(deciles);
  // Right-closed bins: the values <= edge, by cumulative count.
  const binCounts = new Array<number>(psiEdges.length + 1).fill(0);
  let below = 0;
  for (let b = 0, j = 0; b < psiEdges.length; b++) {
    while (j < size && vals[j] <= psiEdges[b]) j++;
    const upTo = j > 0 ? ends[j - 1] : 0;
    binCounts[b] = upTo - below;
    below = upTo;
  }
  binCounts[psiEdges.length] = n - below;
  return {
    n,
    missingRate: (col.length - n) / col.length,
    mean,
    std,
    min: vals[0],
    max: vals[size - 1],
    median: n % 2 === 1 ? at(n >> 1) : (at((n >> 1) - 1) + at(n >> 1)) / 2,
    deciles,
    psiEdges,
    binProportions: binCounts.map((k) => k / n),
    distribution: keepRuns ? runsOf(vals, ends) : sketchOf(n, at, sketchSize),
  };
}

function runsOf(vals: Float64Array, ends: Float64Array): ReferenceProfile['distribution'] {
  const counts = new Array<number>(vals.length);
  for (let j = 0; j < vals.length; j++) counts[j] = ends[j] - (j > 0 ? ends[j - 1] : 0);
  return { kind: 'runs', values: Array.from(vals), counts };
}

function sketchOf(n: number, at: (r: number) => number, sketchSize: number): ReferenceProfile['distribution'] {
  const K = sketchSize - 1;
  const values: number[] = [];
  for (let k = 0; k <= K; k++) values.push(quantileAt(n, at, k / K));
  const t = Math.min(tailSize(n), Math.floor(n / 2));
  const lower: number[] = [];
  const upper: number[] = [];
  for (let r = 0; r < t; r++) lower.push(at(r));
  for (let r = n - t; r < n; r++) upper.push(at(r));
  return { kind: 'quantiles', values, tails: { lower, upper } };
}

// Each loop is a small function of its own, called once per column: the optimising compiler
// compiles it once, where loops inline in one long function each ran unoptimised for a while
// (and deoptimised on leaving) on every column.

/** The count of non-missing values and their maximum; undefined unless all are integers in [0, 2^31). */
function countIntegers(col: Float64Array): { n: number; max: number } | undefined {
  let n = 0;
  let max = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v !== v) continue;
    if (!(v >= 0 && (v | 0) === v)) return undefined;
    if (v > max) max = v;
    n++;
  }
  return { n, max };
}

/** counts[v] = how many cells hold v (NaN cells skipped; −0 counts as 0). */
function histogram(col: Float64Array, max: number): Uint32Array {
  const counts = new Uint32Array(max + 1);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === v) counts[v]++;
  }
  return counts;
}

/** Distinct values ascending, how many values are <= each (the rank after its last copy), and Σ v·count(v). */
function distinct(counts: Uint32Array): { vals: Float64Array; ends: Float64Array; sum: number } {
  let size = 0;
  for (let v = 0; v < counts.length; v++) if (counts[v]) size++;
  const vals = new Float64Array(size);
  const ends = new Float64Array(size);
  let sum = 0;
  for (let v = 0, j = 0, cum = 0; v < counts.length; v++) {
    const c = counts[v];
    if (!c) continue;
    cum += c;
    vals[j] = v;
    ends[j++] = cum;
    sum += v * c;
  }
  return { vals, ends, sum };
}

/** The value at rank r: binary search of the cumulative counts. */
function valueAt(vals: Float64Array, ends: Float64Array, r: number): number {
  let lo = 0;
  let hi = vals.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return vals[lo];
}

/** profile.ts's Neumaier sum of the sorted squared deviations, value by value: s + c. */
function squaredDeviations(vals: Float64Array, ends: Float64Array, mean: number): number {
  let s = 0;
  let c = 0;
  for (let j = 0, prev = 0; j < vals.length; j++) {
    const d = vals[j] - mean;
    const v = d * d;
    const end = ends[j];
    for (let k = prev; k < end; k++) {
      const t = s + v;
      c += s >= v ? s - t + v : v - t + s;
      s = t;
    }
    prev = end;
  }
  return s + c;
}
