import { ReasonWriter, type Config } from '../index.js';
import { HttpError } from './http-errors.js';
import type { LoadedModel } from './model-holder.js';

// One writer per loaded model (its features, its stayers, the config's labels): made on first use.
const writers = new WeakMap<LoadedModel, ReasonWriter>();

/** The reason writer for `model` (reason texts use config feature_labels and the version's stayers). */
export function reasonWriter(model: LoadedModel, config: Config): ReasonWriter {
  let w = writers.get(model);
  if (!w) {
    w = new ReasonWriter(model.fitted.featureSpecs, { labels: config.featureLabels, ...(model.stayers && { stayers: model.stayers }) });
    writers.set(model, w);
  }
  return w;
}

/**
 * ?explain=N checked against the model: at most its feature count (400 naming explain otherwise).
 * A bare ?explain (`true`) is the default N, config risk.reasons, cut to the feature count as the
 * dashboard's client panel cuts it (a default is not the client's mistake).
 */
export function explainCount(n: number | true | undefined, model: LoadedModel, reasons: number): number | undefined {
  if (n === undefined) return undefined;
  const max = model.fitted.features.length;
  if (n === true) return Math.min(reasons, max);
  if (n > max) throw new HttpError(400, `explain: at most ${max} (the model's features), got ${n}`);
  return n;
}
