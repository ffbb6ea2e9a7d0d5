import * as z from 'zod/mini';
import '../util/zod-locale.js';

/**
 * A model version as stored on disk: plain JSON any language can read and apply. Immutable once
 * written. Two formats load (docs/model.md, "The model document"):
 *
 * - `riskwatch.model/1` — numeric features only: probability = 1 / (1 + exp(−(intercept +
 *   Σ coefficients[f] · value_f))), where a missing value_f is replaced by medians[f]. Still what
 *   a logistic model of numeric features fitted without `model.standardize` is written as.
 * - `riskwatch.model/2` — `features` as `[{name, type, categories?}]`, a `family` and that
 *   family's part (`logistic: {...}`; a second family adds its own part beside it). Written when
 *   /1 cannot say the model: category features, or standardized numeric features.
 */
export const MODEL_FORMAT = 'riskwatch.model/1';
export const MODEL_FORMAT_2 = 'riskwatch.model/2';

const training = z.object({
  rows: z.number(),
  positives: z.number(),
  iterations: z.number(),
  gradNorm: z.number(),
  objective: z.number(),
  converged: z.boolean(),
  ms: z.number(),
  /** sha256 of the mask of rows held out of training (the pipeline's newest-rows holdout); absent: none. */
  holdout: z.optional(z.string()),
});

export const modelDocumentSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.string(),
  createdAt: z.string(),
  datasetHash: z.string(),
  features: z.array(z.string()).check(z.minLength(1)),
  target: z.string(),
  idColumn: z.string(),
  coefficients: z.record(z.string(), z.number()),
  intercept: z.number(),
  medians: z.record(z.string(), z.number()),
  hyperParameters: z.object({
    penalty: z.literal('l2'),
    C: z.number(),
    fitIntercept: z.literal(true),
    maxIter: z.number(),
    tol: z.number(),
    threshold: z.number(),
  }),
  training,
});

/** How a feature's cells are read: counts and numbers are numeric, a category is text. */
export const FEATURE_TYPES = ['count', 'number', 'category'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

/**
 * A feature of a /2 document. `categories` (category features only): the categories the model
 * knows, in the order of the family's per-category parameters — the texts seen in training
 * (`"(other)"` standing for those folded beyond `max_categories`) in ascending order of their
 * UTF-16 code units, then `null`, the missing category, when training had missing cells.
 */
const modelFeature = z.object({
  name: z.string(),
  type: z.enum(FEATURE_TYPES),
  categories: z.optional(z.array(z.nullable(z.string()))),
});
export type ModelFeature = z.output<typeof modelFeature>;

/**
 * The logistic family's part of a /2 document. log-odds = intercept + Σ over numeric features
 * coefficients[f] · u_f + Σ over category features coefficients[f][k] for the row's category k
 * (nothing for a category the model does not know, unless it has "(other)": then its
 * coefficient). u_f is the value (missing → medians[f]), standardized as (value − means[f]) /
 * scales[f] when `standardization` is present.
 */
const logisticPart = z.object({
  intercept: z.number(),
  coefficients: z.record(z.string(), z.union([z.number(), z.array(z.number())])),
  medians: z.record(z.string(), z.number()),
  standardization: z.optional(z.object({ means: z.record(z.string(), z.number()), scales: z.record(z.string(), z.number()) })),
  /**
   * The training rows a prediction's contributions are measured against (issue 17; docs/model.md,
   * "Contributions"): per numeric feature its training mean after imputation (on the value's own
   * scale, before standardization), per category feature the share of training rows in each of its
   * `categories` (same order; "(other)" and the missing category included). Absent in documents
   * written before contributions: they are then taken from the version's drift reference.
   */
  background: z.optional(z.object({ means: z.record(z.string(), z.number()), shares: z.record(z.string(), z.array(z.number())) })),
});
export type LogisticBackground = NonNullable<z.output<typeof logisticPart>['background']>;

/**
 * How a /2 model was chosen when `model.family` is "auto" (issue 16): both families were fitted on
 * the training rows less a stratified, seeded validation share and compared by validation log
 * loss; the winner was refitted on all training rows. Absent when the family was configured.
 */
const selection = z.object({
  method: z.literal('validation_log_loss'),
  validationShare: z.number(),
  validationRows: z.number(),
  seed: z.number(),
  winner: z.enum(['logistic', 'gbdt']),
  candidates: z.array(
    z.object({
      family: z.enum(['logistic', 'gbdt']),
      logLoss: z.number(),
      rocAuc: z.number(),
      ms: z.number(),
      /** The candidate's settings, as its family's document records them (hyperParameters): a later training with other settings is not the same training. */
      hyperParameters: z.optional(z.record(z.string(), z.union([z.number(), z.boolean(), z.string()]))),
    }),
  ),
});
export type ModelSelection = z.output<typeof selection>;

const document2Common = {
  format: z.literal(MODEL_FORMAT_2),
  version: z.string(),
  createdAt: z.string(),
  datasetHash: z.string(),
  features: z.array(modelFeature).check(z.minLength(1)),
  target: z.string(),
  idColumn: z.string(),
  /** Predicted to leave when the probability is above this (any family). */
  threshold: z.number(),
  selection: z.optional(selection),
};

const logisticDocument2Schema = z.object({
  ...document2Common,
  family: z.literal('logistic'),
  logistic: logisticPart,
  hyperParameters: z.object({
    penalty: z.literal('l2'),
    C: z.number(),
    fitIntercept: z.literal(true),
    maxIter: z.number(),
    tol: z.number(),
    standardize: z.boolean(),
  }),
  training,
});

/**
 * One tree of the gbdt part, as parallel arrays over its nodes (node 0 is the root). At a split
 * node (`feature[i]` ≥ 0, an index into the document's `features`): a row whose value is missing —
 * or, for a category feature, whose category is not among that feature's `categories` (never seen
 * in training; when those list "(other)", categories folded beyond max_categories, such a text is
 * read as "(other)" instead, as the logistic part reads it) — goes left when `missingLeft[i]`, else right; otherwise a numeric value goes left
 * when value ≤ `threshold[i]`, a category goes left when it is in `categories[i]` (texts, as in the
 * feature's `categories`; null at numeric nodes). At a leaf (`feature[i]` = −1, `left`/`right` −1)
 * `value[i]` is its addition to the log-odds (learning rate included). `cover[i]`: training rows
 * that reached node i (TreeSHAP weighs the paths with it).
 */
const gbdtTree = z.object({
  feature: z.array(z.number()),
  threshold: z.array(z.number()),
  categories: z.array(z.nullable(z.array(z.string()))),
  missingLeft: z.array(z.boolean()),
  left: z.array(z.number()),
  right: z.array(z.number()),
  value: z.array(z.number()),
  cover: z.array(z.number()),
});
export type GbdtDocumentTree = z.output<typeof gbdtTree>;

/**
 * The gradient-boosted trees family's part of a /2 document: log-odds = baseScore + Σ over trees of
 * the value of the leaf the row reaches; probability = 1 / (1 + e^−log-odds). `importance`, per
 * feature name: the loss reduction its splits brought (total gain) and how many splits use it.
 */
const gbdtPart = z.object({
  baseScore: z.number(),
  trees: z.array(gbdtTree),
  importance: z.object({ gain: z.record(z.string(), z.number()), splits: z.record(z.string(), z.number()) }),
});

const gbdtDocument2Schema = z.object({
  ...document2Common,
  family: z.literal('gbdt'),
  gbdt: gbdtPart,
  hyperParameters: z.object({
    learningRate: z.number(),
    maxLeaves: z.number(),
    minSamplesLeaf: z.number(),
    l2: z.number(),
    maxBins: z.number(),
    maxIter: z.number(),
    earlyStopping: z.union([z.boolean(), z.literal('auto')]),
  }),
  training: z.object({
    rows: z.number(),
    positives: z.number(),
    /** Trees kept (early stopping may stop before maxIter). */
    iterations: z.number(),
    /** Validation log loss after 0, 1, … iterations when early stopping was on. */
    validationLoss: z.optional(z.array(z.number())),
    ms: z.number(),
    holdout: z.optional(z.string()),
  }),
});

export const modelDocument2Schema = z.discriminatedUnion('family', [logisticDocument2Schema, gbdtDocument2Schema]);

export type ModelDocument1 = z.output<typeof modelDocumentSchema>;
export type ModelDocument2 = z.output<typeof modelDocument2Schema>;
export type LogisticDocument2 = z.output<typeof logisticDocument2Schema>;
export type GbdtDocument2 = z.output<typeof gbdtDocument2Schema>;
export type ModelDocument = ModelDocument1 | ModelDocument2;

/** The schema a document claiming `format` is checked against (/1 when it claims neither). */
export function schemaFor(format: unknown): typeof modelDocumentSchema | typeof modelDocument2Schema {
  return format === MODEL_FORMAT_2 ? modelDocument2Schema : modelDocumentSchema;
}

/** The feature columns a document reads, in its order (either format). */
export function modelFeatureNames(doc: ModelDocument): string[] {
  return doc.format === MODEL_FORMAT_2 ? doc.features.map((f) => f.name) : doc.features;
}

/**
 * The features with their types. A /1 document records no types: its features are numeric
 * (`"number"`; whether a column holds counts is the config's `feature_types`).
 */
export function modelFeatures(doc: ModelDocument): ModelFeature[] {
  return doc.format === MODEL_FORMAT_2 ? doc.features : doc.features.map((name) => ({ name, type: 'number' as const }));
}

/**
 * A document as its file holds it: JSON indented by 2. A gbdt document's arrays of plain values
 * (the trees' parallel arrays, category lists, the validation losses) are written on one line
 * each — one line per node value would make 100 trees of 31 leaves a 0.9 MB file of mostly
 * indentation; on one line they take a third of that. Any JSON reader reads both alike; a
 * logistic document is written exactly as before.
 */
export function modelDocumentText(doc: ModelDocument): string {
  const text = JSON.stringify(doc, null, 2);
  if (!(doc.format === MODEL_FORMAT_2 && doc.family === 'gbdt')) return text + '\n';
  // An array whose items hold no [ ] { } (JSON escapes line breaks inside strings, so every item is one line).
  return text.replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (_, items: string) => `[${items.split(/,\n\s+/).join(', ')}]`) + '\n';
}
