import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { makeContext } from '../context.js';
import type { RunResult } from '../contracts/run.js';
import { runPipeline } from '../pipeline/run.js';
import { runReportWriter } from '../report/run-report.js';
import { currentProduction } from '../registry/production.js';
import { openStore } from '../store/open.js';
import type { Logger } from '../util/log.js';
import { terminalProgress, type Progress } from '../util/progress.js';
import type { CategoryMix } from './categories.js';
import { appendMonths, simulate, type Scenario } from './generate.js';

export interface DemoStep {
  month: string;
  scenario: Scenario | 'initial';
  /** The month's mix of categories (absent for the history): `expansion` brings a region training never had. */
  mix?: CategoryMix;
  run: RunResult;
}

export interface DemoResult {
  workspace: string;
  created: boolean;
  steps: DemoStep[];
  production: string | null;
}

/**
 * The story a new workspace plays: a year of history, then months in which the market moves. The
 * last month the company opens a region it never served (NEW_REGION) and more clients sign monthly
 * contracts and pay by electronic check: category drift, the new region named as unseen.
 */
const STORY: Array<{ scenario: Scenario; mix: CategoryMix }> = [
  { scenario: 'none', mix: 'base' },
  { scenario: 'none', mix: 'base' },
  { scenario: 'covariate', mix: 'base' },
  { scenario: 'concept', mix: 'base' },
  { scenario: 'concept', mix: 'base' },
  { scenario: 'none', mix: 'expansion' },
];

/**
 * `npm start`: create a workspace from the generator (the crm profile: activity counts and five
 * text categories) if there is none and play the story through `run` — the first model is
 * deployed, quiet months keep it, shifted inputs are noticed without retraining, a changed
 * relationship triggers retraining and a champion/challenger decision, and a new region shows as
 * category drift.
 * In an existing workspace: one run.
 */
export async function runDemo(dir: string, log: Logger, progress: Progress = terminalProgress()): Promise<DemoResult> {
  const workspace = resolve(dir);
  const configPath = join(workspace, 'config.json');
  const created = !existsSync(configPath);
  if (created) {
    const sim = simulate({ out: workspace, profile: 'crm' });
    log.info({ workspace, clients: sim.clients }, `created demo workspace ${workspace}`);
  }
  const config = loadConfig(configPath);
  const store = await openStore(config);
  const ctx = makeContext(config, store, log, progress);
  const steps: DemoStep[] = [];
  const report = runReportWriter(ctx);
  try {
    steps.push({ month: 'clients-2025-01 … 12', scenario: 'initial', run: await runPipeline(ctx, { report }) });
    if (created) {
      for (const { scenario, mix } of STORY) {
        const added = appendMonths({ out: workspace, scenario, mix, months: 1 });
        steps.push({ month: added.files[0].name.replace(/\.csv$/, ''), scenario, mix, run: await runPipeline(ctx, { report }) });
      }
    }
    return { workspace, created, steps, production: (await currentProduction(ctx))?.version ?? null };
  } finally {
    await store.close();
  }
}
