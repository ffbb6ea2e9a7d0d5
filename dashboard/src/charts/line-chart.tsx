import { Axes, Chart, COLORS, scale, ticks, type LegendItem } from './frame';

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
  color?: string;
  dashed?: boolean;
}

/**
 * Lines (ROC, PR, metric trends). `categories` turns x into named positions (model versions);
 * `reference` draws a dashed guide (the ROC diagonal, the PR baseline).
 */
export function LineChart(props: {
  id: string;
  title: string;
  subtitle?: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  xDomain?: [number, number];
  yDomain?: [number, number];
  categories?: string[];
  reference?: { points: Array<{ x: number; y: number }>; label: string };
  markers?: boolean;
  square?: boolean;
  yFormat?: (v: number) => string;
  xFormat?: (v: number) => string;
}) {
  const width = 480;
  const height = props.square ? 400 : 300;
  const m = { top: 14, right: 18, bottom: 44, left: 56 };
  const all = props.series.flatMap((s) => s.points);
  const xd = props.xDomain ?? [Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x))];
  const yd = props.yDomain ?? [Math.min(0, ...all.map((p) => p.y)), Math.max(...all.map((p) => p.y))];
  const pad = props.categories ? 0.5 : 0;
  const x = scale(xd[0] - pad, xd[1] + pad, m.left, width - m.right);
  const y = scale(yd[0], yd[1], height - m.bottom, m.top);
  const xTicks = props.categories ? props.categories.map((_, i) => i) : ticks(xd[0], xd[1], 5);
  const legend: LegendItem[] = props.series.map((s, i) => ({ label: s.name, color: s.color ?? COLORS[i % COLORS.length], kind: s.dashed ? 'dash' : 'line' }));
  if (props.reference) legend.push({ label: props.reference.label, color: '#94a3b8', kind: 'dash' });
  const path = (pts: Array<{ x: number; y: number }>) => pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
  return (
    <Chart id={props.id} title={props.title} subtitle={props.subtitle} width={width} height={height} legend={legend}>
      <Axes
        x={x}
        y={y}
        xTicks={xTicks}
        yTicks={ticks(yd[0], yd[1], 5)}
        m={m}
        width={width}
        height={height}
        xLabel={props.xLabel}
        yLabel={props.yLabel}
        xFormat={props.categories ? (i) => props.categories![i] ?? '' : props.xFormat}
        yFormat={props.yFormat}
      />
      {props.reference && <path d={path(props.reference.points)} fill="none" stroke="#94a3b8" stroke-width="1.5" stroke-dasharray="5 4" />}
      {props.series.map((s, i) => {
        const color = s.color ?? COLORS[i % COLORS.length];
        return (
          <g key={s.name}>
            <path class="datum" d={path(s.points)} fill="none" stroke={color} stroke-width="2.25" stroke-linejoin="round" stroke-dasharray={s.dashed ? '6 4' : undefined}>
              <title>{s.name}</title>
            </path>
            {props.markers &&
              s.points.map((p) => (
                <circle class="datum" cx={x(p.x)} cy={y(p.y)} r="3.5" fill="#fff" stroke={color} stroke-width="2">
                  <title>{`${s.name}: ${p.y.toFixed(3)}`}</title>
                </circle>
              ))}
          </g>
        );
      })}
    </Chart>
  );
}
