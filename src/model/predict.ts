import type { Context } from '../context.js';
import { predictionSchema } from '../data/columns.js';
import { csvField } from '../data/dataset-files.js';
import { readTable } from '../data/read-table.js';
import { AtomicFileWriter } from '../util/atomic.js';
import type { IdColumn } from '../data/id-column.js';
import { modelArrays } from './model-document.js';
import { predictProba } from './logistic.js';
import { writeProbability } from './format-probability.js';
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
    await writePredictions(opts.out, doc.idColumn, ds.ids, prob, threshold);
    result.out = opts.out;
  }
  if (!opts.out || ds.rows <= INLINE_PREDICTIONS_LIMIT) {
    result.predictions = new Array(ds.rows);
    for (let i = 0; i < ds.rows; i++) result.predictions[i] = { id: ds.ids.get(i), probability: prob[i], prediction: prob[i] > threshold ? 1 : 0 };
  }
  return result;
}

/**
 * id,probability,prediction as CSV, atomically. Ids are copied as bytes from the id column and
 * rows are formatted into a large buffer (no string per row); the probability keeps full
 * precision (shortest round-trip form, as in the JSON output), written byte for byte as String()
 * would print it by writeProbability.
 */
async function writePredictions(path: string, idColumn: string, ids: IdColumn, prob: Float64Array, threshold: number): Promise<void> {
  const w = await AtomicFileWriter.open(path);
  let writing: Promise<void> = Promise.resolve();
  try {
    await w.write(`${csvField(idColumn)},probability,prediction\n`);
    // Two buffers: one is written (in libuv's thread pool) while the next is formatted. Writes
    // stay strictly in order: a write starts only after the previous one has finished.
    const size = 4 << 20;
    let buf = Buffer.allocUnsafe(size);
    let spare = Buffer.allocUnsafe(size);
    let off = 0;
    for (let i = 0; i < prob.length; i++) {
      const n = ids.lens[i];
      if (off + 2 * n + 64 > buf.length) {
        await writing;
        writing = w.write(buf.subarray(0, off));
        writing.catch(() => {}); // surfaces at the next await; never an unhandled rejection
        [buf, spare] = [spare, buf];
        if (buf.length < 2 * n + 64) buf = Buffer.allocUnsafe(2 * n + 64);
        off = 0;
      }
      // Spreadsheet formula injection: an id starting with = + - @ (or tab / CR) is written as
      // text ('-prefixed), as GET /risk does; the dataset itself keeps ids exactly.
      const first = ids.bytes[ids.starts[i]];
      if (n > 0 && (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13)) off += buf.write(csvField(`'${ids.get(i)}`), off);
      else off = ids.writeCsvField(i, buf, off);
      buf[off++] = 44;
      off = writeProbability(prob[i], buf, off);
      buf[off++] = 44;
      buf[off++] = prob[i] > threshold ? 49 : 48;
      buf[off++] = 10;
    }
    await writing;
    await w.write(buf.subarray(0, off));
    await w.commit();
  } catch (err) {
    await writing.catch(() => {}); // no write may still be running when the temp file goes
    await w.abort();
    throw err;
  }
}
