/**
 * A current category column compared with a training category profile (category-profile.ts; the
 * kernels are in categorical.ts). Categories are matched by text: a dataset's codes belong to its
 * own dictionary.
 *
 * - the table: one column per reference category, then one per current category the reference
 *   never had (unseen), missing left out on both sides;
 * - `chi2` on that 2×k table (categories empty in both dropped) and `jensenShannon` of the two
 *   share vectors are always computed; `method` says which decides: chi2 when the reference has
 *   <= 1,000 non-missing rows (p-values mean something there), jensenshannon above (with a
 *   million rows any shift is "significant");
 * - `psi`: each reference category a bin, every unseen category together one bin;
 * - `unseenShare`: the share of the current non-missing rows whose category the training rows
 *   never had; `unseen`: the ten largest of those categories (rows, then text) with their shares;
 * - `missingRateChange`: current missing share − reference missing share (NaN for 0 rows).
 * A current column with no non-missing cell gives NaN figures (no test), as numeric columns do.
 */

import { categoryCounts, byText } from '../data/kinds/category/counts.js';
import { categoryPsi, chi2Homogeneity, jensenShannon, type Chi2Result } from './categorical.js';
import type { CategoryProfile } from './category-profile.js';
import type { PsiLevel } from './psi.js';

/** Reference size up to which chi-square decides (as KS does for numbers). */
export const CHI2_MAX_ROWS = 1000;
/** How many unseen categories are named. */
export const UNSEEN_NAMED = 10;

export interface CategoryComparison {
  method: 'chi2' | 'jensenshannon';
  chi2: Chi2Result;
  jensenShannon: number;
  psi: { value: number; level: PsiLevel };
  unseenShare: number;
  unseen: { category: string; share: number }[];
  missingRateChange: number;
}

/** Compare the first `rows` cells of a coded column (`levels` its dictionary) with a category profile. */
export function compareCategories(profile: CategoryProfile, codes: Float64Array, levels: readonly string[], rows = codes.length): CategoryComparison {
  const { counts, missing } = categoryCounts(codes, rows, levels);
  const cur = new Map<string, number>();
  for (let k = 0; k < levels.length; k++) if (counts[k] > 0) cur.set(levels[k], (cur.get(levels[k]) ?? 0) + counts[k]);
  const m = rows - missing;
  const missingRateChange = (rows === 0 ? Number.NaN : missing / rows) - profile.missingRate;
  const method = profile.n <= CHI2_MAX_ROWS ? 'chi2' : 'jensenshannon';
  if (m === 0) {
    return { method, chi2: { statistic: Number.NaN, pValue: Number.NaN, dof: 0 }, jensenShannon: Number.NaN, psi: { value: Number.NaN, level: 'stable' }, unseenShare: Number.NaN, unseen: [], missingRateChange };
  }
  const ref: number[] = [...profile.counts];
  const now: number[] = profile.categories.map((c) => cur.get(c) ?? 0);
  const isUnseen: boolean[] = profile.categories.map(() => false);
  const known = new Set(profile.categories);
  const unseen = [...cur].filter(([text]) => !known.has(text)).sort((a, b) => b[1] - a[1] || byText(a[0], b[0]));
  let unseenRows = 0;
  for (const [, k] of unseen) {
    ref.push(0);
    now.push(k);
    isUnseen.push(true);
    unseenRows += k;
  }
  return {
    method,
    chi2: chi2Homogeneity(ref, now),
    jensenShannon: jensenShannon(ref, now),
    psi: categoryPsi(ref, now, isUnseen),
    unseenShare: unseenRows / m,
    unseen: unseen.slice(0, UNSEEN_NAMED).map(([category, k]) => ({ category, share: k / m })),
    missingRateChange,
  };
}
