import * as z from 'zod/mini';
import '../util/zod-locale.js';

/**
 * A model version as stored on disk: plain JSON any language can read and apply —
 * probability = 1 / (1 + exp(−(intercept + Σ coefficients[f] · value_f))), where a missing
 * value_f is replaced by medians[f]. Immutable once written.
 */
export const MODEL_FORMAT = 'riskwatch.model/1';

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
  training: z.object({
    rows: z.number(),
    positives: z.number(),
    iterations: z.number(),
    gradNorm: z.number(),
    objective: z.number(),
    converged: z.boolean(),
    ms: z.number(),
    /** sha256 of the mask of rows held out of training (the pipeline's newest-rows holdout); absent: none. */
    holdout: z.optional(z.string()),
  }),
});

export type ModelDocument = z.output<typeof modelDocumentSchema>;
