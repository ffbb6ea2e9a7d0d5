import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from '../context.js';
import type { RunResult } from '../pipeline/run.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError } from '../util/errors.js';
import { reportCharts } from './charts/index.js';
import { collectReportData, type Verdict } from './data.js';
import { specToSvg, svgToPng } from './render.js';

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
 */
export async function report(ctx: Context, opts: { out?: string; dependencies?: boolean; timeoutMs?: number; run?: RunResult } = {}): Promise<ReportResult> {
  const t0 = performance.now();
  const dir = resolve(opts.out ?? join(reportsFolder(ctx), 'latest'));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DataError(`${dir}: cannot create the report folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const data = await collectReportData(ctx, { run: opts.run, dependencies: opts.dependencies, timeoutMs: opts.timeoutMs });
  const files: ReportFile[] = [];
  const write = (name: string, body: string | Uint8Array, meta: Omit<ReportFile, 'path' | 'bytes'>) => {
    const path = join(dir, name);
    writeFileAtomicSync(path, body);
    files.push({ path, bytes: statSync(path).size, ...meta });
    return path;
  };
  const charts = reportCharts(data, ctx.config.drift.model_rule);
  const svgs = new Map<string, string>();
  for (const c of charts) {
    const svg = await specToSvg(c.spec);
    svgs.set(c.name, svg);
    write(`${c.name}.svg`, svg, { type: 'svg', chart: c.name, title: c.title });
    const png = await svgToPng(svg);
    write(`${c.name}.png`, png.png, { type: 'png', chart: c.name, title: c.title, width: png.width, height: png.height });
  }
  const { writePdf } = await import('./pdf/document.js');
  const pdf = await writePdf(data, charts.map((c) => ({ ...c, svg: svgs.get(c.name)! })), ctx.config);
  const pdfPath = write('report.pdf', pdf.bytes, { type: 'pdf', title: 'Model report' });
  write('diagnostics.json', JSON.stringify(data.diagnosis, null, 2) + '\n', { type: 'json', title: 'riskwatch diagnose --json' });
  const summary = {
    format: 'riskwatch.report/1',
    generatedAt: data.generatedAt,
    version: data.model.version,
    verdict: data.verdict,
    run: data.run,
    metrics: data.test.metrics,
    drift: data.drift && { datasetDrift: data.drift.datasetDrift, driftedFeatures: data.drift.driftedFeatures, current: data.drift.current, features: data.drift.features, predictionDrift: data.drift.predictionDrift },
    topClients: data.topClients,
    pages: pdf.pages,
  };
  write('report.json', JSON.stringify(summary, null, 2) + '\n', { type: 'json', title: 'report summary' });
  return { dir, pdf: pdfPath, version: data.model.version, verdict: data.verdict, generatedAt: data.generatedAt, pages: pdf.pages, files, ms: Math.round(performance.now() - t0) };
}
