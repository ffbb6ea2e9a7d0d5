import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import { predictionSchema } from '../data/columns.js';
import { DatasetBuilder, type Dataset } from '../data/dataset.js';
import { readDataFile, twoPartsFrom } from '../data/read-data-file.js';
import { sha256File } from '../data/dataset-files.js';
import { readTable } from '../data/read-table.js';
import { listDataFiles } from '../data/list-files.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { historyF1, recordModelScore } from '../registry/model-score.js';
import { artifactsOf } from '../registry/deployment.js';
import { currentProduction } from '../registry/production.js';
import { DataError } from '../util/errors.js';
import { nowIso } from '../util/time.js';
import { analyseDriftBeside, type DriftReport, type NothingToCompare } from './analyse-drift.js';
import { DriftThread } from './drift-thread.js';
import type { ModelReference } from '../stats/reference.js';

export { analyseDrift, type AnyFeatureDrift, type CategoryFeatureDrift, type DriftLevel, type DriftReport, type FeatureDrift, type NothingToCompare } from './analyse-drift.js';

/** drift --data reads a file at least this large in two parts (below, the worker's ~40 ms start-up is a large share). */
const DRIFT_TWO_PART_BYTES = 8 << 20;

/** Rows of the files in the input folder that are new or changed since they were last ingested. */
export async function pendingData(ctx: Context, features: string[]): Promise<{ dataset: Dataset; files: string[]; hash: string }> {
  const known = new Map((await ctx.store.latestFileRecords()).map((r) => [r.name, r]));
  const b = new DatasetBuilder(features);
  const hash = createHash('sha256');
  const files: string[] = [];
  const schema = { ...predictionSchema(ctx.config), features };
  for (const c of await listDataFiles(ctx.config.inputFolder, ctx.config.extension)) {
    if (c.problem) continue;
    try {
      // Hashed inside the try: the file may have been swapped for a FIFO since it was listed.
      const sha = await sha256File(c.path);
      if (known.get(c.name)?.sha256 === sha) continue;
      await readDataFile(c.path, schema, b, { log: ctx.log });
      files.push(c.name);
      hash.update(sha);
    } catch (err) {
      ctx.log.warn({ file: c.name }, `drift: skipping ${c.name}: ${(err as Error).message}`);
    }
  }
  return { dataset: b.build(), files, hash: hash.digest('hex') };
}

/** F1 history of a model version: its test, batch and holdout scores, oldest first (never ad-hoc ones). */
export async function f1History(ctx: Context, version: string, excludeDataHash?: string): Promise<number[]> {
  // The batch being judged is left out: a run retried after a crash (or a second `drift` on the
  // same data) must not compare the batch's F1 with itself, nor with its holdout's.
  return historyF1(await ctx.store.scores(version), excludeDataHash);
}

/** `riskwatch drift`: new data (or --data FILE) against the production model. */
export async function drift(ctx: Context, opts: { data?: string } = {}): Promise<DriftReport | NothingToCompare> {
  const doc = await currentProduction(ctx);
  if (!doc) throw new DataError('no model in production to compare with; run `riskwatch deploy` first');
  const ref = await artifactsOf(ctx).loadReference(doc.version);
  if (!ref) throw new DataError(`model ${doc.version} has no drift reference (trained before drift checks existed); train a new version`);
  // Booted before the data is read: its start-up overlaps the read.
  const thread = DriftThread.start();
  try {
    return await driftWith(ctx, doc, ref, thread, opts);
  } finally {
    thread.close();
  }
}

async function driftWith(ctx: Context, doc: ModelDocument, ref: ModelReference, thread: DriftThread, opts: { data?: string }): Promise<DriftReport | NothingToCompare> {
  let current: Dataset;
  let source: string;
  let hash: string;
  if (opts.data) {
    // In two parts on two threads (unlike ingest's default): nothing else runs until the whole file
    // is in, and the read was half of the command (1,000,000 rows: 0.80 of 1.83 s). It costs
    // ~0.45 s more CPU for ~0.25 s less on this thread (BENCHMARKS.md, issue 15).
    const t = await readTable(opts.data, ctx.config.extension, { ...predictionSchema(ctx.config), features: modelFeatureNames(doc) }, ctx.log, undefined, undefined, {}, { parallelMinBytes: twoPartsFrom(DRIFT_TWO_PART_BYTES) });
    current = t.dataset;
    source = opts.data;
    hash = t.hash;
  } else {
    const p = await pendingData(ctx, modelFeatureNames(doc));
    current = p.dataset;
    source = p.files.length ? `new files: ${p.files.join(', ')}` : 'no new files';
    hash = p.hash;
  }
  if (current.rows === 0) {
    const why = opts.data ? `${opts.data} holds no rows` : 'no new data since the last ingestion (every file in the input folder is ingested already)';
    return {
      reference: { version: doc.version, rows: ref.rows },
      current: { rows: 0, labeled: 0, source, hash },
      nothingToCompare: `nothing to compare: ${why}${opts.data ? '' : `; pass --data FILE to compare a file with ${doc.version}'s training data`}`,
      features: {},
      datasetDrift: false,
      driftedFeatures: [],
      predictionDrift: null,
      modelDrift: null,
      estimated: null,
      realised: null,
    };
  }
  const history = await f1History(ctx, doc.version, hash);
  const report = await analyseDriftBeside(ctx.config, doc, ref, current, history, source, hash, (profiles, columns, ksAlpha) => thread.compare(profiles, columns, ksAlpha));
  // A labelled check's F1 is recorded (once per data) as ad hoc: only a run's batches join the
  // model's history — new files checked here become one when a run ingests them, and any other
  // file must not move the drift floors.
  if (report.modelDrift && !(await ctx.store.scores(doc.version)).some((s) => s.dataHash === hash)) {
    await recordModelScore(ctx, { version: doc.version, kind: 'adhoc', dataHash: hash, dataPath: source, rows: report.current.labeled, f1: report.modelDrift.currentF1, metrics: { f1: report.modelDrift.currentF1 }, createdAt: nowIso() });
  }
  return report;
}
