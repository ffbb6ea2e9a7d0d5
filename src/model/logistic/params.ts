import { DataError } from '../../util/errors.js';
import { MODEL_FORMAT_2, modelFeatures, type ModelDocument, type ModelFeature } from '../../contracts/model-document.js';

/** The text that stands for the categories folded beyond `max_categories` (the dataset's level of that name). */
export { OTHER as OTHER_CATEGORY } from '../../data/kinds/category/counts.js';

/** A numeric feature's part of the linear predictor: coef · ((value, missing → median) − mean) / scale. */
export interface NumericTerm {
  kind: 'numeric';
  name: string;
  coef: number;
  median: number;
  /** 0 and 1 when the model is not standardized. */
  mean: number;
  scale: number;
}

/** A category feature's part: coefs[k] for the row's category k (categories[k]; null = missing). */
export interface CategoryTerm {
  kind: 'category';
  name: string;
  categories: readonly (string | null)[];
  coefs: readonly number[];
}

export type Term = NumericTerm | CategoryTerm;

/**
 * A logistic model's parameters in feature order, the same for both document formats: what the
 * scorer and the SQL export apply. `standardized` says whether the numeric terms have means and
 * scales (a /1 document and an unstandardized /2 one have none).
 */
export interface LogisticParams {
  intercept: number;
  threshold: number;
  standardized: boolean;
  terms: Term[];
}

export function paramsOf(doc: ModelDocument): LogisticParams {
  if (doc.format !== MODEL_FORMAT_2) {
    return {
      intercept: doc.intercept,
      threshold: doc.hyperParameters.threshold,
      standardized: false,
      terms: doc.features.map((name) => ({ kind: 'numeric', name, coef: doc.coefficients[name], median: doc.medians[name], mean: 0, scale: 1 })),
    };
  }
  if (doc.family !== 'logistic') throw new DataError(`model ${doc.version} is a ${doc.family} model, not a logistic regression`);
  const part = doc.logistic;
  const std = part.standardization;
  const where = `model ${doc.version}`;
  const terms = modelFeatures(doc).map((f: ModelFeature): Term => {
    const c = part.coefficients[f.name];
    if (f.type === 'category') {
      const categories = f.categories ?? [];
      if (!Array.isArray(c) || c.length !== categories.length) throw new DataError(`${where}: feature "${f.name}" needs one coefficient per category (${categories.length})`);
      return { kind: 'category', name: f.name, categories, coefs: c };
    }
    if (typeof c !== 'number') throw new DataError(`${where}: feature "${f.name}" needs a number as its coefficient`);
    const median = part.medians[f.name];
    if (median === undefined) throw new DataError(`${where}: feature "${f.name}" has no median`);
    const mean = std ? std.means[f.name] : 0;
    const scale = std ? std.scales[f.name] : 1;
    if (mean === undefined || scale === undefined || !(scale > 0)) throw new DataError(`${where}: feature "${f.name}" has no mean or positive scale`);
    return { kind: 'numeric', name: f.name, coef: c, median, mean, scale };
  });
  return { intercept: part.intercept, threshold: doc.threshold, standardized: std !== undefined, terms };
}

/**
 * The parameters as `train --json` reports them: one number per numeric feature and one per
 * category of a category feature, named `feature=category` (`feature=(missing)` for the missing
 * category); the medians of the numeric features.
 */
export function flatParams(params: LogisticParams): { coefficients: Record<string, number>; intercept: number; medians: Record<string, number> } {
  const coefficients: Record<string, number> = {};
  const medians: Record<string, number> = {};
  for (const t of params.terms) {
    if (t.kind === 'numeric') {
      coefficients[t.name] = t.coef;
      medians[t.name] = t.median;
    } else t.categories.forEach((c, k) => (coefficients[`${t.name}=${c ?? '(missing)'}`] = t.coefs[k]));
  }
  return { coefficients, intercept: params.intercept, medians };
}
