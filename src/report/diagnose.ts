import type { Diagnosis } from '../contracts/api.js';
import type { Context } from '../context.js';
import { trainingSchema } from '../data/columns.js';
import { readDataset, type LoadedDataset } from '../data/dataset-files.js';
import { currentProduction } from '../registry/production.js';
import { modelScore, type ModelScore } from '../registry/model-score.js';
import { dependencyHealth, type DependencyHealth } from './dependencies.js';
import { summaryStatistics, type ColumnSummary } from './summary.js';
import { stepTimings, type StepTimings } from './timings.js';
import { commandDetail } from '../store/command-detail.js';

export type { Diagnosis };

/**
 * `riskwatch diagnose`: what a reviewer of the production model wants to know, from what the
 * pipeline recorded — the dataset as ingested, run timings, dependency health, model health.
 * Nothing is re-run to produce it.
 */
export async function diagnose(ctx: Context, opts: { dependencies?: boolean; timeoutMs?: number; loaded?: LoadedDataset } = {}): Promise<Diagnosis> {
  const { config, store } = ctx;
  // The report passes the dataset it already read: one read of the binary per report.
  const loaded = opts.loaded ?? (await readDataset(config.outputFolder, trainingSchema(config), { ids: false }));
  const summary = loaded ? summaryStatistics(loaded.dataset, config.target) : {};
  const missing: Record<string, number> = {};
  if (loaded) {
    const ds = loaded.dataset;
    missing[config.id] = 0;
    ds.features.forEach((f, j) => {
      let n = 0;
      for (let i = 0; i < ds.rows; i++) if (ds.x[j][i] !== ds.x[j][i]) n++;
      missing[f] = ds.rows ? n / ds.rows : 0;
    });
    missing[config.target] = 0;
  }
  const files = await store.latestFileRecords();
  const lastIngestion = Math.max(0, ...files.map((f) => f.ingestionId ?? 0));
  const rejected: Record<string, number> = {};
  for (const f of files) {
    if (f.ingestionId !== lastIngestion) continue;
    for (const [reason, n] of Object.entries(f.rejectedByReason)) rejected[reason] = (rejected[reason] ?? 0) + n;
  }
  const runs = await store.commandRecords(1000);
  const prod = await currentProduction(ctx);
  let model: Diagnosis['model'] = null;
  if (prod) {
    const score = await modelScore(store, prod.version);
    const lastDriftRun = runs.find((r) => r.command === 'run' && r.outcome === 'completed' && commandDetail(r).drift);
    const drift = lastDriftRun ? (commandDetail(lastDriftRun).drift ?? null) : null;
    model = {
      version: prod.version,
      ageDays: (Date.now() - Date.parse(prod.createdAt)) / 86_400_000,
      trainingRows: prod.training.rows,
      f1: score?.f1 ?? null,
      score,
      lastDrift: lastDriftRun && drift ? { at: lastDriftRun.startedAt, ...drift } : null,
    };
  }
  const dependencies = opts.dependencies === false ? { status: 'skipped' as const, packages: [] as [], problems: ['skipped (--no-dependencies)'] } : await dependencyHealth({ timeoutMs: opts.timeoutMs });
  return { dataset: loaded ? { hash: loaded.hash, rows: loaded.dataset.rows } : null, summary, missing, rejected, timings: stepTimings(runs), dependencies, model };
}
