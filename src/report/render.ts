import { fontFiles } from './fonts.js';
import { FONT, type VegaLiteSpec } from './charts/theme.js';

/**
 * vega-lite spec → SVG (vega's headless View, no browser) → PNG (resvg, with the bundled font
 * only). The libraries are imported on first use: other commands never pay their start-up.
 */
let libs: Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite'); Resvg: typeof import('@resvg/resvg-js').Resvg }> | undefined;

function load() {
  libs ??= (async () => {
    const [vega, vl, resvg] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
    return { vega, vl, Resvg: resvg.Resvg };
  })();
  return libs;
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
