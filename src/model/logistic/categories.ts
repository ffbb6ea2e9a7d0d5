import { byText, keptCategories as keepMostFrequent } from '../../data/kinds/category/counts.js';
import { DataError } from '../../util/errors.js';
import { OTHER_CATEGORY, type CategoryTerm } from './params.js';

/** Categories kept as themselves per feature when no limit is given (config `max_categories`'s default). */
export const DEFAULT_MAX_CATEGORIES = 50;

export interface KeptCategories {
  /** The model's categories: texts in ascending UTF-16 order, then null (missing) if training had it. */
  categories: (string | null)[];
  /** Each training row's category: an index into `categories`, plus the `offset` asked for. */
  index: Int32Array;
  /** How many training rows each category has. */
  counts: Float64Array;
}

/**
 * The categories a model keeps for one feature, from the training rows' codes (NaN = missing) and
 * the dataset's dictionary: those that occur in the training rows, at most `max` of them as
 * themselves — the most frequent (ties: by text) — and the rest as one "(other)", as ingest folds
 * them (data/kinds/category/counts.ts: the same rule, so a dataset folded at ingest is kept as
 * it is). Missing is a category of its own when a training row has it. `offset` is added to every
 * row's index (a one-hot fit puts all category features' levels side by side).
 * Two passes over the rows (count, then index), each a small function of its own: on 784,000
 * rows, loops met once in a longer function ran mostly unoptimised (the optimised code of one
 * loop thrown away on reaching the next).
 */
export function keptCategories(name: string, codes: Float64Array, rows: number, levels: readonly string[], max = DEFAULT_MAX_CATEGORIES, offset = 0, shared = false): KeptCategories {
  const t = keptCategoryTable(name, codes, rows, levels, max, offset);
  // `shared`: the index in shared memory, for a fit whose passes another thread shares (it would
  // otherwise be copied there, pass-threads.ts).
  const index = shared ? new Int32Array(new SharedArrayBuffer(4 * rows)) : new Int32Array(rows);
  return { categories: t.categories, index: indexRows(codes, rows, t.ofCode, t.missingAt, index), counts: t.counts };
}

/**
 * keptCategories without the per-row index: `ofCode[c]` is code c's index (plus offset), `missingAt`
 * a missing cell's — for a caller that maps the rows itself.
 */
export function keptCategoryTable(name: string, codes: Float64Array, rows: number, levels: readonly string[], max = DEFAULT_MAX_CATEGORIES, offset = 0): { categories: (string | null)[]; ofCode: Int32Array; missingAt: number; counts: Float64Array } {
  const counts = new Float64Array(levels.length);
  const counted = countCodes(codes, rows, counts);
  if (counted.bad === counted.bad) throw new DataError(`feature "${name}": category code ${counted.bad} is not in the dataset's dictionary (${levels.length} categories)`);
  const missing = counted.missing;
  const { kept, folded } = keepMostFrequent(levels, counts, max);
  const texts = folded ? [...kept, OTHER_CATEGORY].sort(byText) : kept;
  const categories: (string | null)[] = [...texts];
  if (missing > 0) categories.push(null);
  const position = new Map<string, number>(texts.map((t, i) => [t, i]));
  const other = position.get(OTHER_CATEGORY) ?? -1;
  // A code no training row has never reaches the index (nor the counts).
  const ofCode = Int32Array.from(levels, (t) => (position.get(t) ?? other) + offset);
  const missingAt = categories.length - 1;
  const perCategory = new Float64Array(categories.length);
  for (let c = 0; c < levels.length; c++) if (counts[c] > 0) perCategory[ofCode[c] - offset] += counts[c];
  if (missing > 0) perCategory[missingAt] = missing;
  return { categories, ofCode, missingAt: missingAt + offset, counts: perCategory };
}

/** Counts of each code in codes[0..rows) into `counts` and the missing cells; `bad`: the first code outside the dictionary (NaN if none). */
function countCodes(codes: Float64Array, rows: number, counts: Float64Array): { missing: number; bad: number } {
  const size = counts.length;
  let missing = 0;
  for (let i = 0; i < rows; i++) {
    const c = codes[i];
    if (c !== c) missing++;
    else if (c >= 0 && c < size && (c | 0) === c) counts[c]++;
    else return { missing, bad: c };
  }
  return { missing, bad: Number.NaN };
}

/** Each row's index into `index`: `ofCode` of its code, `missingAt` for a missing cell. */
function indexRows(codes: Float64Array, rows: number, ofCode: Int32Array, missingAt: number, index: Int32Array): Int32Array {
  for (let i = 0; i < rows; i++) {
    const c = codes[i];
    index[i] = c !== c ? missingAt : ofCode[c];
  }
  return index;
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
