/**
 * What every chart shares: the font (DejaVu Sans, bundled in assets/fonts so text renders the same
 * on every machine), sizes and colours. Specs are plain vega-lite JSON: the dashboard can render
 * the same objects in a browser.
 */
export const FONT = 'DejaVu Sans';

/** A colour-blind-safe pair and neutrals (Okabe–Ito blue / orange). */
export const COLORS = { primary: '#0072B2', secondary: '#E69F00', reference: '#7F9FBF', baseline: '#888888', band: '#D9EAD3', alert: '#D55E00', grid: '#E5E5E5' };

/** Plot area of one chart, in px (the PNG is rendered at 2×). */
export const WIDTH = 460;
export const HEIGHT = 260;

export type VegaLiteSpec = Record<string, unknown>;

/** A chart: its file name (without extension), title, and the vega-lite spec. */
export interface ChartSpec {
  name: string;
  title: string;
  spec: VegaLiteSpec;
}

export const VEGA_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 12,
  view: { stroke: null },
  title: { font: FONT, fontSize: 15, fontWeight: 'bold', anchor: 'start', color: '#222222', subtitleFont: FONT, subtitleFontSize: 11, subtitleColor: '#555555', offset: 10 },
  axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333333', labelColor: '#444444', gridColor: COLORS.grid, domainColor: '#999999', tickColor: '#999999' },
  legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', orient: 'bottom', direction: 'horizontal', symbolSize: 120, labelLimit: 320, columnPadding: 18 },
  text: { font: FONT },
  mark: { font: FONT },
};

/** A spec with the shared size, config and title. */
export function baseSpec(title: string, subtitle: string | string[] | undefined, body: VegaLiteSpec): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle ? { text: title, subtitle } : { text: title },
    width: WIDTH,
    height: HEIGHT,
    config: VEGA_CONFIG,
    ...body,
  };
}

/** Rounded for display and to keep the embedded data small. */
export function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function pct(v: number, digits = 1): string {
  return `${(v * 100).toFixed(digits)}%`;
}
