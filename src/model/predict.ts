import { stat } from 'node:fs/promises';
import { modelFeatureNames } from '../contracts/model-document.js';
import type { Context } from '../context.js';
import { predictionSchema } from '../data/columns.js';
import type { Dataset } from '../data/dataset.js';
import { readTable } from '../data/read-table.js';
import { loadModel } from './fitted-model.js';
import { dirname, resolve } from 'node:path';
import type { PredictionRow } from '../contracts/api.js';
import { csvField } from '../data/csv-field.js';
import { artifactsOf } from '../registry/deployment.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError, UsageError } from '../util/errors.js';
import { loadWorkspaceModel } from './explaining-model.js';
import { ReasonWriter } from './reasons.js';
import { openPredictionsWriter, startPredictionsThread, type BatchScoring, type PredictionsWriter } from './predictions-writer.js';
import { GbdtFittedModel } from './gbdt/model.js';
import { resolveModel } from './resolve.js';

/** One row's prediction: the API's PredictionRow (POST /prediction and `predict --json` give the same shape). */
export type Prediction = PredictionRow;

export interface PredictResult {
  version: string;
  rows: number;
  rowsRejected: number;
  out?: string;
  predictions?: Prediction[];
  /** With --explain: the expected log-odds every row starts from (base + Σ contributions = logit(probability)). */
  base?: number;
}

/** Above this many rows, --json leaves the list out when the predictions went to --out. */
export const INLINE_PREDICTIONS_LIMIT = 10_000;

/** Input this large (bytes) gets the predictions thread: below it, starting a thread costs more than it saves. */
const THREAD_MIN_BYTES = 4 << 20;

export interface PredictOptions {
  data: string;
  out?: string;
  model?: string;
  /** --out only: format and write on a second thread (default: for input of THREAD_MIN_BYTES or more). */
  thread?: boolean;
  /** --out only: bytes read per batch (tests use small ones to get many batches). */
  chunkBytes?: number;
  /**
   * --explain N: each prediction gains its contributions, top N reasons and keeping; --out gains
   * reason_1 … reason_N. `true` (a bare --explain): N = config risk.reasons, cut to the feature count.
   */
  explain?: number | true;
}

/** Risk of leaving for every valid row of a file; optionally written as CSV (id, probability, prediction). */
export async function predict(ctx: Context, opts: PredictOptions): Promise<PredictResult> {
  if (opts.explain !== undefined) return predictExplained(ctx, opts, opts.explain);
  if (opts.out) return predictToFile(ctx, opts, opts.out);
  const { config, log } = ctx;
  const doc = await resolveModel(ctx, opts.model ?? 'production');
  const schema = { ...predictionSchema(config), features: modelFeatureNames(doc) };
  const table = await readTable(opts.data, config.extension, schema, log, ctx.progress);
  const ds = table.dataset;
  const model = loadModel(doc);
  const prob = model.predictProba(ds);
  const predictions = collect(ds, prob, model.threshold, ds.rows, []);
  return { version: doc.version, rows: ds.rows, rowsRejected: table.rowsRejected, predictions };
}

/**
 * --out: the file is written as the input is read. Each parsed chunk is predicted and handed to the
 * predictions writer (formatted on a second thread for large input) while the next chunk is read
 * and parsed, so the command takes about as long as reading the CSV; and no whole-file columns,
 * probability array or prediction list is built (their fresh memory alone cost ~3 ms/MB in page
 * faults here). The list for --json is kept only while the rows stay within the inline limit.
 */
async function predictToFile(ctx: Context, opts: PredictOptions, out: string): Promise<PredictResult> {
  const { config, log } = ctx;
  // Started first: the thread boots while the model is resolved.
  const thread = (opts.thread ?? (await inputBytes(opts.data)) >= THREAD_MIN_BYTES) ? startPredictionsThread() : undefined;
  let writer: PredictionsWriter | undefined;
  try {
    const doc = await resolveModel(ctx, opts.model ?? 'production');
    const model = loadModel(doc);
    const threshold = model.threshold;
    const schema = { ...predictionSchema(config), features: modelFeatureNames(doc) };
    // A tree model's scoring is most of the work: the thread gets the trees and scores a share.
    const trees = model instanceof GbdtFittedModel ? model : undefined;
    const w = await openPredictionsWriter(out, doc.idColumn, threshold, thread, { trees: trees?.kernel() });
    writer = w;
    log.debug({ out, thread: thread !== undefined }, thread ? 'predictions formatted on a second thread' : 'predictions formatted on the main thread');
    let prob = new Float64Array(0);
    const inline: Prediction[] = [];
    let seen = 0;
    const table = await readTable(opts.data, config.extension, schema, log, ctx.progress, {
      chunkBytes: opts.chunkBytes,
      hash: false,
      onRows: (ds) => {
        if (prob.length < ds.rows) prob = new Float64Array(Math.ceil(ds.rows * 1.25)); // reused across chunks
        const listed = seen <= INLINE_PREDICTIONS_LIMIT;
        seen += ds.rows;
        if (trees && !listed) {
          // Scored by the writer, a share on the predictions thread (the list needs none of these rows).
          const columns = trees.treeColumns(ds);
          const p = prob;
          const scoring: BatchScoring = { columns, score: (from, to) => trees.predictRange(columns, from, to, p) };
          return w.push(ds.ids, prob, ds.rows, scoring);
        }
        model.predictProba(ds, prob);
        if (listed) collect(ds, prob, threshold, Math.min(ds.rows, INLINE_PREDICTIONS_LIMIT + 1 - (seen - ds.rows)), inline);
        return w.push(ds.ids, prob, ds.rows);
      },
    });
    await w.commit();
    const result: PredictResult = { version: doc.version, rows: table.rows, rowsRejected: table.rowsRejected, out };
    if (table.rows <= INLINE_PREDICTIONS_LIMIT) result.predictions = inline;
    return result;
  } catch (err) {
    if (writer) await writer.abort();
    else await thread?.terminate();
    throw err;
  }
}

/**
 * --explain N: the whole table is read, predicted and explained (contributions need the rows at
 * once, and a person reads reasons for a list, not a million rows); with --out the CSV gains
 * reason_1 … reason_N (the texts), written atomically.
 */
async function predictExplained(ctx: Context, opts: PredictOptions, asked: number | true): Promise<PredictResult> {
  const { config, log } = ctx;
  const doc = await resolveModel(ctx, opts.model ?? 'production');
  const model = await loadWorkspaceModel(ctx, doc);
  // A default is not the user's mistake: cut to the features, as the API and the dashboard do.
  const n = asked === true ? Math.min(config.risk.reasons, model.features.length) : asked;
  if (n > model.features.length) throw new UsageError(`--explain: at most ${model.features.length} (the model's features), got ${n}`);
  const schema = { ...predictionSchema(config), features: modelFeatureNames(doc) };
  const table = await readTable(opts.data, config.extension, schema, log, ctx.progress);
  const ds = table.dataset;
  const prob = model.predictProba(ds);
  const stayers = (await artifactsOf(ctx).loadReference(doc.version).catch(() => undefined))?.stayers;
  const writer = new ReasonWriter(model.featureSpecs, { labels: config.featureLabels, ...(stayers && { stayers }) });
  const why = writer.explainRows(model, ds, n);
  const predictions = collect(ds, prob, model.threshold, ds.rows, []).map((p, i) => Object.assign(p, why.rows[i]));
  const result: PredictResult = { version: doc.version, rows: ds.rows, rowsRejected: table.rowsRejected, predictions, base: why.base };
  if (opts.out) {
    const head = [csvField(doc.idColumn), 'probability', 'prediction', ...Array.from({ length: n }, (_, k) => `reason_${k + 1}`)].join(',');
    const text = (v: string) => csvField(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v); // spreadsheet formulas as text, as the ids
    const lines = predictions.map((p) => [text(p.id), String(p.probability), p.prediction, ...Array.from({ length: n }, (_, k) => text(p.reasons?.[k]?.text ?? ''))].join(','));
    await writeOut(opts.out, [head, ...lines].join('\n') + '\n');
    result.out = opts.out;
    if (ds.rows > INLINE_PREDICTIONS_LIMIT) delete result.predictions;
  }
  return result;
}

/** `text` to `path` atomically; the folder must exist (as without --explain). */
async function writeOut(path: string, text: string): Promise<void> {
  const folder = dirname(resolve(path));
  if (!(await stat(folder).then((st) => st.isDirectory(), () => false))) throw new DataError(`${path}: the folder ${folder} does not exist; create it first`);
  writeFileAtomicSync(path, text);
}

/** Append rows [0, n) of `ds` as predictions to `into`. */
function collect(ds: Dataset, prob: Float64Array, threshold: number, n: number, into: Prediction[]): Prediction[] {
  for (let i = 0; i < n; i++) into.push({ id: ds.ids.get(i), probability: prob[i], prediction: prob[i] > threshold ? 1 : 0 });
  return into;
}

/** The input's size: a file's, or for a folder a size that counts as large (its files are listed later). */
async function inputBytes(path: string): Promise<number> {
  try {
    const st = await stat(path);
    return st.isDirectory() ? Number.POSITIVE_INFINITY : st.size;
  } catch {
    return 0; // readTable reports it in its own words
  }
}
