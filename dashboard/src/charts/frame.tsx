import type { ComponentChildren } from 'preact';
import { compact } from '../format';

/**
 * Hand-written SVG charts: a fixed viewBox scaled to the container's width (responsive without
 * measuring), every chart with a title, labelled axes and a legend. Data marks carry the class
 * `datum` (the browser test counts them).
 */
export const COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#0891b2', '#db2777'];

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const scale = (d0: number, d1: number, r0: number, r1: number) => (v: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

export interface LegendItem {
  label: string;
  color: string;
  kind?: 'line' | 'box' | 'dash' | 'band';
}

export function Legend({ items }: { items: LegendItem[] }) {
  return (
    <ul class="legend" aria-label="legend">
      {items.map((it) => (
        <li key={it.label}>
          <svg width="18" height="10" aria-hidden="true">
            {it.kind === 'band' ? <rect x="1" y="0" width="16" height="10" rx="2" fill="#fef3c7" stroke={it.color} /> : it.kind === 'box' ? <rect x="2" y="1" width="14" height="8" rx="2" fill={it.color} /> : <line x1="1" y1="5" x2="17" y2="5" stroke={it.color} stroke-width="2.5" stroke-dasharray={it.kind === 'dash' ? '3 2' : undefined} />}
          </svg>
          {it.label}
        </li>
      ))}
    </ul>
  );
}

export interface ChartProps {
  id: string;
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
  legend?: LegendItem[];
  children: ComponentChildren;
  class?: string;
}

/** Figure wrapper: heading, the SVG (viewBox), legend. */
export function Chart({ id, title, subtitle, width = 480, height = 300, legend, children, class: cls }: ChartProps) {
  return (
    <figure class={`chart-figure ${cls ?? ''}`}>
      <figcaption>
        <span class="chart-title">{title}</span>
        {subtitle && <span class="chart-subtitle">{subtitle}</span>}
      </figcaption>
      <svg class="chart" data-chart={id} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        <title>{title}</title>
        {children}
      </svg>
      {legend && legend.length > 0 && <Legend items={legend} />}
    </figure>
  );
}

/** Bottom and left axes with grid lines and axis labels. */
export function Axes(props: {
  x: (v: number) => number;
  y: (v: number) => number;
  xTicks: number[];
  yTicks: number[];
  m: Margin;
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
}) {
  const { x, y, xTicks, yTicks, m, width, height, xLabel, yLabel } = props;
  const xf = props.xFormat ?? compact;
  const yf = props.yFormat ?? compact;
  const bottom = height - m.bottom;
  return (
    <g class="axes">
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line class="grid" x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} />
          <text class="tick" x={m.left - 6} y={y(t)} text-anchor="end" dominant-baseline="middle">
            {yf(t)}
          </text>
        </g>
      ))}
      <line class="axis" x1={m.left} x2={width - m.right} y1={bottom} y2={bottom} />
      <line class="axis" x1={m.left} x2={m.left} y1={m.top} y2={bottom} />
      {xTicks.map((t) => (
        <g key={`x${t}`}>
          <line class="axis" x1={x(t)} x2={x(t)} y1={bottom} y2={bottom + 4} />
          <text class="tick" x={x(t)} y={bottom + 16} text-anchor="middle">
            {xf(t)}
          </text>
        </g>
      ))}
      <text class="axis-label" x={(m.left + width - m.right) / 2} y={height - 6} text-anchor="middle">
        {xLabel}
      </text>
      <text class="axis-label" transform={`translate(12 ${(m.top + bottom) / 2}) rotate(-90)`} text-anchor="middle">
        {yLabel}
      </text>
    </g>
  );
}
