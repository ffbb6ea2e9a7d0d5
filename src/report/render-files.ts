import { join } from 'node:path';
import { reportCharts } from './charts/index.js';
import type { ReportData } from './data.js';
import type { ReportFile } from './report.js';
import { specToSvg, svgToPng } from './render.js';
import { ReportWriter } from './write-files.js';

export type ModelRule = Parameters<typeof reportCharts>[1];

/**
 * Everything the report writes, from its collected data: the charts (SVG + PNG at 2×), the PDF,
 * diagnostics.json and report.json, into `dir`. Runs in the process (`riskwatch report`) or in
 * the report worker (after a `run`): it needs the data only, not the store or the config.
 * File order in the result: each chart's SVG then PNG, then the PDF and the JSON files.
 */
export async function renderReportFiles(data: ReportData, dir: string, modelRule: ModelRule): Promise<{ pdf: string; pages: string[]; files: ReportFile[] }> {
  const out = new ReportWriter(dir);
  const files: Array<Promise<ReportFile>> = [];
  const write = (name: string, body: string | Uint8Array, meta: Omit<ReportFile, 'path' | 'bytes'>) => {
    const path = join(dir, name);
    files.push(out.write(path, body).then((bytes) => ({ path, bytes, ...meta })));
    return path;
  };
  let pdf: { bytes: Buffer; pages: string[] };
  let pdfPath: string;
  let written: ReportFile[];
  try {
    // The JavaScript thread draws the charts (vega) and then the PDF; each chart's PNG is rendered
    // by resvg on the thread pool meanwhile, and the files are written as they come.
    const charts = reportCharts(data, modelRule);
    const svgs = new Map<string, string>();
    for (const c of charts) {
      const svg = await specToSvg(c.spec);
      svgs.set(c.name, svg);
      write(`${c.name}.svg`, svg, { type: 'svg', chart: c.name, title: c.title });
      const png = svgToPng(svg);
      files.push(
        png.then(async (p) => {
          const path = join(dir, `${c.name}.png`);
          return { path, bytes: await out.write(path, p.png), type: 'png' as const, chart: c.name, title: c.title, width: p.width, height: p.height };
        }),
      );
      files.at(-1)!.catch(() => undefined); // awaited below, after the PDF
    }
    const { writePdf } = await import('./pdf/document.js');
    pdf = await writePdf(data, charts.map((c) => ({ ...c, svg: svgs.get(c.name)! })));
    pdfPath = write('report.pdf', pdf.bytes, { type: 'pdf', title: 'Model report' });
    write('diagnostics.json', JSON.stringify(data.diagnosis, null, 2) + '\n', { type: 'json', title: 'riskwatch diagnose --json' });
    const summary = {
      format: 'riskwatch.report/1',
      generatedAt: data.generatedAt,
      version: data.model.version,
      verdict: data.verdict,
      run: data.run,
      metrics: data.test.metrics,
      drift: data.drift && { datasetDrift: data.drift.datasetDrift, driftedFeatures: data.drift.driftedFeatures, current: data.drift.current, features: data.drift.features, predictionDrift: data.drift.predictionDrift },
      population: data.population,
      topClients: data.topClients,
      callList: data.callList,
      importance: data.importance,
      family: data.family,
      pages: pdf.pages,
    };
    write('report.json', JSON.stringify(summary, null, 2) + '\n', { type: 'json', title: 'report summary' });
    written = await Promise.all(files);
  } catch (err) {
    // No render or write still running once the error is out.
    await Promise.allSettled(files);
    await out.settled();
    throw err;
  }
  await out.done();
  return { pdf: pdfPath, pages: pdf.pages, files: written };
}
