import { confusionShares, CONFUSION_CONVENTION } from '../figures.js';
import { baseSpec, pct, type ChartSpec } from './theme.js';

/** Confusion matrix at the model's threshold: four cells with count and share of the actual class (as on the dashboard). */
export function confusionMatrixChart(cm: [[number, number], [number, number]], threshold: number): ChartSpec {
  const [[tn, fp], [fn, tp]] = cm;
  const n = tn + fp + fn + tp || 1;
  const [[sTn, sFp], [sFn, sTp]] = confusionShares(cm);
  const cell = (actual: string, predicted: string, count: number, share: number, correct: boolean) => ({ actual, predicted, count, label: `${count.toLocaleString('en-US')}`, share: pct(share), correct });
  const values = [cell('stayed (0)', 'stay (0)', tn, sTn, true), cell('stayed (0)', 'leave (1)', fp, sFp, false), cell('left (1)', 'stay (0)', fn, sFn, false), cell('left (1)', 'leave (1)', tp, sTp, true)];
  const order = { actual: ['stayed (0)', 'left (1)'], predicted: ['stay (0)', 'leave (1)'] };
  const spec = baseSpec('Confusion matrix', [`Test data, ${n.toLocaleString('en-US')} rows; predicted to leave when risk > ${threshold}`, `Counts, and ${CONFUSION_CONVENTION}`], {
    width: 360,
    height: 240,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order.predicted, title: 'Predicted', axis: { labelAngle: 0, orient: 'top', domain: false, ticks: false } },
      y: { field: 'actual', type: 'nominal', sort: order.actual, title: 'Actual', axis: { domain: false, ticks: false } },
    },
    layer: [
      { mark: { type: 'rect', stroke: 'white', strokeWidth: 2 }, encoding: { color: { field: 'count', type: 'quantitative', title: 'Rows', scale: { scheme: 'blues', zero: true }, legend: { orient: 'right', direction: 'vertical', gradientLength: 160 } } } },
      { mark: { type: 'text', fontSize: 18, fontWeight: 'bold', dy: -9 }, encoding: { text: { field: 'label' }, color: { condition: { test: `datum.count > ${Math.max(tn, fp, fn, tp) / 2}`, value: 'white' }, value: '#222222' } } },
      { mark: { type: 'text', fontSize: 12, dy: 12 }, encoding: { text: { field: 'share' }, color: { condition: { test: `datum.count > ${Math.max(tn, fp, fn, tp) / 2}`, value: 'white' }, value: '#444444' } } },
    ],
  });
  return { name: 'confusion-matrix', title: 'Confusion matrix', spec };
}
