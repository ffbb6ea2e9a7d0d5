import type { FeatureType } from '../contracts/model-document.js';

/**
 * The labelled rows every model family fits on, as train.ts reads them from the dataset: the
 * features in model order with their kinds, one column per feature (category codes with their
 * dictionaries; NaN = missing) and the labels. Each family's inputs add its own settings.
 */
export interface TrainingRows {
  features: readonly string[];
  /** Per feature its type ('count' and 'number' are both numeric to a model). */
  types: readonly FeatureType[];
  rows: number;
  x: readonly Float64Array[];
  y: Uint8Array;
  /** Per feature: a category's dictionary (code → text), null for a numeric feature. */
  levels: readonly (readonly string[] | null)[];
}

/** What a model document says beyond the model: who made it from what (every family's). */
export interface DocumentHeader {
  version: string;
  createdAt: string;
  datasetHash: string;
  target: string;
  idColumn: string;
}
