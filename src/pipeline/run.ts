import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { removeStaleTempFiles } from '../util/atomic.js';
import { trainingSchema } from '../data/columns.js';
import { readDataset } from '../data/dataset-files.js';
import { selectRows } from '../data/dataset.js';
import { ingest, type IngestResult } from '../ingest/ingest.js';
import { metricsOnRows, score } from '../model/score.js';
import { describeMeasure, recordModelScore } from '../registry/model-score.js';
import { train, type TrainResult } from '../model/train.js';
import { currentProduction, deployRefusal, reconcileProduction } from '../registry/production.js';
import { deploy } from '../model/deploy.js';
import { artifactsOf } from '../registry/deployment.js';
import { nowIso } from '../util/time.js';
import { RiskwatchError } from '../util/errors.js';
import { detectNewData } from './detect.js';
import { newestRowsHoldout } from './holdout.js';
import { acquirePipelineLock, LockedError, runLockPath, type RunLock } from './lock.js';
import { analyseDrift, f1History, type DriftReport } from '../monitor/drift.js';
import { INTERRUPTED, recordCommandStart } from '../store/command-record.js';
import { commandDetail } from '../store/command-detail.js';
import type { RunReportWriter, RunResult } from '../contracts/run.js';

// The run's result is a contract (report/ and the interfaces read it): it lives in contracts/.
export type { RunReportWriter, RunResult, RunStatus } from '../contracts/run.js';

export { runLockPath } from './lock.js';

/** Every 4th row of the newest batch is held out of the challenger's training. */
const HOLDOUT_EVERY = 4;

/**
 * The full process, what the original fullprocess.py + cron did: look for new data, ingest it,
 * train a challenger when needed, compare it with the champion on the newest rows neither trained
 * on, and deploy only what is not worse. One run at a time per workspace.
 */
export interface RunOptions {
  margin?: number;
  signal?: AbortSignal;
  /** Writes the report of a completed run when config report.enabled (none given: no report). */
  report?: RunReportWriter;
}

export async function runPipeline(ctx: Context, opts: RunOptions = {}): Promise<RunResult> {
  const { store, config, log } = ctx;
  const timings: Record<string, number> = {};
  const reporter = config.report.enabled ? opts.report : undefined;
  const result: RunResult = { runId: null, status: 'noop', newData: false, ingested: null, drift: { dataset: null, prediction: null, model: null }, retrained: false, challenger: null, champion: null, deployed: null, reason: '', timings };
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    // A stop request (SIGTERM) is honoured between steps: every step leaves consistent state.
    if (opts.signal?.aborted) throw new RiskwatchError(`run stopped before ${name}: ${String(opts.signal.reason ?? 'aborted')}`, 1);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t0) / 1000;
    }
  };

  let lock: RunLock;
  try {
    lock = await acquirePipelineLock(ctx);
  } catch (err) {
    if (err instanceof LockedError) {
      result.status = 'locked';
      result.reason = err.message;
      const id = await recordCommandStart(store, 'run', log);
      await store.finishCommandRecord(id, 'failed', nowIso(), timings, err.message, { ...result }, 'locked');
      result.runId = id;
      log.warn({ runId: id }, err.message);
      return result;
    }
    throw err;
  }
  const runId = await recordCommandStart(store, 'run', log);
  result.runId = runId;
  const t0 = performance.now();
  try {
    // Holding the lock, this is the only run alive: what a killed run left is cleaned up first.
    await cleanUpAfterKilledRuns(ctx, runId);
    const detection = await step('detect', () => detectNewData(ctx));
    const artifacts = artifactsOf(ctx);
    // A run killed between the production file's rename and the deployment's record leaves the
    // history behind the file; only deploy/rollback repaired it, and a run that then finds nothing
    // new deploys nothing, so repair it here (a no-op where promote is one transaction: postgres).
    await reconcileProduction(ctx);
    const production = await currentProduction(ctx);
    // Rows ingested by a run that died or was stopped before deciding on them (or by a manual
    // `ingest`) are still undecided: without this they would never be checked for drift.
    const decided = production ? await lastDecidedDataset(ctx) : undefined;
    const latest = await store.latestDataset();
    const undecided = Boolean(decided && latest && latest.hash !== decided.hash);
    if (detection.changed.length === 0 && production && !undecided) {
      result.reason = `no new data; ${production.version} stays in production`;
      return result;
    }
    // A fresh workspace whose sources are still empty (a cron job set up before the data arrives)
    // has nothing to do: a noop, not a failed training on an empty dataset.
    if (detection.changed.length === 0 && !production && !latest) {
      result.reason = noDataYet(ctx);
      return result;
    }
    // New data: this run most likely completes and ends with a report. The report's renderer
    // loads and warms up on another thread meanwhile (it stays for the process's next reports
    // and never keeps the process alive by itself).
    await reporter?.start();
    const ing: IngestResult = await step('ingest', () => ingest(ctx));
    result.newData = ing.newData;
    result.ingested = {
      files: ing.files.filter((f) => f.status === 'ingested').length,
      rowsAdded: ing.rowsAdded,
      rowsRejected: ing.rowsRejected,
      filesRejected: ing.files.filter((f) => f.status === 'rejected').length,
    };
    // A rejected file does not stop the run either; it is named in the result and the reason.
    const rejected = ing.files.filter((f) => f.status === 'rejected');
    if (rejected.length) result.ingested.rejectedFiles = rejected.map((f) => ({ name: f.name, reason: f.reason ?? '' }));
    // A source that failed does not stop the run; its error (password masked) is in the run's record.
    const failed = ing.sources.filter((x) => x.status === 'failed');
    if (failed.length) result.ingested.sourcesFailed = failed.map((x) => x.error ?? x.name);
    // The batch: rows added since the last decided dataset (this ingest's, and any left undecided).
    const batchRows = decided && ing.rowsTotal - decided.rows >= ing.rowsAdded ? ing.rowsTotal - decided.rows : ing.rowsAdded;
    if (batchRows === 0 && production) {
      result.reason = `no new rows; ${production.version} stays in production`;
      return result;
    }
    if (!production && ing.rowsTotal === 0) {
      result.reason = noDataYet(ctx);
      return result;
    }
    if (batchRows > ing.rowsAdded) log.warn({ rows: batchRows - ing.rowsAdded }, `${batchRows - ing.rowsAdded} rows ingested earlier were never decided on (an interrupted run?): checking them now`);
    result.status = 'completed';

    if (!production) {
      const trained = await step('train', () => train(ctx));
      result.retrained = true;
      const refused = deployRefusal(ctx, trained.version, trained.trainingRows);
      if (refused) {
        result.reason = `${refused}; waiting for more data`;
        return result;
      }
      const scored = await step('score', () => score(ctx, { model: trained.version }));
      await step('deploy', () => deploy(ctx, trained.version, 'first model'));
      result.retrained = true;
      result.challenger = { version: trained.version, f1: scored.f1, ...familyOf(trained) };
      result.deployed = trained.version;
      result.reason = `no model in production: deployed ${trained.version} (test F1 ${scored.f1.toFixed(4)})${chosenBecause(trained)}`;
      return result;
    }

    // Drift of the new batch (the rows this ingest added) against the production reference.
    const loaded = await step('load', async () => readDataset(config.outputFolder, trainingSchema(config), { ids: false }));
    const total = loaded!.dataset.rows;
    const batchMask = new Uint8Array(total);
    batchMask.fill(1, total - batchRows);
    const batch = selectRows(loaded!.dataset, batchMask, 1);
    const reference = await artifacts.loadReference(production.version);
    let report: DriftReport | null = null;
    if (reference) {
      const batchHash = ing.datasetHash ?? '';
      report = await step('drift', async () => analyseDrift(config, production, reference, batch, await f1History(ctx, production.version, batchHash), 'new rows', batchHash));
      result.drift = { dataset: report.datasetDrift, prediction: report.predictionDrift.drifted, model: report.modelDrift?.drifted ?? null };
      result.featureDrift = Object.fromEntries(Object.entries(report.features).map(([f, d]) => [f, d.level]));
      // Once per batch: a run retried after a crash does not record the same batch twice.
      if (report.modelDrift && !(await store.scores(production.version)).some((s) => s.dataHash === batchHash)) {
        await recordModelScore(ctx, { version: production.version, kind: 'batch', dataHash: batchHash, dataPath: 'run batch', rows: report.current.labeled, f1: report.modelDrift.currentF1, metrics: { f1: report.modelDrift.currentF1, kind: 'batch' }, createdAt: nowIso(), measuredOn: describeMeasure('batch', report.current.labeled, `run ${runId}`) });
      }
    }
    const retrainBecause = !reference
      ? `${production.version} has no drift reference`
      : report?.modelDrift?.drifted
        ? `model drift: F1 ${report.modelDrift.currentF1.toFixed(4)} on ${report.current.labeled} new rows (${report.modelDrift.ruleUsed} rule)`
        : report?.datasetDrift && config.drift.retrain_on_data_drift
          ? `data drift in ${report.driftedFeatures.join(', ')}`
          : null;
    if (!retrainBecause) {
      const why = report?.datasetDrift ? `data drift in ${report.driftedFeatures.join(', ')} but no model drift` : 'no drift';
      result.reason = `${why}; ${production.version} stays in production (${batchRows} new rows ingested)`;
      return result;
    }

    // Champion/challenger on the newest rows, held out of the challenger's training.
    const holdout = newestRowsHoldout(total, total - batchRows, HOLDOUT_EVERY);
    const heldOut = selectRows(loaded!.dataset, holdout, 1);
    const trained = await step('train', () => train(ctx, { holdout, loaded: loaded! }));
    result.retrained = true;
    const champion = await artifacts.loadModel(production.version);
    const challenger = await artifacts.loadModel(trained.version);
    const [cm, ch] = await step('compare', async () => [metricsOnRows(champion, heldOut, config.topK), metricsOnRows(challenger, heldOut, config.topK)]);
    result.champion = { version: champion.version, f1: cm.f1, family: 'family' in champion ? champion.family : 'logistic' };
    result.challenger = { version: challenger.version, f1: ch.f1, ...familyOf(trained) };
    // Both holdout scores join the models' histories: the challenger's first, should it deploy.
    for (const [v, m] of [[champion.version, cm], [challenger.version, ch]] as const) {
      if ((await store.scores(v)).some((s) => s.dataHash === `holdout:${ing.datasetHash}`)) continue; // retried run
      await recordModelScore(ctx, { version: v, kind: 'holdout', dataHash: `holdout:${ing.datasetHash}`, dataPath: 'run holdout', rows: heldOut.rows, f1: m.f1, metrics: { ...m, kind: 'holdout' }, createdAt: nowIso(), measuredOn: describeMeasure('holdout', heldOut.rows, `run ${runId}'s batch`) });
    }
    const margin = opts.margin ?? config.drift.margin;
    const refused = deployRefusal(ctx, challenger.version, challenger.training.rows);
    if (refused) {
      result.reason = `${retrainBecause}; kept ${champion.version}: ${refused}`;
    } else if (ch.f1 >= cm.f1 - margin) {
      await step('deploy', () => deploy(ctx, challenger.version, `${retrainBecause}; challenger F1 ${ch.f1.toFixed(4)} vs champion ${cm.f1.toFixed(4)} on ${heldOut.rows} newest rows`));
      result.deployed = challenger.version;
      result.reason = `${retrainBecause}; deployed ${challenger.version}: F1 ${ch.f1.toFixed(4)} on ${heldOut.rows} held-out newest rows, champion ${champion.version} had ${cm.f1.toFixed(4)}${chosenBecause(trained)}`;
    } else {
      result.reason = `${retrainBecause}; kept ${champion.version}: F1 ${cm.f1.toFixed(4)} beats challenger ${challenger.version}'s ${ch.f1.toFixed(4)} on ${heldOut.rows} held-out newest rows by more than ${margin}${chosenBecause(trained)}`;
    }
    return result;
  } catch (err) {
    result.status = 'failed';
    result.error = (err as Error).message;
    result.reason = result.error;
    // The caller (alerts) can name the run that failed.
    if (err && typeof err === 'object') (err as { runId?: number }).runId = runId;
    throw err;
  } finally {
    timings.total = Math.round(performance.now() - t0) / 1000;
    if (result.status !== 'failed' && result.ingested?.rejectedFiles) result.reason += `; ${rejectedSummary(result.ingested.rejectedFiles)}`;
    if (result.status !== 'failed') result.datasetHash = (await store.latestDataset().catch(() => undefined))?.hash ?? null;
    // Diagnostics and the report, while the lock is held (retention never races another run).
    // A failed report is a warning recorded in the run, never a failed run.
    if (result.status === 'completed' && reporter) {
      const r0 = performance.now();
      result.report = await reporter.write(result);
      timings.report = Math.round(performance.now() - r0) / 1000;
    }
    log.info({ runId, status: result.status, reason: result.reason }, `run ${runId}: ${result.status}${result.reason ? ` — ${result.reason}` : ''}`);
    await store.finishCommandRecord(runId, result.status === 'failed' ? 'failed' : 'ok', nowIso(), timings, result.error ?? null, { ...result }, result.status);
    await lock.release();
  }
}

/** The trained version's family, and under model.family "auto" the candidates' validation figures. */
function familyOf(t: TrainResult): { family: TrainResult['family']; candidates?: Array<{ family: TrainResult['family']; logLoss: number; rocAuc: number }> } {
  return { family: t.family, ...(t.candidates ? { candidates: t.candidates.map(({ family, logLoss, rocAuc }) => ({ family, logLoss, rocAuc })) } : {}) };
}

/** Under model.family "auto": why the challenger is of its family, both families' figures named. */
function chosenBecause(t: TrainResult): string {
  if (!t.candidates) return '';
  const figures = t.candidates.map((c) => `${c.family} ${c.logLoss.toFixed(4)} (ROC AUC ${c.rocAuc.toFixed(4)})`).join(' vs ');
  return `; ${t.version} is ${t.family === 'gbdt' ? 'gradient-boosted trees' : 'logistic regression'}, chosen by validation log loss: ${figures}`;
}

/**
 * A run killed (SIGKILL, power loss) leaves its record `running` and perhaps temp files of
 * writes it never renamed into place. The run lock is held, so no other run is alive: its
 * records are closed as `interrupted`; temp files are removed only when the process that wrote
 * them is gone (a manual `ingest` or `train` may be writing beside us).
 */
async function cleanUpAfterKilledRuns(ctx: Context, runId: number): Promise<void> {
  const { config, store, log } = ctx;
  const ids = await store.interruptCommandRecords('run', runId, nowIso(), INTERRUPTED);
  if (ids.length) log.warn({ runs: ids }, `run${ids.length === 1 ? '' : 's'} ${ids.join(', ')} ended without finishing (killed?): recorded as interrupted`);
  const folders = [config.outputFolder, config.productionFolder, config.modelFolder, dirname(runLockPath(ctx))];
  // Each version's folder holds its model.json and reference.json (a killed training's too).
  const versions = subfolders(config.modelFolder);
  const removed = [...new Set([...folders, ...versions])].flatMap((d) => removeStaleTempFiles(d));
  if (removed.length) log.info({ files: removed }, `removed ${removed.length} temp file${removed.length === 1 ? '' : 's'} left by killed processes`);
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** `2 files rejected: a.csv: unreadable: permission denied (EACCES), b.csv: file is empty` (the first three). */
function rejectedSummary(files: Array<{ name: string; reason: string }>): string {
  const shown = files.slice(0, 3).map((f) => `${f.name}: ${f.reason}`).join(', ');
  return `${files.length} file${files.length === 1 ? '' : 's'} rejected: ${shown}${files.length > 3 ? ` and ${files.length - 3} more` : ''}`;
}

/** Why a run without a model or any data did nothing, naming where data is expected. */
function noDataYet(ctx: Context): string {
  const where = ctx.config.sources.map((s) => (s.type === 'folder' ? `folder ${s.path}` : `${s.type} source ${s.name}`)).join(', ');
  return `no data yet: no rows in ${where}; nothing to train until data arrives`;
}

/** The dataset the last finished run decided on (undefined before any run recorded one). */
async function lastDecidedDataset(ctx: Context): Promise<{ hash: string; rows: number } | undefined> {
  const last = (await ctx.store.commandRecords(500)).find((r) => r.command === 'run' && r.status === 'ok' && (r.outcome === 'completed' || r.outcome === 'noop'));
  const hash = commandDetail(last).datasetHash;
  if (!hash) return undefined;
  const ds = await ctx.store.getDataset(hash);
  return ds ? { hash, rows: ds.rows } : undefined;
}
