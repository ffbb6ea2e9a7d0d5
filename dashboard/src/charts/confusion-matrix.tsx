import { Chart } from './frame';
import { confusionShares, CONFUSION_CONVENTION, int, pct } from '../format';

/** 2×2 confusion matrix as a heat map: rows actual, columns predicted; counts and shares of each actual class (as in the PDF). */
export function ConfusionMatrix({ matrix, threshold, subtitle }: { matrix: [[number, number], [number, number]]; threshold: number; subtitle?: string }) {
  const width = 480;
  const height = 400;
  const m = { top: 40, right: 20, bottom: 50, left: 110 };
  const cw = (width - m.left - m.right) / 2;
  const ch = (height - m.top - m.bottom) / 2;
  const max = Math.max(1, ...matrix.flat());
  const shares = confusionShares(matrix);
  const labels = ['stays (0)', 'leaves (1)'];
  const names = [
    ['true negatives', 'false positives'],
    ['false negatives', 'true positives'],
  ];
  return (
    <Chart
      id="confusion"
      title={`Confusion matrix at threshold ${threshold}`}
      subtitle={`${subtitle ? `${subtitle} · ` : ''}${CONFUSION_CONVENTION}`}
      width={width}
      height={height}
      legend={[
        { label: 'correct', color: '#2563eb', kind: 'box' },
        { label: 'wrong', color: '#ea580c', kind: 'box' },
      ]}
    >
      {matrix.map((row, r) => {
        return row.map((v, c) => {
          const correct = r === c;
          const a = 0.12 + 0.78 * (v / max);
          const cx = m.left + c * cw;
          const cy = m.top + r * ch;
          const dark = a > 0.55;
          return (
            <g key={`${r}${c}`}>
              <rect class="datum" x={cx + 2} y={cy + 2} width={cw - 4} height={ch - 4} rx="6" fill={correct ? '#2563eb' : '#ea580c'} fill-opacity={a}>
                <title>{`${names[r][c]}: ${v}`}</title>
              </rect>
              <text class={`cell-value ${dark ? 'on-dark' : ''}`} x={cx + cw / 2} y={cy + ch / 2 - 6} text-anchor="middle">
                {int(v)}
              </text>
              <text class={`cell-note ${dark ? 'on-dark' : ''}`} x={cx + cw / 2} y={cy + ch / 2 + 16} text-anchor="middle">
                {`${names[r][c]} · ${pct(shares[r][c])}`}
              </text>
            </g>
          );
        });
      })}
      {labels.map((l, i) => (
        <text key={`c${i}`} class="tick" x={m.left + i * cw + cw / 2} y={m.top - 10} text-anchor="middle">
          {l}
        </text>
      ))}
      {labels.map((l, i) => (
        <text key={`r${i}`} class="tick" x={m.left - 8} y={m.top + i * ch + ch / 2} text-anchor="end" dominant-baseline="middle">
          {l}
        </text>
      ))}
      <text class="axis-label" x={m.left + cw} y={height - 14} text-anchor="middle">
        predicted class
      </text>
      <text class="axis-label" transform={`translate(16 ${m.top + ch}) rotate(-90)`} text-anchor="middle">
        actual class
      </text>
    </Chart>
  );
}
