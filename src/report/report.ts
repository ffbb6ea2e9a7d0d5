import { join, resolve } from 'node:path';
import type { Context } from '../context.js';
import type { RunResult } from '../contracts/run.js';
import { DataError } from '../util/errors.js';
import { makeDirSync } from '../util/make-dir.js';
import { collectReportData, type Verdict } from './data.js';
import { renderReportFiles } from './render-files.js';
import type { ReportRenderer } from './report-worker-client.js';

export interface ReportFile {
  path: string;
  type: 'svg' | 'png' | 'pdf' | 'json';
  bytes: number;
  /** The chart's file name stem (svg, png). */
  chart?: string;
  title?: string;
  /** Pixels (png). */
  width?: number;
  height?: number;
}

export interface ReportResult {
  dir: string;
  pdf: string;
  version: string;
  verdict: Verdict;
  generatedAt: string;
  /** Titles of the PDF's pages, in order. */
  pages: string[];
  files: ReportFile[];
  ms: number;
}

/** Default output folder of `riskwatch report`: <reports folder>/latest. */
export function reportsFolder(ctx: Context): string {
  return resolve(ctx.config.dir, ctx.config.report.path);
}

/**
 * `riskwatch report`: charts (SVG + PNG at 2×) and one PDF for the production model and the
 * newest data, plus diagnostics.json and report.json. Every file is written atomically.
 * File order in the result: each chart's SVG then PNG, then the PDF and the JSON files.
 */
export async function report(ctx: Context, opts: { out?: string; dependencies?: boolean; timeoutMs?: number; run?: RunResult; renderer?: ReportRenderer } = {}): Promise<ReportResult> {
  const t0 = performance.now();
  const dir = resolve(opts.out ?? join(reportsFolder(ctx), 'latest'));
  try {
    makeDirSync(dir);
  } catch (err) {
    throw new DataError(`${dir}: cannot create the report folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const data = await collectReportData(ctx, { run: opts.run, dependencies: opts.dependencies, timeoutMs: opts.timeoutMs });
  // Rendered on the renderer's thread when the caller started one (a run), else here.
  const r = opts.renderer ? await opts.renderer.render(data, dir, ctx.config.drift.model_rule) : await renderReportFiles(data, dir, ctx.config.drift.model_rule);
  return { dir, pdf: r.pdf, version: data.model.version, verdict: data.verdict, generatedAt: data.generatedAt, pages: r.pages, files: r.files, ms: Math.round(performance.now() - t0) };
}
