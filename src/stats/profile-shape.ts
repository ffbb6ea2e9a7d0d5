/**
 * The stored reference distribution as something to draw: weighted values, a step CDF and a
 * quantile, the same way for every kind a profile may hold (runs, a sample, a quantile sketch) — so
 * the charts and the dashboard never read `distribution.values` as if each were one row.
 */

import type { ReferenceProfile } from './profile.js';

/** Values and their weights (rows for runs; one each for a sample or the sketch's quantiles). */
export function profileWeights(p: ReferenceProfile): { values: number[]; weights?: number[] } {
  const d = p.distribution;
  return d.kind === 'runs' ? { values: d.values, weights: d.counts } : { values: d.values };
}

/** Cumulative weights after each stored value (its last entry is the total). */
const cumulative = new WeakMap<ReferenceProfile['distribution'], Float64Array>();
function cumulativeOf(p: ReferenceProfile): Float64Array {
  const d = p.distribution;
  let c = cumulative.get(d);
  if (!c) {
    c = new Float64Array(d.values.length);
    for (let i = 0, s = 0; i < c.length; i++) c[i] = s += d.kind === 'runs' ? d.counts[i] : 1;
    cumulative.set(d, c);
  }
  return c;
}

/** Share of the reference at or below x (a step CDF over the stored values). */
export function profileCdf(p: ReferenceProfile, x: number): number {
  const v = p.distribution.values;
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  if (p.distribution.kind !== 'runs') return lo / v.length;
  const c = cumulativeOf(p);
  return lo === 0 ? 0 : c[lo - 1] / c[c.length - 1];
}

/** The stored value at share p (nearest rank of the weighted values). */
export function profileQuantile(p: ReferenceProfile, share: number): number {
  const v = p.distribution.values;
  if (p.distribution.kind !== 'runs') return v[Math.min(v.length - 1, Math.max(0, Math.round(share * (v.length - 1))))];
  const c = cumulativeOf(p);
  const total = c[c.length - 1];
  const rank = Math.min(total - 1, Math.max(0, Math.round(share * (total - 1))));
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid] > rank) hi = mid;
    else lo = mid + 1;
  }
  return v[lo];
}
