import type { LogisticBackground } from '../../contracts/model-document.js';
import type { Contributions } from '../fitted-model.js';
import { DataError } from '../../util/errors.js';
import { categoryLookup } from './categories.js';
import type { LogisticParams } from './params.js';

/**
 * Each feature's contribution to each row's log-odds, against the training rows with the features
 * taken as independent — what SHAP's linear explainer gives with the training data as background
 * (interventional). A feature's term in the log-odds (predict-terms.ts) minus its mean over the
 * training rows:
 *
 *   numeric  coef·(u − ū), u = ((value, missing → median) − mean)/scale, ū the same of the
 *            training mean after imputation (mean 0, scale 1 when not standardized);
 *   category Σ_k coef_k·(1[x = k] − share_k): the coefficient of the row's category (none when the
 *            model does not know it, as predict scores it) minus the share-weighted mean coefficient.
 *
 * base = intercept + Σ the features' mean terms, the expected log-odds over the training rows, so
 * base + Σ contributions is the row's log-odds (to rounding). Each term is computed as
 * predictTerms computes it, so the two agree to a few ulps of the terms.
 */
export function logisticContributions(
  version: string,
  params: LogisticParams,
  bg: LogisticBackground,
  x: readonly Float64Array[],
  rows: number,
  levels: readonly (readonly string[] | null)[] | undefined,
  out?: Float64Array[],
): Contributions {
  let base = params.intercept;
  const values = params.terms.map((term, j) => {
    const col = x[j];
    const o = out?.[j] && out[j].length >= rows ? out[j] : new Float64Array(rows);
    if (term.kind === 'numeric') {
      const { coef, median, mean, scale } = term;
      const m = bg.means[term.name];
      if (typeof m !== 'number') throw new DataError(`model ${version}: its background has no mean for feature "${term.name}"`);
      const mid = (coef * (m - mean)) / scale;
      base += mid;
      for (let i = 0; i < rows; i++) {
        const v = col[i];
        o[i] = (coef * ((v === v ? v : median) - mean)) / scale - mid;
      }
      return o;
    }
    const shares = bg.shares[term.name];
    if (!shares || shares.length !== term.coefs.length) throw new DataError(`model ${version}: its background needs one share per category of feature "${term.name}" (${term.coefs.length})`);
    let mid = 0;
    for (let k = 0; k < shares.length; k++) mid += term.coefs[k] * shares[k];
    base += mid;
    const { byCode, missing } = categoryLookup(term, levels?.[j]);
    for (let i = 0; i < rows; i++) {
      const c = col[i];
      o[i] = (c === c ? byCode[c] : missing) - mid;
    }
    return o;
  });
  return { base, values };
}
