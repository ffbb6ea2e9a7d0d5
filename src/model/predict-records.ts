import type { FeatureColumns, FittedModel } from './fitted-model.js';

/** Records to predict: ids and feature columns (the model's features, in its order), as parsed from a request or read from a file. */
export interface RecordsInput extends FeatureColumns {
  readonly ids: readonly string[];
}

export interface RecordPrediction {
  id: string;
  probability: number;
  prediction: 0 | 1;
}

/**
 * Each record's risk of leaving and predicted class (above the model's threshold: 1) by one model
 * version — what POST /prediction, GET /prediction and /invocations answer. `positive` counts the
 * class-1 predictions (the server's metrics).
 */
export function predictRecords(model: Pick<FittedModel, 'version' | 'threshold' | 'predictProba'>, input: RecordsInput): { version: string; predictions: RecordPrediction[]; positive: number } {
  const prob = model.predictProba(input);
  const predictions = new Array<RecordPrediction>(input.rows);
  let positive = 0;
  for (let i = 0; i < input.rows; i++) {
    const prediction = prob[i] > model.threshold ? 1 : 0;
    positive += prediction;
    predictions[i] = { id: input.ids[i], probability: prob[i], prediction };
  }
  return { version: model.version, predictions, positive };
}
