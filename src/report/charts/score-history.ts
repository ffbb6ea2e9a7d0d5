import type { ModelRule } from '../../monitor/model-drift.js';
import { ruleThresholds } from '../../monitor/model-drift.js';
import { baseSpec, COLORS, round, type ChartSpec } from './theme.js';

export interface ScorePoint {
  version: string;
  f1: number;
  at: string;
  /** test, batch or holdout. */
  kind: string;
}

/**
 * F1 of every recorded score, in order, one colour per model version, with the band in which the
 * production model's next score counts as normal under the configured model-drift rule (below
 * the band's floor, with the bootstrap interval, is model drift).
 */
export function scoreHistoryChart(scores: ScorePoint[], production: string | null, rule: ModelRule): ChartSpec {
  const values = scores.map((s, i) => ({ n: i + 1, f1: round(s.f1), version: s.version, kind: s.kind, at: s.at.slice(0, 10) }));
  const history = scores.filter((s) => s.version === production).map((s) => s.f1);
  const floor = ruleThresholds(history);
  const used: ModelRule = floor[rule] === null ? 'raw' : rule;
  const lo = floor[used];
  const sorted = [...history].sort((a, b) => a - b);
  const hi = sorted.length ? sorted[sorted.length - 1] : null;
  const layers: unknown[] = [];
  const versions = [...new Set(scores.map((s) => s.version))];
  if (lo !== null && hi !== null) {
    layers.push({ data: { values: [{ lo: round(lo), hi: round(Math.max(hi, lo)), band: `${production}: normal range` }] }, mark: { type: 'rect', opacity: 0.45 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, fill: { field: 'band', type: 'nominal', title: null, scale: { range: [COLORS.band] }, legend: { orient: 'bottom' } } } });
    layers.push({ data: { values: [{ lo: round(lo) }] }, mark: { type: 'rule', color: COLORS.alert, strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { y: { field: 'lo', type: 'quantitative' } } });
  }
  layers.push({
    data: { values },
    mark: { type: 'line', point: { filled: true, size: 55 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'n', type: 'quantitative', title: 'Score, in the order recorded', axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false, padding: 10 } },
      y: { field: 'f1', type: 'quantitative', title: 'F1', scale: { zero: false, padding: 10 } },
      color: { field: 'version', type: 'nominal', title: 'Model version', sort: versions, scale: { scheme: 'tableau10' } },
      shape: { field: 'kind', type: 'nominal', title: 'Scored on' },
      tooltip: [{ field: 'version' }, { field: 'kind' }, { field: 'at' }, { field: 'f1' }],
    },
  });
  const subtitle = lo === null ? 'No score recorded for the production model yet' : [`Shaded: the normal range of production model ${production}'s F1 (${used} rule).`, `Below ${lo.toFixed(3)} (dashed), with its bootstrap interval, is model drift.`];
  const spec = baseSpec('F1 history across model versions', subtitle, { layer: layers, resolve: { scale: { color: 'independent', fill: 'independent' } } });
  return { name: 'score-history', title: 'F1 history across model versions', spec };
}
