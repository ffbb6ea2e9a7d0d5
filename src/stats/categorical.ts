/**
 * Drift kernels for a category column, on counts per category (missing left out before: its rate
 * is reported on its own). Each agrees with the tool named, on the same counts
 * (scripts/fixtures/make_category_drift_fixtures.py, test/monitor/categorical.test.ts):
 *
 * - `chi2Homogeneity(ref, cur)`: Pearson's chi-square test of homogeneity on the 2×k table
 *   [ref; cur] over the categories seen in either (a column empty in both is dropped) =
 *   `scipy.stats.chi2_contingency(table, correction=False)`: statistic Σ (o − e)²/e with
 *   e = row total · column total / N, dof = k − 1, p = chi2.sf(statistic, dof) (gamma.ts). As scipy:
 *   dof 0 (one category) gives statistic 0 and p 1. An empty side has no test: NaN (scipy raises).
 * - `jensenShannon(p, q)`: `scipy.spatial.distance.jensenshannon(p, q, base=2)` — both normalised
 *   to shares, m = (p + q)/2, sqrt((Σ rel_entr(p, m) + Σ rel_entr(q, m)) / ln 2 / 2); in [0, 1].
 * - `categoryPsi(ref, cur, unseen)`: PSI over the categories with every category the reference
 *   never had as one bin (the reference's share there is 0, floored like any share), the same
 *   formula and epsilon (1e-4) as numeric PSI (psi.ts).
 * Sums are compensated (numpy sums pairwise; both within a few ulps of the exact sum).
 */

import { chi2Sf } from './gamma.js';
import { PSI_EPSILON, psiLevel, type PsiLevel } from './psi.js';
import { Accumulator } from './sorted.js';

export interface Chi2Result {
  statistic: number;
  pValue: number;
  dof: number;
}

function total(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** Pearson chi-square test of homogeneity of two count vectors over the same categories. */
export function chi2Homogeneity(ref: ArrayLike<number>, cur: ArrayLike<number>): Chi2Result {
  if (ref.length !== cur.length) throw new RangeError('chi2Homogeneity: count vectors differ in length');
  const r = total(ref);
  const c = total(cur);
  let k = 0;
  for (let i = 0; i < ref.length; i++) if (ref[i] + cur[i] > 0) k++;
  if (!(r > 0) || !(c > 0)) return { statistic: Number.NaN, pValue: Number.NaN, dof: Math.max(0, k - 1) };
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  const n = r + c;
  // scipy sums the flattened table row by row: every reference cell, then every current cell.
  const acc = new Accumulator();
  for (const [row, rowTotal] of [[ref, r], [cur, c]] as const) {
    for (let i = 0; i < ref.length; i++) {
      const col = ref[i] + cur[i];
      if (col === 0) continue;
      const e = (rowTotal * col) / n;
      const d = row[i] - e;
      acc.add((d * d) / e);
    }
  }
  const statistic = acc.value;
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}

/** x·ln(x/y) with scipy's rel_entr conventions (0 when x = 0; x, y >= 0 here). */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** Jensen–Shannon distance (base 2) of two count (or share) vectors over the same categories. */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError('jensenShannon: vectors differ in length');
  const sp = total(p);
  const sq = total(q);
  if (!(sp > 0) || !(sq > 0)) return Number.NaN;
  const left = new Accumulator();
  const right = new Accumulator();
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    left.add(relEntr(a, m));
    right.add(relEntr(b, m));
  }
  const js = (left.value + right.value) / Math.LN2;
  // rounding can leave a hair below 0 for identical shares
  return Math.sqrt(Math.max(0, js / 2));
}

/**
 * PSI over categories: one bin per reference category and one for all categories the reference
 * never had (`unseen[i]` true), shares of the non-missing rows floored at PSI_EPSILON.
 */
export function categoryPsi(ref: ArrayLike<number>, cur: ArrayLike<number>, unseen: ArrayLike<boolean>): { value: number; level: PsiLevel } {
  const r = total(ref);
  const c = total(cur);
  if (!(r > 0) || !(c > 0)) return { value: Number.NaN, level: 'stable' };
  let s = 0;
  let unseenCur = 0;
  let unseenRef = 0;
  for (let i = 0; i < ref.length; i++) {
    if (unseen[i]) {
      unseenCur += cur[i];
      unseenRef += ref[i];
      continue;
    }
    s += term(ref[i] / r, cur[i] / c);
  }
  s += term(unseenRef / r, unseenCur / c);
  return { value: s, level: psiLevel(s) };
}

function term(refShare: number, curShare: number): number {
  const a = Math.max(refShare, PSI_EPSILON);
  const b = Math.max(curShare, PSI_EPSILON);
  return (b - a) * Math.log(b / a);
}
