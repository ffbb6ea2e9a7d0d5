import { MODEL_FORMAT, MODEL_FORMAT_2, type ModelDocument, type ModelDocument1, type ModelFeature } from '../../contracts/model-document.js';
import type { DocumentHeader, TrainingRows } from '../training-rows.js';
import { fitLogistic, prepareScaling, type FitResult } from './fit.js';
import { prepareKernels } from './onehot-pass.js';
import type { PassHelper } from './pass-threads.js';
import { keptCategories } from './categories.js';
import { trainingBackground } from './background.js';

export interface LogisticTraining extends TrainingRows {
  /** Per feature: the training median (numeric features; ignored for categories). */
  medians: readonly number[];
  C: number;
  maxIter: number;
  tol: number;
  threshold: number;
  standardize: boolean;
  maxCategories: number;
  /** Write /2 even when /1 could say the model (a document that records a family selection). */
  format2?: boolean;
  /** A thread that may share the fit's passes over all rows (pass-threads.ts; same result). */
  helper?: PassHelper;
}

export type TrainingRecord = ModelDocument1['training'];

/**
 * Fit a logistic regression on numeric and category features and say it as a model document.
 * A model /1 can say — numeric features, not standardized — is written as /1, byte for byte as
 * before /2 existed (docs/model.md, "Which format"); anything else as /2.
 */
export function fitLogisticDocument(t: LogisticTraining): { fit: FitResult; document: (header: DocumentHeader, training: (fit: FitResult) => TrainingRecord) => ModelDocument } {
  const numeric: number[] = [];
  const category: number[] = [];
  t.features.forEach((_, j) => (t.types[j] === 'category' ? category : numeric).push(j));
  // The pass kernels and the column sums first: compiled by V8 while the categories are kept and
  // the columns scaled.
  prepareScaling();
  prepareKernels(numeric.length, category.length, t.helper !== undefined);
  // One-hot levels of all category features side by side: feature q's level k is offset[q] + k.
  let levels = 0;
  const kept = category.map((j) => {
    const dictionary = t.levels[j];
    if (!dictionary) throw new Error(`feature "${t.features[j]}" is a category but the dataset has no dictionary for it`);
    const k = keptCategories(t.features[j], t.x[j], t.rows, dictionary, t.maxCategories, levels, t.helper !== undefined);
    levels += k.categories.length;
    return k;
  });
  const index = kept.map((k) => k.index);
  const fit = fitLogistic(
    numeric.map((j) => t.x[j] as Float64Array),
    t.y,
    { C: t.C, maxIter: t.maxIter, tol: t.tol, impute: numeric.map((j) => t.medians[j]), ...(t.standardize ? { standardize: true } : {}), ...(levels > 0 ? { onehot: { index, levels } } : {}), ...(t.helper ? { helper: t.helper } : {}) },
  );
  const v1 = category.length === 0 && !t.standardize && !t.format2;
  const document = (h: DocumentHeader, training: (fit: FitResult) => TrainingRecord): ModelDocument => {
    const names = numeric.map((j) => t.features[j]);
    const rec = (vals: ArrayLike<number>) => Object.fromEntries(names.map((f, i) => [f, vals[i]]));
    if (v1) {
      return {
        format: MODEL_FORMAT,
        version: h.version,
        createdAt: h.createdAt,
        datasetHash: h.datasetHash,
        features: [...t.features],
        target: h.target,
        idColumn: h.idColumn,
        coefficients: rec(fit.coef),
        intercept: fit.intercept,
        medians: rec(numeric.map((j) => t.medians[j])),
        hyperParameters: { penalty: 'l2', C: t.C, fitIntercept: true, maxIter: t.maxIter, tol: t.tol, threshold: t.threshold },
        training: training(fit),
      };
    }
    const coefficients: Record<string, number | number[]> = rec(fit.coef);
    let offset = 0;
    category.forEach((j, q) => {
      const n = kept[q].categories.length;
      coefficients[t.features[j]] = Array.from(fit.levelCoef.subarray(offset, offset + n));
      offset += n;
    });
    const features: ModelFeature[] = t.features.map((name, j) => {
      const q = category.indexOf(j);
      return q < 0 ? { name, type: t.types[j] } : { name, type: 'category', categories: kept[q].categories };
    });
    return {
      format: MODEL_FORMAT_2,
      family: 'logistic',
      version: h.version,
      createdAt: h.createdAt,
      datasetHash: h.datasetHash,
      features,
      target: h.target,
      idColumn: h.idColumn,
      threshold: t.threshold,
      logistic: {
        intercept: fit.intercept,
        coefficients,
        medians: rec(numeric.map((j) => t.medians[j])),
        ...(t.standardize ? { standardization: { means: rec(fit.mean), scales: rec(fit.scale) } } : {}),
        // What contributions are measured against (the /1 format stays as it was: its documents take it from the reference).
        background: trainingBackground(
          numeric.map((j, i) => ({ name: t.features[j], col: t.x[j], median: t.medians[j], ...(t.y.length === t.rows ? { mean: fit.imputedMean[i] } : {}) })),
          category.map((j, q) => ({ name: t.features[j], counts: kept[q].counts })),
          t.rows,
        ),
      },
      hyperParameters: { penalty: 'l2', C: t.C, fitIntercept: true, maxIter: t.maxIter, tol: t.tol, standardize: t.standardize },
      training: training(fit),
    };
  };
  return { fit, document };
}
