import type { ReportData } from '../data.js';
import { modelFeatureNames } from '../../contracts/model-document.js';
import { calibrationChart } from './calibration.js';
import { confusionMatrixChart } from './confusion-matrix.js';
import { featureDistributionChart } from './feature-distribution.js';
import { categorySharesChart } from './category-shares.js';
import { gainsChart, liftChart } from './gains.js';
import { gainChart, importanceChart } from './importance.js';
import { precisionRecallChart } from './precision-recall.js';
import { rocChart } from './roc.js';
import { scoreHistoryChart } from './score-history.js';
import type { ChartSpec } from './theme.js';

export type { ChartSpec } from './theme.js';

/** Every chart of the report, in report order. */
export function reportCharts(d: ReportData, modelRule: Parameters<typeof scoreHistoryChart>[2]): ChartSpec[] {
  const m = d.test.metrics;
  const charts = [
    confusionMatrixChart(m.confusionMatrix, m.threshold),
    rocChart(d.test.curves, m.rocAuc),
    precisionRecallChart(d.test.curves, m.prAuc),
    gainsChart(d.test.curves, d.topK),
    calibrationChart(d.test.calibration, d.reference?.calibration),
    liftChart(d.test.curves, d.topK),
    scoreHistoryChart(d.scores, d.model.version, modelRule),
  ];
  if (d.drift) {
    for (const f of modelFeatureNames(d.model)) {
      const fd = d.drift.features[f];
      const shares = d.drift.categoryShares?.[f];
      if (fd.kind === 'category') {
        if (shares) charts.push(categorySharesChart(f, shares, fd, `current (${d.drift.current.source})`));
      } else if (d.drift.histograms[f]) charts.push(featureDistributionChart(f, d.drift.histograms[f], fd, `current (${d.drift.current.source})`));
    }
  }
  if (d.importance) {
    charts.push(importanceChart(d.importance));
    const gain = gainChart(d.importance);
    if (gain) charts.push(gain);
  }
  return charts;
}
