import type { ModelDocument, ModelFeature } from '../contracts/model-document.js';
import { LogisticModel } from './logistic/model.js';
import { GbdtFittedModel } from './gbdt/model.js';
import type { ModelReference } from '../stats/reference.js';

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
   * The family's own per-feature importance, when it has one: for trees the loss reduction its
   * splits brought (total gain) and how many splits use each feature; null for logistic regression.
   */
  readonly splitImportance: { readonly gain: Readonly<Record<string, number>>; readonly splits: Readonly<Record<string, number>> } | null;
  /**
   * P(leave) per row of `data` (FeatureColumns; missing = NaN, which the model imputes or, for a
   * category, scores as the missing category). A category text the model never saw adds nothing
   * (or counts as "(other)" when the model folded categories). `out` (at least `rows` long) is
   * filled and returned when given: callers predicting repeatedly reuse it, a fresh array costs page
   * faults.
   */
  predictProba(data: FeatureColumns, out?: Float64Array): Float64Array;
  /**
   * Why each row got its risk (issue 17; docs/model.md, "Contributions"): each feature's
   * contribution to the row's log-odds, exact — base + Σ_j values[j][i] = logit(p_i). The logistic
   * family measures against the training rows with independent features (SHAP's linear explainer),
   * the gbdt family by path-dependent TreeSHAP over the trees' covers. Throws a DataError when the
   * model cannot say (a logistic document without a background, loaded without its reference).
   * `out`: per feature a column at least `rows` long, filled and returned when given.
   */
  contributions(data: FeatureColumns, out?: Float64Array[]): Contributions;
  /**
   * The same contributions, bit for bit, computed off the calling thread where they are costly (the
   * gbdt family: TreeSHAP on worker threads, the rows split across the cores), so a server explains
   * thousands of clients without blocking its event loop; the logistic family computes them here
   * (under 1 ms for 10,000 rows). Rejects as contributions throws. `onPart`, when given, is told
   * of each part of the rows as soon as its contributions are final (ContributionsPart; in any
   * order, once per row, all of them before the promise resolves), so a caller can work on the
   * first rows while later ones are still being explained.
   */
  contributionsOffThread(data: FeatureColumns, onPart?: (part: ContributionsPart) => void): Promise<Contributions>;
  /** Start ahead what contributionsOffThread needs (the gbdt family's threads and their tables), while the rows are still being read. */
  prepareContributions(): void;
  /** The model document (the public format, model-document.ts) this model was loaded from. */
  toDocument(): ModelDocument;
  /** The model as SQL, so a warehouse computes its rows' risk where they live (same arithmetic as predictProba). */
  toSql(opts: SqlOptions): SqlExport;
}

/**
 * Each feature's share of each row's log-odds. Columns (one per feature, model order) as
 * FeatureColumns are: what is computed per feature over many rows stays a typed-array loop, and a
 * caller wanting one row's reasons reads values[j][i] across j.
 */
export interface Contributions {
  /** The expected log-odds over the training rows: where every row starts before its features. */
  base: number;
  /** Per feature (in `features` order), per row: its contribution to the log-odds. */
  values: Float64Array[];
}

/**
 * Rows [from, to) of a computation under way whose contributions are final: `values` are the
 * result's own columns (the rest of their rows not yet), `base` the result's base.
 */
export interface ContributionsPart {
  from: number;
  to: number;
  base: number;
  values: readonly Float64Array[];
}

export interface LoadOptions {
  /**
   * The version's drift reference (reference.json): where a logistic model whose document records
   * no background (every /1 document, /2 ones written before contributions) takes it from.
   */
  reference?: ModelReference;
}

/** The one way from a model document to a model that predicts. */
export function loadModel(doc: ModelDocument, opts: LoadOptions = {}): FittedModel {
  if ('family' in doc && doc.family === 'gbdt') return new GbdtFittedModel(doc);
  return new LogisticModel(doc, opts.reference);
}
