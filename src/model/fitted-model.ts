import type { ModelDocument } from '../contracts/model-document.js';
import { LogisticModel } from './logistic/model.js';

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
  readonly family: 'logistic';
  readonly version: string;
  /** Feature columns, in the order predictProba takes them. */
  readonly features: readonly string[];
  /** Predicted to leave when the probability is above this. */
  readonly threshold: number;
  /**
   * P(leave) per row of `x` (one column per feature, in `features` order; missing = NaN, which the
   * model imputes). `out` (at least `rows` long) is filled and returned when given: callers
   * predicting repeatedly reuse it, a fresh array costs page faults.
   */
  predictProba(x: readonly Float64Array[], rows: number, out?: Float64Array): Float64Array;
  /** The model document (the public format, model-document.ts) this model was loaded from. */
  toDocument(): ModelDocument;
  /** The model as SQL, so a warehouse computes its rows' risk where they live (same arithmetic as predictProba). */
  toSql(opts: SqlOptions): SqlExport;
}

/** The one way from a model document to a model that predicts. */
export function loadModel(doc: ModelDocument): FittedModel {
  return new LogisticModel(doc);
}
