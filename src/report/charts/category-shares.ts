import type { CategoryFeatureDrift } from '../../monitor/drift.js';
import type { CategoryProfile } from '../../stats/category-profile.js';
import { categoryCounts } from '../../data/kinds/category/counts.js';
import { baseSpec, COLORS, round, type ChartSpec } from './theme.js';

/** One bar pair: a category's share of the non-missing rows in the reference and in the current rows. */
export interface CategoryShare {
  category: string;
  reference: number;
  current: number;
  /** Training never had this category. */
  unseen: boolean;
}

/** At most this many bars: the largest categories of either side (the rest are summed in one bar). */
const MAX_BARS = 15;

/**
 * Shares by category of the reference profile and a current coded column (`levels` its
 * dictionary): every category seen in either, largest first (by the larger of its two shares, then
 * text); shares of the non-missing rows. GET /distributions gives these; the chart caps them.
 */
export function allCategoryShares(profile: CategoryProfile, codes: Float64Array, rows: number, levels: readonly string[]): CategoryShare[] {
  const { counts, missing } = categoryCounts(codes, rows, levels);
  const m = rows - missing;
  const cur = new Map<string, number>();
  for (let k = 0; k < levels.length; k++) if (counts[k] > 0) cur.set(levels[k], (cur.get(levels[k]) ?? 0) + counts[k]);
  const known = new Set(profile.categories);
  const all: CategoryShare[] = profile.categories.map((c, i) => ({ category: c, reference: profile.counts[i] / profile.n, current: m ? (cur.get(c) ?? 0) / m : 0, unseen: false }));
  for (const [c, k] of cur) if (!known.has(c)) all.push({ category: c, reference: 0, current: k / m, unseen: true });
  all.sort((a, b) => Math.max(b.reference, b.current) - Math.max(a.reference, a.current) || (a.category < b.category ? -1 : 1));
  return all;
}

/** The chart's bars: allCategoryShares, the largest MAX_BARS - 1 and the rest summed in one bar. */
export function categoryShares(profile: CategoryProfile, codes: Float64Array, rows: number, levels: readonly string[]): CategoryShare[] {
  const all = allCategoryShares(profile, codes, rows, levels);
  if (all.length <= MAX_BARS) return all;
  const rest = all.slice(MAX_BARS - 1);
  return [...all.slice(0, MAX_BARS - 1), { category: `${rest.length} others`, reference: rest.reduce((s, x) => s + x.reference, 0), current: rest.reduce((s, x) => s + x.current, 0), unseen: false }];
}

/** Grouped bars of category shares, reference vs current; categories training never had marked "(new)". */
export function categorySharesChart(feature: string, shares: CategoryShare[], drift: CategoryFeatureDrift, currentLabel: string): ChartSpec {
  const refLabel = 'reference (training data)';
  const label = (s: CategoryShare) => (s.unseen ? `${s.category} (new)` : s.category);
  const values = shares.flatMap((s) => [
    { category: label(s), share: round(s.reference, 5), series: refLabel },
    { category: label(s), share: round(s.current, 5), series: currentLabel },
  ]);
  const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
  const verdict = drift.level === 'drift' ? 'DRIFT' : drift.level === 'possible' ? 'possible drift' : 'no drift';
  const subtitle = [
    `${verdict} (decided by ${drift.method === 'chi2' ? `chi-square, p ${drift.chi2.pValue < 0.001 ? '< 0.001' : fmt(drift.chi2.pValue)}` : `Jensen–Shannon ${fmt(drift.jensenShannon)}`}) · PSI ${fmt(drift.psi.value)} (${drift.psi.level})`,
    `categories never seen in training: ${fmt(drift.unseenShare * 100, 1)}% of current rows${drift.unseen.length ? ` (${drift.unseen.slice(0, 3).map((u) => u.category).join(', ')}${drift.unseen.length > 3 ? ', …' : ''})` : ''}`,
  ];
  const order = shares.map(label);
  const spec = baseSpec(`${feature}: reference vs current`, subtitle, {
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'category', type: 'nominal', title: feature, sort: order },
      yOffset: { field: 'series', sort: [refLabel, currentLabel] },
      x: { field: 'share', type: 'quantitative', title: 'Share of rows (missing left out)', axis: { format: '.0%', tickCount: 5, labelOverlap: 'greedy' } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: [refLabel, currentLabel], range: [COLORS.reference, COLORS.secondary] } },
    },
  });
  return { name: `feature-${feature.replace(/[^A-Za-z0-9_-]+/g, '_')}`, title: `${feature}: reference vs current`, spec };
}
