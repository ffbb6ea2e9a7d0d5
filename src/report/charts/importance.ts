import type { GlobalImportance } from '../../population/importance.js';
import { baseSpec, COLORS, round, type ChartSpec } from './theme.js';

/** At most this many bars (highest first); the subtitle says how many more there are. */
const MAX_BARS = 15;

/**
 * Global importance: mean |contribution| per feature over the current clients, highest first, in
 * log-odds (src/population/importance.ts). The dashboard's importance panel shows the same figures.
 */
export function importanceChart(imp: GlobalImportance): ChartSpec {
  const shown = imp.features.slice(0, MAX_BARS);
  const more = imp.features.length - shown.length;
  const subtitle = [
    `How far each feature moves a client's log-odds, on average, either way: mean |contribution| over ${imp.clients.toLocaleString('en-US')} current clients, model ${imp.version}`,
    `Associations the model learned from the data, not causes${more > 0 ? ` · ${more} more features below these` : ''}`,
  ];
  const spec = baseSpec('Global importance: mean |contribution|', subtitle, {
    data: { values: shown.map((f) => ({ feature: f.feature, meanAbs: round(f.meanAbs, 5) })) },
    mark: { type: 'bar', color: COLORS.primary },
    encoding: {
      y: { field: 'feature', type: 'nominal', title: null, sort: shown.map((f) => f.feature), axis: { labelLimit: 160 } },
      x: { field: 'meanAbs', type: 'quantitative', title: 'Mean |contribution| (log-odds)', axis: { tickCount: 5, labelOverlap: 'greedy' } },
    },
  });
  return { name: 'importance', title: 'Global importance (mean |contribution|)', spec };
}

/**
 * A gbdt model's own importance (its document's gbdt.importance.gain: total loss reduction of the
 * splits on each feature, over the training rows), in the order of the contribution chart so the
 * two read side by side — a different measure, labelled as such.
 */
export function gainChart(imp: GlobalImportance): ChartSpec | undefined {
  const gain = imp.gain;
  if (!gain) return undefined;
  const shown = imp.features.slice(0, MAX_BARS);
  const spec = baseSpec('Tree importance: total gain', [`The model document's importance (gbdt.importance.gain): total loss reduction of ${imp.version}'s splits on each`, 'feature over its training rows — a different measure from mean |contribution|, same feature order'], {
    data: { values: shown.map((f) => ({ feature: f.feature, gain: round(gain[f.feature] ?? 0, 4) })) },
    mark: { type: 'bar', color: COLORS.secondary },
    encoding: {
      y: { field: 'feature', type: 'nominal', title: null, sort: shown.map((f) => f.feature), axis: { labelLimit: 160 } },
      x: { field: 'gain', type: 'quantitative', title: 'Total gain (training loss reduction)', axis: { tickCount: 5, labelOverlap: 'greedy' } },
    },
  });
  return { name: 'importance-gain', title: 'Tree importance (total gain)', spec };
}
