/**
 * Population Stability Index over 10 bins at the reference deciles.
 *
 *   PSI = Σ_i (c_i - r_i) · ln(c_i / r_i)
 *
 * with r_i, c_i the reference and current shares in bin i. Definition, and why:
 *
 * 1. Edges: the reference quantiles at 10%, 20%, ..., 90% (numpy.quantile 'linear', type 7,
 *    bit-identical — see sorted.ts), so each bin holds ~10% of a continuous reference. The outer
 *    bins are open-ended, so current values beyond the reference range still land in a bin.
 * 2. Ties: with heavily repeated values (e.g. 40% zero counts, or integers 0–3) several deciles
 *    coincide. Duplicate edges are MERGED (unique ascending edges), leaving fewer than 10 bins
 *    (as few as 2 for a constant reference) instead of empty zero-width bins that would make PSI
 *    depend only on the epsilon below.
 * 3. Bins are right-closed: (-inf, e_1], (e_1, e_2], ..., (e_last, +inf). A value equal to an edge
 *    goes to the bin that edge closes. Why right-closed: with repeated values the edge *is* a data
 *    value (e.g. the merged edge 0 when 40% are zeros), and right-closing puts all of those rows
 *    in one bin together — the natural "value <= 0" bucket; left-closed bins would leave the first
 *    bin empty by construction. (= numpy.searchsorted(edges, x, side="left").)
 * 4. Empty bins: every share is floored at EPSILON = 1e-4, `max(p, 1e-4)`, in reference and
 *    current alike, without renormalising. Why a floor rather than Laplace smoothing or adding ε
 *    to all bins: it leaves every populated bin exactly as in the textbook formula (so results do
 *    not depend on the sample size the way (count + ½)/(n + k/2) does), and only bounds the one
 *    otherwise infinite case — a bin that emptied out. An emptied 10% bin then contributes
 *    (0.1 - 1e-4)·ln(0.1/1e-4) ≈ 0.69, i.e. "major" on its own, which is the right verdict.
 *    Every term (c - r)·ln(c/r) is >= 0 whatever the shares, so PSI >= 0, and PSI = 0 exactly when
 *    the binned shares agree.
 * 5. Levels: < 0.1 stable, 0.1 to < 0.25 moderate, >= 0.25 major (industry convention).
 * Missing values (NaN) are excluded from both samples; their rate is reported separately by the
 * profile comparison. An empty sample throws.
 */

import { assertSorted, quantileSorted, sortedNonMissing } from './sorted.js';

export const PSI_EPSILON = 1e-4;
export const PSI_MODERATE = 0.1;
export const PSI_MAJOR = 0.25;

export type PsiLevel = 'stable' | 'moderate' | 'major';

export interface PsiResult {
  value: number;
  level: PsiLevel;
  /** The 9 reference deciles (10%..90%), before merging. */
  deciles: number[];
  /** Unique ascending bin edges (merged deciles); bins = edges.length + 1. */
  edges: number[];
  referenceProportions: number[];
  currentProportions: number[];
}

export function psiLevel(value: number): PsiLevel {
  return value < PSI_MODERATE ? 'stable' : value < PSI_MAJOR ? 'moderate' : 'major';
}

/** The 9 deciles (k/10, k = 1..9) of an ascending NaN-free non-empty sample. */
export function decilesSorted(sorted: Float64Array): number[] {
  if (sorted.length === 0) throw new RangeError('psi: empty reference sample');
  const out: number[] = [];
  for (let k = 1; k <= 9; k++) out.push(quantileSorted(sorted, k / 10));
  return out;
}

/** Ascending values with duplicates merged (-0 and +0 are one edge). */
export function mergeEdges(deciles: readonly number[]): number[] {
  const out: number[] = [];
  for (const d of deciles) if (out.length === 0 || d > out[out.length - 1]) out.push(d === 0 ? 0 : d);
  return out;
}

/** Shares of an ascending NaN-free sample in the right-closed bins defined by `edges`. */
export function binProportionsSorted(edges: readonly number[], sorted: Float64Array): number[] {
  const n = sorted.length;
  const counts = new Array<number>(edges.length + 1).fill(0);
  let b = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i];
    while (b < edges.length && x > edges[b]) {
      counts[b] = i - start;
      start = i;
      b++;
    }
  }
  counts[b] = n - start;
  return counts.map((c) => c / n);
}

/** PSI from two share vectors of equal length, shares floored at `PSI_EPSILON`. */
export function psiFromProportions(reference: readonly number[], current: readonly number[]): number {
  if (reference.length !== current.length) throw new RangeError('psi: proportion vectors differ in length');
  let s = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i], PSI_EPSILON);
    const c = Math.max(current[i], PSI_EPSILON);
    s += (c - r) * Math.log(c / r);
  }
  return s;
}

/** PSI for ascending NaN-free samples (checked). */
export function psiFromSorted(sortedRef: Float64Array, sortedCur: Float64Array): PsiResult {
  assertSorted(sortedRef, 'psiFromSorted(sortedRef)');
  assertSorted(sortedCur, 'psiFromSorted(sortedCur)');
  if (sortedCur.length === 0) throw new RangeError('psi: empty current sample');
  const deciles = decilesSorted(sortedRef);
  const edges = mergeEdges(deciles);
  const referenceProportions = binProportionsSorted(edges, sortedRef);
  const currentProportions = binProportionsSorted(edges, sortedCur);
  const value = psiFromProportions(referenceProportions, currentProportions);
  return { value, level: psiLevel(value), deciles, edges, referenceProportions, currentProportions };
}

/** PSI of `current` against `reference` (missing values dropped; inputs unmodified). */
export function psi(reference: Float64Array, current: Float64Array): PsiResult {
  return psiFromSorted(sortedNonMissing(reference), sortedNonMissing(current));
}
