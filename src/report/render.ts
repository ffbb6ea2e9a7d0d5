import { fontFiles } from './fonts.js';
import { FONT, type VegaLiteSpec } from './charts/theme.js';

/**
 * vega-lite spec → SVG (vega's headless View, no browser) → PNG (resvg, with the bundled font
 * only). The libraries are imported on first use: other commands never pay their start-up.
 */
let libs: Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite'); Resvg: typeof import('@resvg/resvg-js').Resvg }> | undefined;

function load() {
  libs ??= (async () => {
    const [vega, vl, resvg, pdfkit] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js'), import('pdfkit')]);
    measureWithBundledFont(vega, pdfkit.default);
    return { vega, vl, Resvg: resvg.Resvg };
  })();
  return libs;
}

/**
 * Without a canvas, vega estimates text as 0.8 em a character — about 1.6× DejaVu Sans's real
 * width — so long titles made charts wide with empty space on the right. Measure with the font's
 * own metrics instead (fontkit, through pdfkit, which the PDF loads anyway), as vl-convert does.
 */
function measureWithBundledFont(vega: typeof import('vega'), PDFDocument: typeof import('pdfkit')): void {
  const f = fontFiles();
  const m = new PDFDocument({ autoFirstPage: false });
  m.registerFont('regular', f.regular);
  m.registerFont('bold', f.bold);
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

/** PNG at `scale` × the SVG's size (2: sharp on screens and in print at the chart's size). */
export async function svgToPng(svg: string, scale = 2): Promise<{ png: Buffer; width: number; height: number }> {
  const { Resvg } = await load();
  const f = fontFiles();
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { fontFiles: [f.regular, f.bold], loadSystemFonts: false, defaultFontFamily: FONT } });
  const img = r.render();
  return { png: img.asPng(), width: img.width, height: img.height };
}
