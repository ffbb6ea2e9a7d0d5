import { join, resolve } from 'node:path';
import type { Context } from '../context.js';
import { trainingSchema } from '../data/columns.js';
import { readTable } from '../data/read-table.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError } from '../util/errors.js';
import { nowIso } from '../util/time.js';
import { computeMetrics, type ClassificationMetrics } from './metrics.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { loadModel } from './fitted-model.js';
import type { Dataset } from '../data/dataset.js';
import { resolveModel } from './resolve.js';
import { currentProduction } from '../registry/production.js';
import { describeMeasure, modelScore, recordModelScore, type ModelScore } from '../registry/model-score.js';

export interface ScoreResult extends ClassificationMetrics {
  version: string;
  data: string;
  rowsRejected: number;
  /** `test` on the test data; `adhoc` on any other --data file (never part of the model's history). */
  kind: 'test' | 'adhoc';
  measuredOn: string;
  /** The model's score after this one: the same as this on the test data; unchanged by an ad-hoc score. */
  modelScore: ModelScore | null;
}

/**
 * Score a model version on labelled data (default: the test data) and record the result. Only a
 * score on the test data joins the model's history and writes latestscore.txt; one on any other
 * file is recorded as ad hoc (see model-score.ts).
 */
export async function score(ctx: Context, opts: { model?: string; data?: string } = {}): Promise<ScoreResult> {
  const { config, log } = ctx;
  const doc = await resolveModel(ctx, opts.model ?? (await defaultModel(ctx)));
  const dataPath = opts.data ?? config.testDataPath;
  const kind = opts.data === undefined || resolve(opts.data) === resolve(config.testDataPath) ? 'test' : 'adhoc';
  const schema = { ...trainingSchema(config), features: modelFeatureNames(doc), requireId: false };
  const table = await readTable(dataPath, config.extension, schema, log, ctx.progress);
  const ds = table.dataset;
  if (ds.rows === 0) throw new DataError(`${dataPath}: no valid labelled rows to score`);
  const metrics = metricsOnRows(doc, ds, config.topK);
  const measuredOn = describeMeasure(kind, ds.rows, dataPath);
  await recordModelScore(ctx, { version: doc.version, kind, dataHash: table.hash, dataPath, rows: ds.rows, f1: metrics.f1, metrics: { ...metrics }, createdAt: nowIso(), measuredOn });
  // The original project's one-number score file: the model's score, so never an ad-hoc one.
  if (kind === 'test') writeFileAtomicSync(join(config.modelFolder, 'latestscore.txt'), `${metrics.f1}\n`);
  log.info({ version: doc.version, f1: metrics.f1, rows: ds.rows, kind }, `scored ${doc.version}: F1 ${metrics.f1.toFixed(4)} on ${measuredOn}`);
  return { version: doc.version, data: dataPath, rowsRejected: table.rowsRejected, ...metrics, kind, measuredOn, modelScore: await modelScore(ctx.store, doc.version) };
}

/** The classification metrics of a model on an in-memory labelled dataset (the pipeline's holdout, or a file's rows). */
export function metricsOnRows(doc: ModelDocument, ds: Dataset, topK: number): ClassificationMetrics {
  const model = loadModel(doc);
  return computeMetrics(ds.y, model.predictProba(ds), model.threshold, topK);
}

/** Production if there is one, else the newest version. */
async function defaultModel(ctx: Context): Promise<string> {
  return (await currentProduction(ctx)) ? 'production' : 'latest';
}
