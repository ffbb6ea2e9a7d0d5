import type { ColumnSummary } from '../contracts/api.js';
import type { Dataset } from '../data/dataset.js';
import { NO_LABEL, levelsOf } from '../data/dataset.js';
import { describeCategory } from '../data/kinds/category/describe.js';
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

/** A category column: pandas' count, unique, top, freq; the numeric statistics null. */
export function describeCategoryColumn(codes: Float64Array, levels: readonly string[]): ColumnSummary {
  const d = describeCategory(codes, levels);
  return { count: d.count, mean: null, median: null, std: null, min: null, max: null, q25: null, q75: null, unique: d.unique, top: d.top, freq: d.freq };
}

/** Every column of the dataset, as pandas' describe(include="all"): the features and the label. */
export function summaryStatistics(ds: Dataset, target: string): Record<string, ColumnSummary> {
  const out: Record<string, ColumnSummary> = {};
  ds.features.forEach((f, j) => {
    const levels = levelsOf(ds, j);
    out[f] = levels ? describeCategoryColumn(ds.x[j], levels) : describeColumn(ds.x[j]);
  });
  out[target] = describeColumn(Float64Array.from(ds.y, (v) => (v === NO_LABEL ? Number.NaN : v)));
  return out;
}
