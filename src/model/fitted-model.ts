import type { ModelDocument, ModelFeature } from '../contracts/model-document.js';
import { LogisticModel } from './logistic/model.js';
import { GbdtFittedModel } from './gbdt/model.js';

export type SqlDialect = 'postgres' | 'sqlite';

export interface SqlExport {
  version: string;
  dialect: SqlDialect;
  table: string;
  view: string;
  /** The probability as one SQL expression over the table's columns (embed it in any SELECT). */
  expression: string;
  /** A view: id, probability, prediction for every row of the table. */
  sql: string;
}

/**
 * Feature columns as a model reads them — a Dataset is one. `x`: one column per feature in the
 * model's `features` order, `rows` long; a numeric cell is its value, a category cell its code in
 * the column's dictionary `levels[j]` (code → text), NaN when missing. `levels` is needed only
 * for category features (null for numeric ones).
 */
export interface FeatureColumns {
  readonly x: readonly Float64Array[];
  readonly rows: number;
  readonly levels?: readonly (readonly string[] | null)[];
}

export interface SqlOptions {
  dialect: SqlDialect;
  /** Table (or view) holding the id and feature columns, optionally schema.table. */
  table: string;
  /** The view created (default riskwatch_scores). */
  view?: string;
}

/**
 * A fitted model as everything outside src/model sees it: what it reads, where it decides, how it
 * predicts, and how it writes itself out. Monitoring, reports, the server and the SQL export go
 * through this alone, so a model family's parameters (a logistic regression's coefficients,
 * intercept and medians) stay inside its folder and a second family plugs in at loadModel.
 */
export interface FittedModel {
  readonly family: 'logistic' | 'gbdt';
  readonly version: string;
  /** Feature columns, in the order predictProba takes them. */
  readonly features: readonly string[];
  /** The same with their types; a category's `categories` are the ones the model knows (model-document.ts). */
  readonly featureSpecs: readonly ModelFeature[];
  /** Predicted to leave when the probability is above this. */
  readonly threshold: number;
  /**
   * P(leave) per row of `data` (FeatureColumns; missing = NaN, which the model imputes or, for a
   * category, scores as the missing category). A category text the model never saw adds nothing
   * (or counts as "(other)" when the model folded categories). `out` (at least `rows` long) is
   * filled and returned when given: callers predicting repeatedly reuse it, a fresh array costs page
   * faults.
   */
  predictProba(data: FeatureColumns, out?: Float64Array): Float64Array;
  /** The model document (the public format, model-document.ts) this model was loaded from. */
  toDocument(): ModelDocument;
  /** The model as SQL, so a warehouse computes its rows' risk where they live (same arithmetic as predictProba). */
  toSql(opts: SqlOptions): SqlExport;
}

/** The one way from a model document to a model that predicts. */
export function loadModel(doc: ModelDocument): FittedModel {
  if ('family' in doc && doc.family === 'gbdt') return new GbdtFittedModel(doc);
  return new LogisticModel(doc);
}
