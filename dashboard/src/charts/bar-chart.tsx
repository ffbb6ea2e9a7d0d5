import { Chart, COLORS, scale, ticks, type LegendItem } from './frame';

/** A category label longer than this is cut (the full text is in the bars' tooltips). */
const MAX_LABEL = 22;
const MARK_COLOR = '#fef3c7';
const cut = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

/**
 * Horizontal grouped bars: one row per category, one bar per series (timings, missing shares,
 * category shares). `marked` rows get a pale band behind them and a legend entry (categories
 * training never had).
 */
export function BarChart(props: {
  id: string;
  title: string;
  subtitle?: string;
  categories: string[];
  /** What the axis shows per category when not the category itself (cut to MAX_LABEL either way); tooltips name the category. */
  labels?: string[];
  series: Array<{ name: string; values: number[]; color?: string }>;
  xLabel: string;
  /** Omitted: no y-axis title (the chart's title names what the rows are). */
  yLabel?: string;
  format: (v: number) => string;
  maxValue?: number;
  marked?: { rows: boolean[]; label: string };
}) {
  const width = 480;
  const rowH = 16 * props.series.length + 14;
  const m = { top: 10, right: 60, bottom: 44, left: 150 };
  const height = m.top + m.bottom + rowH * props.categories.length;
  const max = Math.max(props.maxValue ?? 0, 1e-12, ...props.series.flatMap((s) => s.values));
  const x = scale(0, max, m.left, width - m.right);
  const legend: LegendItem[] = props.series.map((s, i) => ({ label: s.name, color: s.color ?? COLORS[i % COLORS.length], kind: 'box' }));
  if (props.marked?.rows.some(Boolean)) legend.push({ label: props.marked.label, color: '#f59e0b', kind: 'band' });
  const xt = ticks(0, max, 4);
  return (
    <Chart id={props.id} title={props.title} subtitle={props.subtitle} width={width} height={height} legend={legend}>
      {xt.map((t) => (
        <g key={t}>
          <line class="grid" x1={x(t)} x2={x(t)} y1={m.top} y2={height - m.bottom} />
          <text class="tick" x={x(t)} y={height - m.bottom + 16} text-anchor="middle">
            {props.format(t)}
          </text>
        </g>
      ))}
      <line class="axis" x1={m.left} x2={m.left} y1={m.top} y2={height - m.bottom} />
      <line class="axis" x1={m.left} x2={width - m.right} y1={height - m.bottom} y2={height - m.bottom} />
      {props.categories.map((c, ci) => {
        const top = m.top + ci * rowH + 7;
        return (
          <g key={c} class={props.marked?.rows[ci] ? 'bar-row marked' : 'bar-row'}>
            {props.marked?.rows[ci] && <rect class="mark-band" x={4} y={top - 5} width={width - m.right - 4} height={rowH - 4} rx="3" fill={MARK_COLOR} />}
            <text class="tick" x={m.left - 8} y={top + (rowH - 14) / 2} text-anchor="end" dominant-baseline="middle">
              {cut(props.labels?.[ci] ?? c)}
            </text>
            {props.series.map((s, si) => {
              const v = s.values[ci] ?? 0;
              const color = s.color ?? COLORS[si % COLORS.length];
              return (
                <g key={s.name}>
                  <rect class="datum" x={m.left} y={top + si * 16} width={Math.max(1, x(v) - m.left)} height="13" rx="2" fill={color}>
                    <title>{`${c} — ${s.name}: ${props.format(v)}`}</title>
                  </rect>
                  <text class="bar-value" x={x(v) + 4} y={top + si * 16 + 7} dominant-baseline="middle">
                    {props.format(v)}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      <text class="axis-label" x={(m.left + width - m.right) / 2} y={height - 6} text-anchor="middle">
        {props.xLabel}
      </text>
      {props.yLabel && (
        <text class="axis-label" transform={`translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)`} text-anchor="middle">
          {props.yLabel}
        </text>
      )}
    </Chart>
  );
}
