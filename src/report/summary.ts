import type { ColumnSummary } from '../contracts/api.js';
import type { Dataset } from '../data/dataset.js';
import { NO_LABEL } from '../data/dataset.js';
import { compensatedSum, quantileSorted, sortedNonMissing } from '../stats/sorted.js';

export type { ColumnSummary };

export function describeColumn(col: Float64Array): ColumnSummary {
  const s = sortedNonMissing(col);
  const n = s.length;
  if (n === 0) return { count: 0, mean: null, median: null, std: null, min: null, max: null, q25: null, q75: null };
  const mean = compensatedSum(s) / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i] - mean) * (s[i] - mean);
  return {
    count: n,
    mean,
    median: quantileSorted(s, 0.5),
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    min: s[0],
    max: s[n - 1],
    q25: quantileSorted(s, 0.25),
    q75: quantileSorted(s, 0.75),
  };
}

/** Every numeric column of the dataset: the features and the label. */
export function summaryStatistics(ds: Dataset, target: string): Record<string, ColumnSummary> {
  const out: Record<string, ColumnSummary> = {};
  ds.features.forEach((f, j) => (out[f] = describeColumn(ds.x[j])));
  out[target] = describeColumn(Float64Array.from(ds.y, (v) => (v === NO_LABEL ? Number.NaN : v)));
  return out;
}
