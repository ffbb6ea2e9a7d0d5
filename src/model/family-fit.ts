import type { Config } from '../config/load.js';
import type { ModelDocument, ModelSelection } from '../contracts/model-document.js';
import { medianSorted } from '../stats/sorted.js';
import { DataError } from '../util/errors.js';
import { fitGbdtDocument } from './gbdt/document.js';
import type { GbdtParams } from './gbdt/index.js';
import { fitLogisticDocument } from './logistic/fit-document.js';
import type { PassHelper } from './logistic/pass-threads.js';
import type { DocumentHeader, TrainingRows } from './training-rows.js';

export type Family = 'logistic' | 'gbdt';

/** The rows and settings any family fits on (train.ts reads them from the dataset and config). */
export interface FamilyInputs extends TrainingRows {
  /** Training medians of numeric features (NaN for categories); computed from `x` when absent. */
  medians?: readonly number[];
  model: Config['model'];
  maxCategories: number;
  /** A thread that may share a logistic fit's passes over all rows (logistic/pass-threads.ts; same result). */
  passHelper?: PassHelper;
}

/** What a document's `training` record says beyond the fit itself. */
export interface TrainingFacts {
  rows: number;
  positives: number;
  ms: number;
  holdout?: string;
}

/** A fitted family, not yet a version: its document is written once the version is known. */
export interface FamilyFit {
  family: Family;
  /** Newton iterations (logistic) or trees kept (gbdt). */
  iterations: number;
  /** Logistic only: the solver's state, for its log line and `train --json`. */
  newton: { gradNorm: number; converged: boolean } | null;
  /** Trees only: each row's log-odds as the fit summed them, NaN where the document may differ (GbdtModel.fittedScores). */
  fittedScores?: Float64Array;
  document(header: DocumentHeader, facts: TrainingFacts, selection?: ModelSelection): ModelDocument;
}

/** The kernel's settings from config `model.gbdt`. */
export function gbdtParams(model: Config['model']): Partial<GbdtParams> {
  const g = model.gbdt;
  return { learningRate: g.learning_rate, maxLeaves: g.max_leaves, minSamplesLeaf: g.min_samples_leaf, l2: g.l2, maxBins: g.max_bins, maxIter: g.max_iter, earlyStopping: g.early_stopping };
}

/** A family's hyperParameters as its document records them (what a later training is compared by). */
export function familyHyperParameters(family: Family, model: Config['model']): Record<string, number | boolean | string> {
  if (family === 'logistic') return { penalty: 'l2', C: model.C, fitIntercept: true, maxIter: model.max_iter, tol: model.tol, standardize: model.standardize };
  const p = gbdtParams(model);
  return { learningRate: p.learningRate!, maxLeaves: p.maxLeaves!, minSamplesLeaf: p.minSamplesLeaf!, l2: p.l2!, maxBins: p.maxBins!, maxIter: p.maxIter!, earlyStopping: p.earlyStopping! };
}

/** numpy.median of a column's non-missing values (NaN when it has none). */
export function columnMedian(col: Float64Array, rows: number): number {
  const v = new Float64Array(rows);
  let m = 0;
  for (let i = 0; i < rows; i++) if (col[i] === col[i]) v[m++] = col[i];
  return medianSorted(v.subarray(0, m).sort());
}

/**
 * Fit one family. `format2`: a logistic model is written as /2 even when /1 could say it (a
 * document carrying a selection must be /2).
 */
export function fitFamily(family: Family, t: FamilyInputs, opts: { format2?: boolean } = {}): FamilyFit {
  const m = t.model;
  if (family === 'gbdt') {
    const min = 2 * m.gbdt.min_samples_leaf;
    if (t.rows < min) throw new DataError(`${t.rows} training rows: gradient-boosted trees need at least 2 · model.gbdt.min_samples_leaf = ${min} to split once; lower model.gbdt.min_samples_leaf or use model.family "logistic"`);
    const { model, document } = fitGbdtDocument({ features: t.features, types: t.types, rows: t.rows, x: t.x, y: t.y, levels: t.levels, threshold: m.threshold, maxCategories: t.maxCategories, params: gbdtParams(m) });
    return {
      family,
      iterations: model.trees.length,
      newton: null,
      fittedScores: model.fittedScores,
      document: (h, f, selection) => {
        const training = { rows: f.rows, positives: f.positives, iterations: model.trees.length, ...(model.validationLoss ? { validationLoss: model.validationLoss } : {}), ms: f.ms, ...(f.holdout ? { holdout: f.holdout } : {}) };
        return { ...document(h, training), ...(selection ? { selection } : {}) };
      },
    };
  }
  const medians = t.medians ?? t.x.map((col, j) => (t.types[j] === 'category' ? Number.NaN : columnMedian(col as Float64Array, t.rows)));
  const { fit, document } = fitLogisticDocument({
    features: t.features,
    types: t.types,
    rows: t.rows,
    x: t.x,
    y: t.y,
    levels: t.levels,
    medians,
    C: m.C,
    maxIter: m.max_iter,
    tol: m.tol,
    threshold: m.threshold,
    standardize: m.standardize,
    maxCategories: t.maxCategories,
    ...(opts.format2 ? { format2: true } : {}),
    ...(t.passHelper ? { helper: t.passHelper } : {}),
  });
  return {
    family,
    iterations: fit.iterations,
    newton: { gradNorm: fit.gradNorm, converged: fit.converged },
    document: (h, f, selection) => {
      const doc = document(h, (r) => ({ rows: f.rows, positives: f.positives, iterations: r.iterations, gradNorm: r.gradNorm, objective: r.objective, converged: r.converged, ms: f.ms, ...(f.holdout ? { holdout: f.holdout } : {}) }));
      if (!selection) return doc;
      if (doc.format !== 'riskwatch.model/2') throw new Error('a selection needs a /2 document');
      return { ...doc, selection };
    },
  };
}
