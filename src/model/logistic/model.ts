import type { FittedModel, SqlExport, SqlOptions } from '../fitted-model.js';
import type { ModelDocument } from '../../contracts/model-document.js';
import { predictProba } from './fit.js';
import { logisticSql } from './sql.js';

/**
 * Logistic regression loaded from its document: the coefficients and medians are laid out once
 * as arrays in feature order, so predicting is the bare kernel (fit.ts predictProba).
 */
export class LogisticModel implements FittedModel {
  readonly family = 'logistic' as const;
  readonly version: string;
  readonly features: readonly string[];
  readonly threshold: number;
  private readonly coef: Float64Array;
  private readonly intercept: number;
  private readonly medians: Float64Array;

  constructor(private readonly doc: ModelDocument) {
    this.version = doc.version;
    this.features = doc.features;
    this.threshold = doc.hyperParameters.threshold;
    this.coef = Float64Array.from(doc.features.map((f) => doc.coefficients[f]));
    this.intercept = doc.intercept;
    this.medians = Float64Array.from(doc.features.map((f) => doc.medians[f]));
  }

  predictProba(x: readonly Float64Array[], rows: number, out: Float64Array = new Float64Array(rows)): Float64Array {
    return predictProba(x, rows, this.coef, this.intercept, this.medians, out);
  }

  toDocument(): ModelDocument {
    return this.doc;
  }

  toSql(opts: SqlOptions): SqlExport {
    return logisticSql(this.doc, opts);
  }
}
