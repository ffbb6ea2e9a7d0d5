import { sigmoid } from '../sigmoid.js';
import { categoryLookup } from './categories.js';
import type { LogisticParams } from './params.js';

/**
 * P(leave) per row for any logistic model (numeric and category terms, standardized or not):
 * log-odds = intercept + each feature's term in feature order — a numeric one
 * coef · ((value, missing → median) − mean) / scale, a category one its category's coefficient
 * (looked up from the dataset's dictionary `levels`, categories.ts) — the same order and
 * arithmetic as the SQL export. Category columns hold dictionary codes, NaN when missing.
 */
export function predictTerms(params: LogisticParams, x: readonly Float64Array[], rows: number, levels: readonly (readonly string[] | null)[] | undefined, out: Float64Array): Float64Array {
  const t = out;
  t.fill(params.intercept, 0, rows);
  params.terms.forEach((term, j) => {
    const col = x[j];
    if (term.kind === 'numeric') {
      const { coef, median, mean, scale } = term;
      for (let i = 0; i < rows; i++) {
        const v = col[i];
        t[i] += (coef * ((v === v ? v : median) - mean)) / scale;
      }
    } else {
      const { byCode, missing } = categoryLookup(term, levels?.[j]);
      for (let i = 0; i < rows; i++) {
        const c = col[i];
        t[i] += c === c ? byCode[c] : missing;
      }
    }
  });
  for (let i = 0; i < rows; i++) out[i] = sigmoid(t[i]);
  return out;
}
