import { byText, categoryCounts, keptCategories as keepMostFrequent } from '../../data/kinds/category/counts.js';
import { DataError } from '../../util/errors.js';
import { OTHER_CATEGORY, type CategoryTerm } from './params.js';

/** Categories kept as themselves per feature when no limit is given (config `max_categories`'s default). */
export const DEFAULT_MAX_CATEGORIES = 50;

export interface KeptCategories {
  /** The model's categories: texts in ascending UTF-16 order, then null (missing) if training had it. */
  categories: (string | null)[];
  /** Each training row's category: an index into `categories`. */
  index: Int32Array;
}

/**
 * The categories a model keeps for one feature, from the training rows' codes (NaN = missing) and
 * the dataset's dictionary: those that occur in the training rows, at most `max` of them as
 * themselves — the most frequent (ties: by text) — and the rest as one "(other)", as ingest folds
 * them (data/kinds/category/counts.ts: the same rule, so a dataset folded at ingest is kept as
 * it is). Missing is a category of its own when a training row has it.
 */
export function keptCategories(name: string, codes: Float64Array, rows: number, levels: readonly string[], max = DEFAULT_MAX_CATEGORIES): KeptCategories {
  for (let i = 0; i < rows; i++) {
    const c = codes[i];
    if (c === c && !(c >= 0 && c < levels.length && Number.isInteger(c))) throw new DataError(`feature "${name}": category code ${c} is not in the dataset's dictionary (${levels.length} categories)`);
  }
  const { counts, missing } = categoryCounts(codes, rows, levels);
  const { kept, folded } = keepMostFrequent(levels, counts, max);
  const texts = folded ? [...kept, OTHER_CATEGORY].sort(byText) : kept;
  const categories: (string | null)[] = [...texts];
  if (missing > 0) categories.push(null);
  const position = new Map<string, number>(texts.map((t, i) => [t, i]));
  const other = position.get(OTHER_CATEGORY) ?? -1;
  const ofCode = Int32Array.from(levels, (t) => position.get(t) ?? other);
  const missingAt = categories.length - 1;
  const index = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = codes[i];
    index[i] = c !== c ? missingAt : ofCode[c];
  }
  return { categories, index };
}

/**
 * How a category term scores the codes of a dataset with dictionary `levels`: the coefficient of
 * each code's text (a text the model does not know: "(other)"'s when the model has one, else
 * nothing — all its indicators zero) and of a missing cell (nothing when training had none).
 */
export function categoryLookup(term: CategoryTerm, levels: readonly string[] | null | undefined): { byCode: Float64Array; missing: number } {
  if (!levels) throw new DataError(`feature "${term.name}" is a category in this model, but the data read it as numbers (check feature_types)`);
  const coefOf = new Map<string, number>();
  let missing = 0;
  term.categories.forEach((c, k) => {
    if (c === null) missing = term.coefs[k];
    else coefOf.set(c, term.coefs[k]);
  });
  const other = coefOf.get(OTHER_CATEGORY) ?? 0;
  return { byCode: Float64Array.from(levels, (t) => coefOf.get(t) ?? other), missing };
}
