import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { trainingSchema } from '../data/columns.js';
import { DATASET_CSV, readDataset, type LoadedDataset } from '../data/dataset-files.js';
import { artifactsOf } from '../registry/deployment.js';
import { DataError } from '../util/errors.js';
import { nowIso } from '../util/time.js';
import { fitFamily, type Family, type FamilyInputs } from './family-fit.js';
import { selectFamily } from './select-family.js';
import { MODEL_FORMAT_2, type ModelDocument } from '../contracts/model-document.js';
import { flatParams, paramsOf } from './logistic/params.js';
import { loadModel } from './fitted-model.js';
import { hasNonMissing, SortScratch } from '../stats/sorted.js';
import { levelsOf, selectRows } from '../data/dataset.js';
import { findSameTraining, holdoutKey } from './same-training.js';
import { ReferenceBuilder } from './reference-thread.js';

export interface TrainResult {
  version: string;
  /** The family of the model fitted (under model.family "auto" the winner; `candidates` says why). */
  family: Family;
  /** Logistic only (null for trees): coefficients (`feature=category` for a category's), intercept, numeric medians. */
  coefficients: Record<string, number> | null;
  intercept: number | null;
  medians: Record<string, number> | null;
  /** Newton iterations (logistic) or trees kept (gbdt). */
  iterations: number;
  trainingRows: number;
  /** Logistic only (null for trees): the solver's final gradient norm and whether it converged. */
  gradNorm: number | null;
  converged: boolean | null;
  /** model.family "auto": each family's validation log loss, ROC AUC and fitting time; otherwise null. */
  candidates: { family: Family; logLoss: number; rocAuc: number; ms: number }[] | null;
  /** Trees only (null for logistic): per feature total gain and split count. */
  importance: { gain: Record<string, number>; splits: Record<string, number> } | null;
  /** Trees only (null for logistic): how many. */
  trees: number | null;
  datasetHash: string;
  path: string;
  ms: number;
  /** True when an existing version was fitted on the same rows with the same config and is returned instead of a new, identical one. */
  reused: boolean;
}

export interface TrainOptions {
  /**
   * Build the drift reference on a thread of its own, beside the fit: true or false forces it
   * (the tests compare both); by default only on datasets large enough for it to pay.
   */
  referenceThread?: boolean;
  /** Rows (1 = held out) kept out of training, e.g. the pipeline's holdout of the newest rows. */
  holdout?: Uint8Array;
  /** The dataset when the caller already read it (the pipeline does): not read again. */
  loaded?: LoadedDataset;
}

/**
 * Fit a new immutable model version on the current dataset (minus any holdout), of the family
 * config `model.family` names — under "auto" the one with the lower validation log loss
 * (select-family.ts), refitted on all rows.
 */
export async function train(ctx: Context, opts: TrainOptions = {}): Promise<TrainResult> {
  // The drift reference's thread boots while the dataset is read (reference-thread.ts).
  const reference = ReferenceBuilder.start(opts.referenceThread ?? worthAThread(ctx.config.outputFolder, opts.loaded));
  try {
    return await trainWith(ctx, opts, reference);
  } finally {
    reference.close();
  }
}

async function trainWith(ctx: Context, opts: TrainOptions, reference: ReferenceBuilder): Promise<TrainResult> {
  const { config, store, log } = ctx;
  const loaded = opts.loaded ?? (await readDataset(config.outputFolder, trainingSchema(config), { ids: false, shared: reference.threaded }));
  if (!loaded) throw new DataError(`no dataset in ${config.outputFolder}; run \`riskwatch ingest\` first`);
  const ds = opts.holdout ? selectRows(loaded.dataset, opts.holdout, 0) : loaded.dataset;
  let positives = 0;
  for (let i = 0; i < ds.rows; i++) positives += ds.y[i];
  if (ds.rows < 2 || positives === 0 || positives === ds.rows) throw new DataError(oneClassMessage(config, loaded.hash, ds.rows, positives));
  const t0 = performance.now();
  const holdout = holdoutKey(opts.holdout);
  const same = await findSameTraining(ctx, loaded.hash, ds.features, holdout);
  if (same) {
    const d = same.doc;
    log.info({ version: d.version, datasetHash: loaded.hash }, `${d.version} was already trained on dataset ${loaded.hash.slice(0, 12)} with this config: reused, no new version`);
    return { ...summarize(d), datasetHash: loaded.hash, path: same.path, ms: performance.now() - t0, reused: true };
  }
  const family = config.model.family;
  // A category column comes with its dictionary (the dataset's levels); numeric ones have none.
  const levels = ds.features.map((_, j) => levelsOf(ds, j));
  const isCategory = (j: number) => levels[j] !== null;
  ds.x.forEach((col, j) => {
    if (isCategory(j) || hasNonMissing(col)) return;
    // A linear model would impute a value it never saw; trees could not split on it; and the drift
    // reference has nothing to compare new values with. Either family: named, nothing trained.
    const why = family === 'logistic' ? 'cannot impute' : family === 'gbdt' ? 'the trees cannot split on it and drift has nothing to compare with; remove it from "features"' : 'cannot impute (model.family "auto" fits a logistic regression too)';
    throw new DataError(`feature "${ds.features[j]}" has no values in the dataset; ${why}`);
  });
  // The drift reference (every column's profile: sorting them is most of its cost) is built on
  // the other core while the model is fitted here; only the predictions' part waits for the model.
  // The fit's medians: the numeric columns', shared out with the reference's thread (trees impute nothing).
  const medianCols = family === 'gbdt' ? [] : ds.features.map((_, j) => j).filter((j) => !isCategory(j));
  reference.profile(ds, { oneHot: family !== 'gbdt' && levels.some((l) => l !== null), ...(family !== 'gbdt' ? { medians: medianCols } : {}) });
  // The fit imputes the medians (numpy's median of the non-missing values, the number the profiles
  // hold) as it scales the columns — no imputed copy of the data. Found by selection, not sorting;
  // trees impute nothing.
  const scratch = family === 'gbdt' ? undefined : new SortScratch(ds.rows);
  const inputs: FamilyInputs = {
    features: ds.features,
    types: ds.features.map((f, j) => (isCategory(j) ? 'category' : (config.featureTypes[f] ?? 'count'))),
    rows: ds.rows,
    x: ds.x,
    y: ds.y,
    levels,
    ...(scratch ? { medians: Array.from(reference.medians(medianCols, scratch)) } : {}),
    model: config.model,
    maxCategories: config.maxCategories,
    // The reference's thread, once the columns are profiled, takes half of each pass of the fit.
    ...(reference.threaded ? { passHelper: reference } : {}),
  };
  const selection = family === 'auto' ? selectFamily(inputs, log) : undefined;
  const fit = fitFamily(family === 'auto' ? selection!.winner : family, inputs, { format2: selection !== undefined });
  const ms = performance.now() - t0;
  if (fit.newton && !fit.newton.converged) log.warn({ iterations: fit.iterations, gradNorm: fit.newton.gradNorm }, `training stopped at max_iter=${config.model.max_iter} before converging`);

  const createdAt = nowIso();
  // A version folder left by a store that was since replaced is never overwritten: skip its id.
  let version = await store.reserveModelVersion(createdAt);
  const artifacts = artifactsOf(ctx);
  while (await artifacts.has(version)) version = await store.reserveModelVersion(createdAt);
  const doc = fit.document({ version, createdAt, datasetHash: loaded.hash, target: config.target, idColumn: config.id }, { rows: ds.rows, positives, ms, ...(holdout ? { holdout } : {}) }, selection);
  // The drift reference is written first: once model.json exists, its reference does too.
  // The predictions are needed for the reference only. Trees: the fit's own sums (the numbers
  // predict gives those rows), the model's predictions for any row it leaves NaN.
  const prob = fit.fittedScores ? reference.predictUnfitted(fit.fittedScores, () => loadModel(doc)) : reference.predict(doc, loadModel(doc));
  await artifacts.saveReference(await reference.finish(version, prob));
  const path = await artifacts.saveModel(doc);
  if (!(await store.getDataset(loaded.hash))) {
    await store.recordDataset({ hash: loaded.hash, rows: ds.rows, path: config.outputFolder, createdAt, missing: {} });
  }
  await store.completeModel({ version, createdAt, datasetHash: loaded.hash, path, trainingRows: ds.rows, trainingMs: ms });
  log.info({ version, family: fit.family, rows: ds.rows, iterations: fit.iterations, ...(fit.newton ? { gradNorm: fit.newton.gradNorm } : {}) }, `trained ${version}`);
  return { ...summarize(doc), datasetHash: loaded.hash, path, ms, reused: false };
}

/**
 * Whether the reference is worth a thread: from ~100,000 rows (about 8 MB of dataset file) it
 * saves more than the thread costs to start (~30 ms of CPU, and under tsx far more).
 */
function worthAThread(folder: string, loaded?: LoadedDataset): boolean {
  if (loaded) return loaded.dataset.rows >= 100_000;
  try {
    return statSync(join(folder, DATASET_CSV)).size >= 8 << 20;
  } catch {
    return false;
  }
}

/** What `train` reports of a model document, for either family. */
function summarize(doc: ModelDocument): Omit<TrainResult, 'datasetHash' | 'path' | 'ms' | 'reused'> {
  const candidates = doc.format === MODEL_FORMAT_2 && doc.selection ? doc.selection.candidates.map(({ family, logLoss, rocAuc, ms }) => ({ family, logLoss, rocAuc, ms })) : null;
  const common = { version: doc.version, iterations: doc.training.iterations, trainingRows: doc.training.rows, candidates };
  if (doc.format === MODEL_FORMAT_2 && doc.family === 'gbdt') {
    return { ...common, family: 'gbdt', coefficients: null, intercept: null, medians: null, gradNorm: null, converged: null, importance: doc.gbdt.importance, trees: doc.gbdt.trees.length };
  }
  const t = doc.training;
  return { ...common, family: 'logistic', ...flatParams(paramsOf(doc)), gradNorm: 'gradNorm' in t ? t.gradNorm : Number.NaN, converged: 'converged' in t ? t.converged : true, importance: null, trees: null };
}

/**
 * Why a dataset cannot be trained on: one class only. Names the label values, since the usual
 * cause is a target_positive / target_negative that is not written as the files write it (every
 * other value was rejected as invalid_label at ingest).
 */
function oneClassMessage(config: Context['config'], hash: string, rows: number, positives: number): string {
  const { target, labels } = config;
  const pos = `"${labels.positive}" (target_positive, left)`;
  const neg = `"${labels.negative}" (target_negative, stayed)`;
  const head = `dataset ${hash.slice(0, 12)} has ${rows} row${rows === 1 ? '' : 's'}`;
  if (rows < 2) return `${head}: training needs rows of both classes, ${pos} and ${neg} in column "${target}"`;
  const only = positives === 0 ? neg : pos;
  const missing = positives === 0 ? pos : neg;
  return `${head}, every one labelled ${only}: training needs both classes, and no row has ${missing} in column "${target}" — check that value is written as in the files (rows with other labels were rejected as invalid_label at ingest)`;
}
