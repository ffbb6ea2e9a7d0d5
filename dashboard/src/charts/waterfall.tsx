/**
 * A feature gets its own bar when its |contribution| is at least this share of the largest one
 * (the rest are summed in one bar): every feature that moves this client's risk noticeably is
 * named, however many or few that is — not a fixed number.
 */
export const WATERFALL_SHARE = 0.05;
/** At most this many bars of features, however many pass WATERFALL_SHARE (the chart stays readable with many features). */
export const WATERFALL_MAX = 12;

export interface WaterfallStep {
  label: string;
  /** Where the bar starts and ends on the log-odds axis. */
  from: number;
  to: number;
  kind: 'base' | 'up' | 'down' | 'total';
}

/**
 * A client's log-odds built up: the base (the expected log-odds), then each non-trivial
 * contribution (at least WATERFALL_SHARE of the largest; largest first, at most WATERFALL_MAX),
 * the remaining features summed as "N others", and the client's own log-odds — base + Σ
 * contributions = logit(probability), so the last bar ends where the steps do.
 */
export function waterfallSteps(base: number, contributions: Record<string, number>, labels: Record<string, string>): WaterfallStep[] {
  const entries = Object.entries(contributions).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const largest = entries.length ? Math.abs(entries[0][1]) : 0;
  let count = 0;
  while (count < entries.length && count < WATERFALL_MAX && entries[count][1] !== 0 && Math.abs(entries[count][1]) >= WATERFALL_SHARE * largest) count++;
  const shown = entries.slice(0, count);
  const rest = entries.slice(count);
  const steps: WaterfallStep[] = [{ label: 'base (average client)', from: 0, to: base, kind: 'base' }];
  let at = base;
  const add = (label: string, v: number) => {
    steps.push({ label, from: at, to: at + v, kind: v >= 0 ? 'up' : 'down' });
    at += v;
  };
  for (const [f, v] of shown) add(labels[f] ?? f, v);
  if (rest.length) add(`${rest.length} other feature${rest.length === 1 ? '' : 's'}`, rest.reduce((s, [, v]) => s + v, 0));
  steps.push({ label: 'this client', from: 0, to: at, kind: 'total' });
  return steps;
}

const COLOR = { base: '#64748b', up: '#dc2626', down: '#16a34a', total: '#2563eb' };

/** Horizontal waterfall on the log-odds axis; each bar's figure at its end, the risk under the total. */
export function Waterfall({ steps }: { steps: WaterfallStep[] }) {
  const width = 460;
  const rowH = 26;
  const m = { top: 8, right: 70, bottom: 34, left: 170 };
  const plotW = width - m.left - m.right;
  const height = m.top + m.bottom + rowH * steps.length;
  const xs = steps.flatMap((s) => [s.from, s.to]);
  const lo = Math.min(0, ...xs);
  const hi = Math.max(0, ...xs);
  const pad = (hi - lo) * 0.04 || 1;
  const x = (v: number) => m.left + ((v - (lo - pad)) / (hi - lo + 2 * pad)) * plotW;
  const fmt = (v: number) => (v >= 0 ? `+${v.toFixed(2)}` : v.toFixed(2));
  const total = steps[steps.length - 1];
  return (
    <svg class="waterfall" viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="contributions to this client's log-odds" data-testid="waterfall">
      <line x1={x(0)} x2={x(0)} y1={m.top} y2={height - m.bottom} stroke="#94a3b8" stroke-dasharray="3,3" />
      {steps.map((s, k) => {
        const y = m.top + k * rowH;
        const a = x(Math.min(s.from, s.to));
        const b = x(Math.max(s.from, s.to));
        const value = s.kind === 'base' || s.kind === 'total' ? s.to.toFixed(2) : fmt(s.to - s.from);
        return (
          <g key={k} data-testid="waterfall-bar" data-kind={s.kind}>
            <title>{`${s.label}: ${value} log-odds`}</title>
            <text x={m.left - 8} y={y + rowH / 2 + 4} text-anchor="end" font-size="11" fill="#334155">
              {s.label.length > 26 ? `${s.label.slice(0, 25)}…` : s.label}
            </text>
            <rect x={a} y={y + 4} width={Math.max(1.5, b - a)} height={rowH - 8} fill={COLOR[s.kind]} rx="2" />
            <text x={b + 4} y={y + rowH / 2 + 4} font-size="11" fill="#334155">
              {value}
            </text>
            {k > 0 && k < steps.length - 1 && <line x1={x(s.from)} x2={x(s.from)} y1={y - 4} y2={y + 4} stroke="#94a3b8" />}
          </g>
        );
      })}
      <text x={8} y={height - 12} font-size="11" fill="#475569">
        {`log-odds (dashed line: 0 = 50% risk) · this client ${total.to.toFixed(2)}`}
      </text>
    </svg>
  );
}
