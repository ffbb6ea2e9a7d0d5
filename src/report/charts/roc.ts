import type { RankCurves } from './curves.js';
import { baseSpec, COLORS, round, type ChartSpec } from './theme.js';

/** ROC curve with its AUC, against the diagonal of a random ranking. */
export function rocChart(curves: RankCurves, auc: number | null): ChartSpec {
  const values = curves.points.map((p) => ({ fpr: round(p.fpr), tpr: round(p.tpr), series: 'model' }));
  const diagonal = [{ fpr: 0, tpr: 0, series: 'random ranking' }, { fpr: 1, tpr: 1, series: 'random ranking' }];
  const aucText = auc === null ? 'AUC undefined (one class only)' : `AUC ${auc.toFixed(3)}`;
  const spec = baseSpec(`ROC curve (${aucText})`, `Test data: ${curves.rows.toLocaleString('en-US')} rows, ${curves.positives.toLocaleString('en-US')} left`, {
    height: 300,
    width: 300,
    data: { values: [...values, ...diagonal] },
    mark: { type: 'line', strokeWidth: 2.5, clip: true },
    encoding: {
      x: { field: 'fpr', type: 'quantitative', title: 'False positive rate (stayers flagged)', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } },
      y: { field: 'tpr', type: 'quantitative', title: 'True positive rate (leavers caught)', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'random ranking'], range: [COLORS.primary, COLORS.baseline] } },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['model', 'random ranking'], range: [[1, 0], [5, 4]] } },
      order: { field: 'fpr', type: 'quantitative' },
    },
  });
  return { name: 'roc-curve', title: 'ROC curve', spec };
}
