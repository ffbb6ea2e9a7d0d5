import { dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { trainingSchema } from '../data/columns.js';
import { readDataset } from '../data/dataset-files.js';
import { selectRows } from '../data/dataset.js';
import { ingest, type IngestResult } from '../ingest/ingest.js';
import { evaluateModel, score } from '../model/score.js';
import { train } from '../model/train.js';
import { deploy, readProduction } from '../registry/production.js';
import { loadModelVersion } from '../registry/versions.js';
import { nowIso } from '../util/time.js';
import { detectNewData } from './detect.js';
import { newestRowsHoldout } from './holdout.js';
import { acquireRunLock, LockedError } from './lock.js';

export type RunStatus = 'noop' | 'completed' | 'failed' | 'locked';

export interface RunResult {
  runId: number | null;
  status: RunStatus;
  newData: boolean;
  ingested: { files: number; rowsAdded: number; rowsRejected: number; filesRejected: number } | null;
  drift: { dataset: boolean | null; prediction: boolean | null; model: boolean | null };
  retrained: boolean;
  challenger: { version: string; f1: number } | null;
  champion: { version: string; f1: number } | null;
  deployed: string | null;
  reason: string;
  /** Seconds per step. */
  timings: Record<string, number>;
  error?: string;
}

/** Where the run lock lives: beside the store, one per workspace. */
export function runLockPath(ctx: Context): string {
  return join(dirname(ctx.config.store.path), 'riskwatch.run.lock');
}

/** Every 4th row of the newest batch is held out of the challenger's training. */
const HOLDOUT_EVERY = 4;
/** The challenger is deployed unless its holdout F1 is worse than the champion's by more than this. */
const DEFAULT_MARGIN = 0;

/**
 * The full process, what the original fullprocess.py + cron did: look for new data, ingest it,
 * train a challenger when needed, compare it with the champion on the newest rows neither trained
 * on, and deploy only what is not worse. One run at a time per workspace.
 */
export async function runPipeline(ctx: Context, opts: { margin?: number } = {}): Promise<RunResult> {
  const { store, config, log } = ctx;
  const timings: Record<string, number> = {};
  const result: RunResult = { runId: null, status: 'noop', newData: false, ingested: null, drift: { dataset: null, prediction: null, model: null }, retrained: false, challenger: null, champion: null, deployed: null, reason: '', timings };
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t0) / 1000;
    }
  };

  let lock;
  try {
    lock = acquireRunLock(runLockPath(ctx));
  } catch (err) {
    if (err instanceof LockedError) {
      result.status = 'locked';
      result.reason = err.message;
      const id = await store.startRun('run', nowIso());
      await store.finishRun(id, 'failed', nowIso(), timings, err.message, { ...result }, 'locked');
      result.runId = id;
      log.warn({ runId: id }, err.message);
      return result;
    }
    throw err;
  }
  const runId = await store.startRun('run', nowIso());
  result.runId = runId;
  const t0 = performance.now();
  try {
    const detection = await step('detect', () => detectNewData(ctx));
    const production = readProduction(config);
    if (detection.changed.length === 0 && production) {
      result.reason = `no new data; ${production.version} stays in production`;
      return result;
    }
    const ing: IngestResult = await step('ingest', () => ingest(ctx));
    result.newData = ing.newData;
    result.ingested = {
      files: ing.files.filter((f) => f.status === 'ingested').length,
      rowsAdded: ing.rowsAdded,
      rowsRejected: ing.rowsRejected,
      filesRejected: ing.files.filter((f) => f.status === 'rejected').length,
    };
    if (!ing.newData && production) {
      result.reason = `no new rows; ${production.version} stays in production`;
      return result;
    }
    result.status = 'completed';

    if (!production) {
      const trained = await step('train', () => train(ctx));
      const scored = await step('score', () => score(ctx, { model: trained.version }));
      await step('deploy', () => deploy(ctx, trained.version, 'first model'));
      result.retrained = true;
      result.challenger = { version: trained.version, f1: scored.f1 };
      result.deployed = trained.version;
      result.reason = `no model in production: deployed ${trained.version} (test F1 ${scored.f1.toFixed(4)})`;
      return result;
    }

    // Champion/challenger on the newest rows, held out of the challenger's training.
    const loaded = await step('load', async () => readDataset(config.outputFolder, trainingSchema(config), { ids: false }));
    const total = loaded!.dataset.rows;
    const holdout = newestRowsHoldout(total, total - ing.rowsAdded, HOLDOUT_EVERY);
    const heldOut = selectRows(loaded!.dataset, holdout, 1);
    const trained = await step('train', () => train(ctx, { holdout }));
    result.retrained = true;
    const champion = loadModelVersion(config, production.version);
    const challenger = loadModelVersion(config, trained.version);
    const [cm, ch] = await step('compare', async () => [evaluateModel(champion, heldOut, config.topK), evaluateModel(challenger, heldOut, config.topK)]);
    result.champion = { version: champion.version, f1: cm.f1 };
    result.challenger = { version: challenger.version, f1: ch.f1 };
    const margin = opts.margin ?? DEFAULT_MARGIN;
    if (ch.f1 >= cm.f1 - margin) {
      await step('deploy', () => deploy(ctx, challenger.version, `challenger F1 ${ch.f1.toFixed(4)} vs champion ${cm.f1.toFixed(4)} on ${heldOut.rows} newest rows`));
      result.deployed = challenger.version;
      result.reason = `deployed ${challenger.version}: F1 ${ch.f1.toFixed(4)} on ${heldOut.rows} held-out newest rows, champion ${champion.version} had ${cm.f1.toFixed(4)}`;
    } else {
      result.reason = `kept ${champion.version}: F1 ${cm.f1.toFixed(4)} beats challenger ${challenger.version}'s ${ch.f1.toFixed(4)} on ${heldOut.rows} held-out newest rows by more than ${margin}`;
    }
    return result;
  } catch (err) {
    result.status = 'failed';
    result.error = (err as Error).message;
    throw err;
  } finally {
    timings.total = Math.round(performance.now() - t0) / 1000;
    log.info({ runId, status: result.status, reason: result.reason }, `run ${runId}: ${result.status}${result.reason ? ` — ${result.reason}` : ''}`);
    await store.finishRun(runId, result.status === 'failed' ? 'failed' : 'ok', nowIso(), timings, result.error ?? null, { ...result }, result.status);
    lock.release();
  }
}
