import { Axes, Chart, COLORS, scale, ticks, type LegendItem } from './frame';
import { compact } from '../format';

export interface HistSeries {
  name: string;
  shares: number[];
  color?: string;
  /** Drawn as an outline over the filled first series. */
  outline?: boolean;
}

/**
 * Histograms on shared bin edges: the first series filled, the others as step outlines on top,
 * so reference and current can be read against each other. `marks` are vertical guides.
 */
export function HistogramChart(props: {
  id: string;
  title: string;
  subtitle?: string;
  edges: number[];
  series: HistSeries[];
  xLabel: string;
  yLabel?: string;
  openEnded?: boolean;
  marks?: Array<{ x: number; label: string; color: string }>;
  yFormat?: (v: number) => string;
  compactSize?: boolean;
}) {
  const width = 480;
  const height = props.compactSize ? 240 : 300;
  const m = { top: 16, right: 18, bottom: 44, left: 62 };
  const { edges } = props;
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  const maxShare = Math.max(1e-9, ...props.series.flatMap((s) => s.shares));
  const x = scale(lo, hi, m.left, width - m.right);
  const y = scale(0, maxShare * 1.08, height - m.bottom, m.top);
  const legend: LegendItem[] = props.series.map((s, i) => ({ label: s.name, color: s.color ?? COLORS[i % COLORS.length], kind: i === 0 ? 'box' : 'line' }));
  for (const mk of props.marks ?? []) legend.push({ label: mk.label, color: mk.color, kind: 'dash' });
  const yFormat = props.yFormat ?? ((v: number) => `${+(v * 100).toFixed(1)}%`);
  return (
    <Chart id={props.id} title={props.title} subtitle={props.subtitle} width={width} height={height} legend={legend}>
      <Axes
        x={x}
        y={y}
        xTicks={ticks(lo, hi, 5)}
        yTicks={ticks(0, maxShare * 1.08, 4)}
        m={m}
        width={width}
        height={height}
        xLabel={props.xLabel + (props.openEnded ? ' (last bin: and above)' : '')}
        yLabel={props.yLabel ?? 'share of rows'}
        yFormat={yFormat}
        xFormat={compact}
      />
      {props.series.map((s, si) => {
        const color = s.color ?? COLORS[si % COLORS.length];
        if (si === 0)
          return (
            <g key={s.name} fill={color} fill-opacity="0.35">
              {s.shares.map((v, b) => (
                <rect class="datum" x={x(edges[b]) + 0.5} width={Math.max(0.5, x(edges[b + 1]) - x(edges[b]) - 1)} y={y(v)} height={Math.max(0, y(0) - y(v))}>
                  <title>{`${s.name}: ${compact(edges[b])}–${compact(edges[b + 1])}: ${(v * 100).toFixed(1)}%`}</title>
                </rect>
              ))}
            </g>
          );
        const d = s.shares.map((v, b) => `${b ? 'L' : 'M'}${x(edges[b]).toFixed(1)},${y(v).toFixed(1)}H${x(edges[b + 1]).toFixed(1)}`).join('');
        return (
          <path key={s.name} class="datum" d={d} fill="none" stroke={color} stroke-width="2.25">
            <title>{s.name}</title>
          </path>
        );
      })}
      {(props.marks ?? []).map((mk) => (
        <line key={mk.label} x1={x(mk.x)} x2={x(mk.x)} y1={m.top} y2={height - m.bottom} stroke={mk.color} stroke-width="1.75" stroke-dasharray="5 3" />
      ))}
    </Chart>
  );
}
