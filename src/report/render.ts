import { readFileSync } from 'node:fs';
import { fontFiles } from './fonts.js';
import { FONT, type VegaLiteSpec } from './charts/theme.js';

/** A parsed font as fontkit gives it (pdfkit takes one wherever it takes a font file). */
export type ParsedFont = { layout: (text: string) => unknown };

interface Libs {
  vega: typeof import('vega');
  vl: typeof import('vega-lite');
  resvg: typeof import('@resvg/resvg-js');
  PDFDocument: typeof import('pdfkit');
  /** The bundled font, parsed once: the charts' text measurement and the PDF share it. */
  fonts: { regular: ParsedFont; bold: ParsedFont };
}

/**
 * vega-lite spec → SVG (vega's headless View, no browser) → PNG (resvg, with the bundled font
 * only). The libraries are imported on first use: other commands never pay their start-up.
 */
let libs: Promise<Libs> | undefined;

function load(): Promise<Libs> {
  libs ??= (async () => {
    // fontkit is pdfkit's own font engine; imported by a computed name so the CLI bundle does not
    // inline a second copy of it beside the one pdfkit (external) loads.
    const fontkitName = 'fontkit';
    const [{ vega, vl }, resvg, pdfkit, fontkit] = await Promise.all([import('./vega-libs.js'), import('@resvg/resvg-js'), import('pdfkit'), import(fontkitName) as Promise<{ create: (buf: Uint8Array) => ParsedFont }>]);
    // Decoding DejaVu's tables (cmap, GSUB, GPOS kerning) is the costly part of a font's first use:
    // done once here rather than once for the measurement and again for each PDF document.
    const f = fontFiles();
    const fonts = { regular: fontkit.create(readFileSync(f.regular)), bold: fontkit.create(readFileSync(f.bold)) };
    measureWithBundledFont(vega, pdfkit.default, fonts);
    return { vega, vl, resvg, PDFDocument: pdfkit.default, fonts };
  })();
  return libs;
}

/** The report libraries and the parsed bundled font (for the PDF). */
export function reportLibs(): Promise<Libs> {
  return load();
}

/**
 * Without a canvas, vega estimates text as 0.8 em a character — about 1.6× DejaVu Sans's real
 * width — so long titles made charts wide with empty space on the right. Measure with the font's
 * own metrics instead (fontkit, through pdfkit, which the PDF loads anyway), as vl-convert does.
 */
function measureWithBundledFont(vega: typeof import('vega'), PDFDocument: typeof import('pdfkit'), fonts: Libs['fonts']): void {
  const m = new PDFDocument({ autoFirstPage: false });
  m.registerFont('regular', fonts.regular as never);
  m.registerFont('bold', fonts.bold as never);
  const cache = new Map<string, number>();
  ((vega as unknown as { textMetrics: object }).textMetrics as { width: (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => number }).width = (item, text) => {
    const s = text == null ? '' : String(text).trim();
    if (!s) return 0;
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    const key = `${bold ? 'b' : 'r'}${size} ${s}`;
    let w = cache.get(key);
    if (w === undefined) {
      w = m.font(bold ? 'bold' : 'regular').fontSize(size).widthOfString(s);
      cache.set(key, w);
    }
    return w;
  };
}

export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await load();
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * PNG at `scale` × the SVG's size (2: sharp on screens and in print at the chart's size).
 * resvg parses, lays out the text and rasterises on libuv's thread pool (renderAsync), so several
 * charts render at once and beside the JavaScript thread (vega, the PDF) instead of blocking it.
 */
export async function svgToPng(svg: string, scale = 2): Promise<{ png: Buffer; width: number; height: number }> {
  const { resvg } = await load();
  const f = fontFiles();
  const img = await resvg.renderAsync(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { fontFiles: [f.regular, f.bold], loadSystemFonts: false, defaultFontFamily: FONT } });
  return { png: img.asPng(), width: img.width, height: img.height };
}
