import type { CalibrationBin } from '../../stats/reference.js';
import { baseSpec, COLORS, round, type ChartSpec } from './theme.js';

/**
 * Reliability plot: per 10%-wide risk bin, the mean predicted risk against the share who left,
 * on the test data and (when stored) on the model's training rows; on the diagonal = calibrated.
 */
export function calibrationChart(test: { bins: CalibrationBin[]; ece: number }, training?: { bins: CalibrationBin[]; ece: number }): ChartSpec {
  const rows = (bins: CalibrationBin[], series: string) => bins.filter((b) => b.count > 0).map((b) => ({ predicted: round(b.meanPredicted), observed: round(b.observedRate), count: b.count, series }));
  const testName = `test data (ECE ${test.ece.toFixed(3)})`;
  const trainName = training ? `training rows (ECE ${training.ece.toFixed(3)})` : '';
  const perfect = 'perfectly calibrated';
  const values = [...rows(test.bins, testName), ...(training ? rows(training.bins, trainName) : [])];
  const domain = training ? [testName, trainName, perfect] : [testName, perfect];
  const range = training ? [COLORS.primary, COLORS.secondary, COLORS.baseline] : [COLORS.primary, COLORS.baseline];
  const dashes = training ? [[1, 0], [1, 0], [5, 4]] : [[1, 0], [5, 4]];
  const x = { field: 'predicted', type: 'quantitative', title: 'Mean predicted risk', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } };
  const y = { field: 'observed', type: 'quantitative', title: 'Share who left', scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 5 } };
  // One legend, each series drawn as the line it is — the diagonal dashed. A line with points
  // gets dots as legend symbols by default (the diagonal showed a dot): strokes are asked for.
  const legend = { symbolType: 'stroke' };
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain, range }, legend };
  const strokeDash = { field: 'series', type: 'nominal', title: null, scale: { domain, range: dashes }, legend };
  const spec = baseSpec('Calibration (reliability)', 'Mean predicted risk per 10%-wide bin against the share who actually left', {
    height: 300,
    width: 300,
    layer: [
      { data: { values: [{ predicted: 0, observed: 0, series: perfect }, { predicted: 1, observed: 1, series: perfect }] }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, strokeDash } },
      { data: { values }, mark: { type: 'line', point: { filled: true, size: 60 }, strokeWidth: 2.5 }, encoding: { x, y, color, strokeDash, order: { field: 'predicted', type: 'quantitative' } } },
    ],
  });
  return { name: 'calibration', title: 'Calibration (reliability)', spec };
}
