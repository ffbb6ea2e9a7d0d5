import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { RunReport, RunReportWriter, RunResult } from '../contracts/run.js';
import { fsyncDir } from '../util/atomic.js';
import type { ReportRenderer } from './report-worker-client.js';

export type { RunReport } from '../contracts/run.js';

const RUN_DIR = /^run-(\d+)$/;

/**
 * After a completed run: diagnostics and the report into <report.path>/run-<id>/, built in a
 * temporary folder and renamed into place (a reader never sees half a report), then only the
 * `report.keep` newest run folders are kept. A failure is returned (and logged), never thrown:
 * the run's outcome does not depend on its report.
 */
export async function refreshRunReport(ctx: Context, run: RunResult, renderer?: ReportRenderer): Promise<RunReport> {
  const t0 = performance.now();
  try {
    const { report, reportsFolder } = await import('./report.js');
    const root = reportsFolder(ctx);
    const final = join(root, `run-${run.runId}`);
    const partial = join(root, `.run-${run.runId}.partial-${process.pid}`);
    rmSync(partial, { recursive: true, force: true });
    const r = await report(ctx, { out: partial, dependencies: false, run, renderer });
    rmSync(final, { recursive: true, force: true });
    renameSync(partial, final);
    fsyncDir(root);
    pruneRunReports(root, ctx.config.report.keep);
    removeStalePartials(root);
    return { dir: final, pdf: join(final, 'report.pdf'), files: r.files.length, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    const error = `report not written: ${(err as Error).message}`;
    ctx.log.warn({ runId: run.runId }, error);
    return { error };
  }
}

/**
 * Called as soon as a run finds new data (it will most likely write a report): the process's
 * report renderer starts on its own thread, if it has not yet, and warms up while the pipeline's
 * steps run. Undefined when no worker can be started; the report is then rendered in the
 * process, as `riskwatch report` does.
 */
export async function startRunReportRenderer(): Promise<ReportRenderer | undefined> {
  const { ReportRenderer } = await import('./report-worker-client.js');
  return ReportRenderer.shared();
}

/**
 * The pipeline's report hook (runPipeline's `report` option): the renderer starts when the run
 * has new data, and the report of the completed run goes to <report.path>/run-<id>/.
 */
export function runReportWriter(ctx: Context): RunReportWriter {
  let renderer: ReportRenderer | undefined;
  return {
    async start() {
      renderer = await startRunReportRenderer();
    },
    write: (run) => refreshRunReport(ctx, run, renderer),
  };
}

/** Delete all but the `keep` newest run-<id> folders (newest = highest run id). */
export function pruneRunReports(root: string, keep: number): string[] {
  if (!existsSync(root)) return [];
  const runs = readdirSync(root)
    .map((name) => ({ name, id: Number(RUN_DIR.exec(name)?.[1] ?? Number.NaN) }))
    .filter((r) => Number.isFinite(r.id))
    .sort((a, b) => b.id - a.id);
  const removed = runs.slice(keep).map((r) => join(root, r.name));
  for (const dir of removed) rmSync(dir, { recursive: true, force: true });
  return removed;
}

/**
 * Folders left by a run killed while writing its report. Reports are written under the run lock,
 * so once this run's folder is renamed into place, any partial folder left is stale.
 */
function removeStalePartials(root: string): void {
  for (const name of readdirSync(root)) if (/^\.run-\d+\.partial-\d+$/.test(name)) rmSync(join(root, name), { recursive: true, force: true });
}
