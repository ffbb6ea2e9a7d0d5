import type { Contributions, ContributionsPart, FeatureColumns, FittedModel, SqlExport, SqlOptions } from '../fitted-model.js';
import { MODEL_FORMAT_2, modelFeatureNames, modelFeatures, type LogisticBackground, type ModelDocument, type ModelFeature } from '../../contracts/model-document.js';
import type { ModelReference } from '../../stats/reference.js';
import { DataError } from '../../util/errors.js';
import { referenceBackground } from './background.js';
import { logisticContributions } from './contributions.js';
import { predictProba } from './predict-proba.js';
import { paramsOf, type LogisticParams } from './params.js';
import { predictTerms } from './predict-terms.js';
import { logisticSql } from './sql.js';

/**
 * Logistic regression loaded from its document (either format): the parameters are laid out once
 * in feature order, so predicting is a bare loop. A /1 document (numeric, unstandardized) keeps the
 * original kernel (fit.ts predictProba, unrolled for three features) bit for bit; a /2 document
 * goes through predictTerms.
 */
export class LogisticModel implements FittedModel {
  readonly family = 'logistic' as const;
  readonly version: string;
  readonly features: readonly string[];
  readonly featureSpecs: readonly ModelFeature[];
  readonly threshold: number;
  readonly splitImportance = null;
  private readonly params: LogisticParams;
  private readonly numeric: { coef: Float64Array; medians: Float64Array } | null;
  private background: LogisticBackground | undefined;

  /** `reference`: the version's drift reference, the background of a document that records none. */
  constructor(
    private readonly doc: ModelDocument,
    private readonly reference?: ModelReference,
  ) {
    this.version = doc.version;
    this.features = modelFeatureNames(doc);
    this.featureSpecs = modelFeatures(doc);
    this.params = paramsOf(doc);
    this.threshold = this.params.threshold;
    const terms = this.params.terms;
    this.numeric =
      doc.format !== MODEL_FORMAT_2
        ? { coef: Float64Array.from(terms, (t) => (t.kind === 'numeric' ? t.coef : 0)), medians: Float64Array.from(terms, (t) => (t.kind === 'numeric' ? t.median : 0)) }
        : null;
  }

  predictProba(data: FeatureColumns, out: Float64Array = new Float64Array(data.rows)): Float64Array {
    if (this.numeric) return predictProba(data.x, data.rows, this.numeric.coef, this.params.intercept, this.numeric.medians, out);
    return predictTerms(this.params, data.x, data.rows, data.levels, out);
  }

  contributions(data: FeatureColumns, out?: Float64Array[]): Contributions {
    return logisticContributions(this.version, this.params, this.backgroundOf(), data.x, data.rows, data.levels, out);
  }

  /** Computed here: a pass over the rows, under 1 ms for 10,000 of them. */
  async contributionsOffThread(data: FeatureColumns, onPart?: (part: ContributionsPart) => void): Promise<Contributions> {
    const c = this.contributions(data);
    onPart?.({ from: 0, to: data.rows, base: c.base, values: c.values });
    return c;
  }

  /** Nothing to prepare: the contributions are a pass over the rows. */
  prepareContributions(): void {}

  /** The document's background, or one from the reference (worked out once). */
  private backgroundOf(): LogisticBackground {
    if (this.background) return this.background;
    const own = this.doc.format === MODEL_FORMAT_2 && this.doc.family === 'logistic' ? this.doc.logistic.background : undefined;
    if (own) return (this.background = own);
    if (!this.reference) throw new DataError(`model ${this.version} records no background for contributions (written before riskwatch wrote one) and its drift reference (reference.json) was not given to take one from`);
    return (this.background = referenceBackground(this.version, this.params, this.reference));
  }

  toDocument(): ModelDocument {
    return this.doc;
  }

  toSql(opts: SqlOptions): SqlExport {
    return logisticSql(this.doc, this.params, opts);
  }
}
