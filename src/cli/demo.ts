import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { makeContext } from '../context.js';
import { runPipeline, type RunResult } from '../pipeline/run.js';
import { runReportWriter } from '../report/run-report.js';
import { currentProduction } from '../registry/production.js';
import { appendMonths, simulate, type Scenario } from '../simulate/generate.js';
import { openStore } from '../store/open.js';
import { RiskwatchError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { terminalProgress } from '../util/progress.js';

export interface DemoStep {
  month: string;
  scenario: Scenario | 'initial';
  run: RunResult;
}

export interface DemoResult {
  workspace: string;
  created: boolean;
  steps: DemoStep[];
  production: string | null;
}

/** The story a new workspace plays: a year of history, then months in which the market moves. */
const STORY: Scenario[] = ['none', 'none', 'covariate', 'concept', 'concept', 'none'];

/**
 * `npm start`: create a workspace from the generator if there is none and play the story through
 * `run` — the first model is deployed, quiet months keep it, shifted inputs are noticed without
 * retraining, and a changed relationship triggers retraining and a champion/challenger decision.
 * In an existing workspace: one run.
 */
export async function runDemo(dir: string, log: Logger): Promise<DemoResult> {
  const workspace = resolve(dir);
  const configPath = join(workspace, 'config.json');
  const created = !existsSync(configPath);
  if (created) {
    const sim = simulate({ out: workspace });
    log.info({ workspace, clients: sim.clients }, `created demo workspace ${workspace}`);
  }
  const config = loadConfig(configPath);
  const store = await openStore(config);
  const ctx = makeContext(config, store, log, terminalProgress());
  const steps: DemoStep[] = [];
  const report = runReportWriter(ctx);
  try {
    steps.push({ month: 'clients-2025-01 … 12', scenario: 'initial', run: await runPipeline(ctx, { report }) });
    if (created) {
      for (const scenario of STORY) {
        const added = appendMonths({ out: workspace, scenario, months: 1 });
        steps.push({ month: added.files[0].name.replace(/\.csv$/, ''), scenario, run: await runPipeline(ctx, { report }) });
      }
    }
    return { workspace, created, steps, production: (await currentProduction(ctx))?.version ?? null };
  } finally {
    await store.close();
  }
}

export function formatDemo(r: DemoResult): string {
  const lines = [`workspace: ${r.workspace}${r.created ? ' (created from the generator)' : ''}`];
  for (const s of r.steps) {
    const what = s.scenario === 'initial' ? 'history' : s.scenario === 'none' ? 'nothing changes' : s.scenario === 'covariate' ? 'inputs shift' : 'who leaves changes';
    lines.push(`  ${s.month.padEnd(22)} ${what.padEnd(18)} → ${s.run.status}: ${s.run.reason}`);
  }
  lines.push(`production: ${r.production ?? 'none'}`);
  if (r.created) lines.push(`next: riskwatch --config ${join(r.workspace, 'config.json')} drift | run | runs | models`);
  return lines.join('\n');
}

/**
 * The end of `npm start`: serve the demo workspace (API and dashboard) until SIGTERM/SIGINT and
 * print the dashboard's address. On config's port (8000) unless --port; when that port is taken
 * and none was asked for, any free port, so a second demo still starts.
 */
export async function serveDemo(dir: string, log: Logger, opts: { host?: string; port?: number; signal?: AbortSignal; onDashboard: (url: string) => void }): Promise<{ url: string; stopped: true }> {
  const config = loadConfig(join(resolve(dir), 'config.json'));
  const store = await openStore(config);
  const ctx = makeContext(config, store, log);
  const { serve } = await import('../server/app.js');
  const run = (port?: number) => serve(ctx, { host: opts.host, port, signal: opts.signal, onListening: (url) => opts.onDashboard(`${url}/dashboard/`) });
  try {
    try {
      return await run(opts.port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (opts.port !== undefined) throw new RiskwatchError(`port ${opts.port} is in use; pick another with --port`);
      log.warn({ port: config.url.port }, `port ${config.url.port} is in use; serving on a free port`);
      return await run(0);
    }
  } finally {
    await store.close();
  }
}
