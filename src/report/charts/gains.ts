import type { RankCurves } from './curves.js';
import { baseSpec, COLORS, pct, round, type ChartSpec } from './theme.js';

/** Share of leavers captured and lift when the top `k` rows by risk are contacted (interpolated between curve points). */
export function captureAt(curves: RankCurves, k: number): { share: number; captured: number; lift: number } {
  const share = curves.rows ? Math.min(1, k / curves.rows) : 0;
  const pts = curves.points;
  let captured = 1;
  for (let i = 1; i < pts.length; i++) {
    if (pts[i].share >= share) {
      const a = pts[i - 1], b = pts[i];
      captured = b.share === a.share ? b.tpr : a.tpr + ((share - a.share) / (b.share - a.share)) * (b.tpr - a.tpr);
      break;
    }
  }
  return { share, captured, lift: share > 0 ? captured / share : 0 };
}

/** Cumulative gains: the share of leavers found by contacting clients in order of risk; the top-K capacity marked. */
export function gainsChart(curves: RankCurves, topK: number): ChartSpec {
  const at = captureAt(curves, topK);
  const values = curves.points.map((p) => ({ share: round(p.share), captured: round(p.tpr), series: 'model' }));
  const random = [{ share: 0, captured: 0, series: 'random order' }, { share: 1, captured: 1, series: 'random order' }];
  const label = `top-K = ${topK}: ${pct(at.captured)} of leavers`;
  const spec = baseSpec('Cumulative gains', `Contacting the ${topK.toLocaleString('en-US')} highest-risk rows (${pct(at.share)} of ${curves.rows.toLocaleString('en-US')}) finds ${pct(at.captured)} of those who left — lift ${at.lift.toFixed(1)}×`, {
    layer: [
      {
        data: { values: [...values, ...random] },
        mark: { type: 'line', strokeWidth: 2.5, clip: true },
        encoding: {
          x: { field: 'share', type: 'quantitative', title: 'Share of rows contacted, highest risk first', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } },
          y: { field: 'captured', type: 'quantitative', title: 'Share of leavers found', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'random order', 'top-K capacity'], range: [COLORS.primary, COLORS.baseline, COLORS.alert] } },
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'random order', 'top-K capacity'], range: [[1, 0], [5, 4], [2, 2]] } },
          order: { field: 'share', type: 'quantitative' },
        },
      },
      { data: { values: [{ share: round(at.share), series: 'top-K capacity' }] }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'share', type: 'quantitative' }, color: { field: 'series', type: 'nominal' }, strokeDash: { field: 'series', type: 'nominal' } } },
      { data: { values: [{ share: round(at.share), captured: 0.97, label }] }, mark: { type: 'text', align: 'left', baseline: 'top', dx: 6, fontSize: 11, color: COLORS.alert }, encoding: { x: { field: 'share', type: 'quantitative' }, y: { field: 'captured', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  });
  return { name: 'cumulative-gains', title: 'Cumulative gains', spec };
}

/** Lift: how many times more leavers than a random pick, by share contacted; the top-K capacity marked. */
export function liftChart(curves: RankCurves, topK: number): ChartSpec {
  const at = captureAt(curves, topK);
  // The first 1% is noisy (a handful of rows): start the curve there.
  const values = curves.points.filter((p) => p.share >= 0.01).map((p) => ({ share: round(p.share), lift: round(p.tpr / p.share, 3), series: 'model' }));
  const spec = baseSpec('Lift', `Leavers found per row contacted, relative to a random order; at top-K = ${topK}: ${at.lift.toFixed(1)}×`, {
    layer: [
      {
        data: { values: [...values, { share: 0, lift: 1, series: 'random order' }, { share: 1, lift: 1, series: 'random order' }] },
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: {
          x: { field: 'share', type: 'quantitative', title: 'Share of rows contacted, highest risk first', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } },
          y: { field: 'lift', type: 'quantitative', title: 'Lift (× random)', scale: { zero: true } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'random order', 'top-K capacity'], range: [COLORS.primary, COLORS.baseline, COLORS.alert] } },
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'random order', 'top-K capacity'], range: [[1, 0], [5, 4], [2, 2]] } },
          order: { field: 'share', type: 'quantitative' },
        },
      },
      { data: { values: [{ share: round(at.share), series: 'top-K capacity' }] }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'share', type: 'quantitative' }, color: { field: 'series', type: 'nominal' }, strokeDash: { field: 'series', type: 'nominal' } } },
    ],
  });
  return { name: 'lift', title: 'Lift', spec };
}
