import type { Context } from '../context.js';
import { predictionSchema } from '../data/columns.js';
import { csvField } from '../data/dataset-files.js';
import { readTable } from '../data/read-table.js';
import { AtomicFileWriter } from '../util/atomic.js';
import { modelArrays } from './model-document.js';
import { predictProba } from './logistic.js';
import { resolveModel } from './resolve.js';

export interface Prediction {
  id: string;
  probability: number;
  prediction: 0 | 1;
}

export interface PredictResult {
  version: string;
  rows: number;
  rowsRejected: number;
  out?: string;
  predictions?: Prediction[];
}

/** Above this many rows, --json leaves the list out when the predictions went to --out. */
export const INLINE_PREDICTIONS_LIMIT = 10_000;

/** Risk of leaving for every valid row of a file; optionally written as CSV (id, probability, prediction). */
export async function predict(ctx: Context, opts: { data: string; out?: string; model?: string }): Promise<PredictResult> {
  const { config, log } = ctx;
  const doc = await resolveModel(ctx, opts.model ?? 'production');
  const schema = { ...predictionSchema(config), features: doc.features };
  const table = await readTable(opts.data, config.extension, schema, log, ctx.progress);
  const ds = table.dataset;
  const { coef, medians } = modelArrays(doc);
  const prob = predictProba(ds.x, ds.rows, coef, doc.intercept, medians);
  const threshold = doc.hyperParameters.threshold;
  const result: PredictResult = { version: doc.version, rows: ds.rows, rowsRejected: table.rowsRejected };
  if (opts.out) {
    const w = await AtomicFileWriter.open(opts.out);
    try {
      await w.write(`${csvField(doc.idColumn)},probability,prediction\n`);
      const BATCH = 8192;
      for (let s = 0; s < ds.rows; s += BATCH) {
        let chunk = '';
        for (let i = s; i < Math.min(ds.rows, s + BATCH); i++) chunk += `${csvField(ds.ids.get(i))},${prob[i]},${prob[i] > threshold ? 1 : 0}\n`;
        await w.write(chunk);
      }
      await w.commit();
    } catch (err) {
      await w.abort();
      throw err;
    }
    result.out = opts.out;
  }
  if (!opts.out || ds.rows <= INLINE_PREDICTIONS_LIMIT) {
    result.predictions = new Array(ds.rows);
    for (let i = 0; i < ds.rows; i++) result.predictions[i] = { id: ds.ids.get(i), probability: prob[i], prediction: prob[i] > threshold ? 1 : 0 };
  }
  return result;
}
