import type { LogisticBackground } from '../../contracts/model-document.js';
import type { ModelReference } from '../../stats/reference.js';
import { DataError } from '../../util/errors.js';
import { OTHER_CATEGORY, type LogisticParams } from './params.js';

/**
 * What a logistic model's contributions are measured against: the training rows as the model saw
 * them. Per numeric feature the mean of its imputed training values (missing → median), per
 * category feature the share of training rows in each of the model's categories (`counts`: rows
 * per category, as keptCategories counts them). Sums are
 * compensated (Neumaier): a mean of 10^6 counts keeps every digit numpy's pairwise sum keeps.
 */
export function trainingBackground(
  numeric: readonly { name: string; col: Float64Array; median: number; mean?: number }[],
  category: readonly { name: string; counts: ArrayLike<number> }[],
  rows: number,
): LogisticBackground {
  const means: Record<string, number> = {};
  for (const { name, col, median, mean } of numeric) {
    // The fit adds it up already (fit.ts columnSums: the same sum).
    if (mean !== undefined) {
      means[name] = mean;
      continue;
    }
    let s = 0;
    let c = 0;
    for (let i = 0; i < rows; i++) {
      const v = col[i] === col[i] ? col[i] : median;
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    means[name] = (s + c) / rows;
  }
  const shares: Record<string, number[]> = {};
  for (const { name, counts } of category) shares[name] = Array.from(counts, (n) => n / rows);
  return { means, shares };
}

/**
 * The same background for a document that records none (a /1 document, whose format stays as it
 * was, or a /2 one written before contributions), from the version's drift reference, which
 * profiles the same training rows: a numeric mean after imputation is (n·mean + missing·median) /
 * rows from the profile's non-missing count and mean; a category's shares are the reference's
 * counts by text, a text the model folded counted under "(other)", the missing rows under the
 * missing category. Equal to trainingBackground up to rounding (~1e-16 relative).
 */
export function referenceBackground(version: string, params: LogisticParams, ref: ModelReference): LogisticBackground {
  const rows = ref.rows;
  const means: Record<string, number> = {};
  const shares: Record<string, number[]> = {};
  const lacks = (name: string) => new DataError(`model ${version}: its drift reference has no profile of feature "${name}" to measure contributions against`);
  for (const t of params.terms) {
    if (t.kind === 'numeric') {
      const p = ref.features[t.name];
      if (!p || !(rows > 0)) throw lacks(t.name);
      means[t.name] = (p.n * p.mean + (rows - p.n) * t.median) / rows;
      continue;
    }
    const p = ref.categories?.[t.name];
    if (!p) throw lacks(t.name);
    const at = new Map(t.categories.map((c, k) => [c, k]));
    const other = at.get(OTHER_CATEGORY);
    const counts = new Float64Array(t.categories.length);
    p.categories.forEach((text, i) => {
      const k = at.get(text) ?? other;
      if (k !== undefined) counts[k] += p.counts[i];
    });
    const missing = at.get(null);
    if (missing !== undefined) counts[missing] += Math.round(p.missingRate * rows);
    shares[t.name] = Array.from(counts, (n) => n / rows);
  }
  return { means, shares };
}
