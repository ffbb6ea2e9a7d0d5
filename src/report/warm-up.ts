import { confusionMatrixChart } from './charts/confusion-matrix.js';
import { rankCurves } from './charts/curves.js';
import { gainsChart } from './charts/gains.js';
import { rocChart } from './charts/roc.js';
import { FONT, FONT_BOLD } from './pdf/table.js';
import { reportLibs, specToSvg } from './render.js';

/**
 * Get the report's libraries loaded and their hot code compiled before the report is due: the
 * report worker runs this while the pipeline's steps still run on the main thread. A cold vega
 * takes ~3× as long for its first charts as a warm one (V8 compiles its dataflow code on first
 * use), and fontkit decodes the font's tables on the first text it lays out. Three charts of the
 * report's own kinds, drawn from made-up data into SVG and into a PDF that is thrown away.
 * `stop` is asked between steps: once the real report is due, what is left of the warm-up would
 * only delay it (the libraries themselves are always loaded).
 */
export async function warmUp(stop: () => boolean = () => false): Promise<void> {
  await Promise.all([reportLibs(), import('svg-to-pdfkit'), import('./pdf/document.js')]);
  // vega settles through promises only: yield to the event loop so a request message gets in.
  const stopNow = async () => (await new Promise((r) => setImmediate(r)), stop());
  const n = 400;
  const y = new Uint8Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = ((i * 7919) % n) / n;
    y[i] = p[i] + ((i * 104729) % 97) / 200 > 0.6 ? 1 : 0;
  }
  const curves = rankCurves(y, p);
  const specs = [confusionMatrixChart([[200, 40], [30, 130]], 0.5), rocChart(curves, 0.8), gainsChart(curves, 50)];
  // The first chart (vega's code paths), then the PDF side with it (svg-to-pdfkit, fontkit's
  // layout), then more charts: the steps in the order of what they save.
  for (const [i, c] of specs.entries()) {
    if (await stopNow()) return;
    const svg = await specToSvg(c.spec);
    if (i === 0) {
      if (await stopNow()) return;
      await warmPdf(svg);
    }
  }
}

async function warmPdf(svg: string): Promise<void> {
  const [{ PDFDocument, fonts }, { default: SVGtoPDF }] = await Promise.all([reportLibs(), import('svg-to-pdfkit')]);
  const doc = new PDFDocument({ size: 'A4', margin: 50 });
  doc.registerFont(FONT, fonts.regular as never);
  doc.registerFont(FONT_BOLD, fonts.bold as never);
  doc.on('data', () => undefined);
  SVGtoPDF(doc, svg.replace(/ stroke-dasharray="1,0"/g, ''), 50, 50, { width: 400, height: 300, assumePt: true, fontCallback: (_f, bold) => (bold ? FONT_BOLD : FONT) });
  doc.font(FONT_BOLD).fontSize(12).text('Warm-up 0123456789', 50, 400, { width: 400 });
  doc.font(FONT).fontSize(9).text('Share of clients — precision, recall (%)', 50, 420, { width: 400 });
  doc.end();
}
