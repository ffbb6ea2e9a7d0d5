import type { RankCurves } from './curves.js';
import { baseSpec, COLORS, round, type ChartSpec } from './theme.js';

/** Precision against recall, with the share of leavers as the no-skill baseline. */
export function precisionRecallChart(curves: RankCurves, averagePrecision: number | null): ChartSpec {
  const base = curves.rows ? curves.positives / curves.rows : 0;
  const values = curves.points.slice(1).map((p) => ({ recall: round(p.tpr), precision: round(p.precision), series: 'model' }));
  const baseline = [{ recall: 0, precision: round(base), series: 'no skill (share who left)' }, { recall: 1, precision: round(base), series: 'no skill (share who left)' }];
  const ap = averagePrecision === null ? 'undefined' : averagePrecision.toFixed(3);
  const spec = baseSpec(`Precision–recall curve (average precision ${ap})`, `Test data; baseline = ${(base * 100).toFixed(1)}% of rows left`, {
    height: 300,
    width: 300,
    data: { values: [...values, ...baseline] },
    mark: { type: 'line', strokeWidth: 2.5, clip: true },
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: 'Recall (leavers caught)', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } },
      y: { field: 'precision', type: 'quantitative', title: 'Precision (flagged who left)', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'no skill (share who left)'], range: [COLORS.primary, COLORS.baseline] } },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'no skill (share who left)'], range: [[1, 0], [5, 4]] } },
      order: { field: 'recall', type: 'quantitative' },
    },
  });
  return { name: 'precision-recall', title: 'Precision–recall curve', spec };
}
