import type { FeatureDrift } from '../../monitor/drift.js';
import type { ReferenceProfile } from '../../stats/profile.js';
import { profileCdf, profileQuantile } from '../../stats/profile-shape.js';
import { baseSpec, COLORS, round, type ChartSpec } from './theme.js';

export interface Histogram {
  /** Bin edges, bins + 1 of them. */
  edges: number[];
  reference: number[];
  current: number[];
  /** Whether values beyond the range were counted in the first / last bin. */
  clipped: boolean;
  currentRows: number;
  /** Bins equal on a log scale (right-skewed feature): the axis is symlog. */
  log: boolean;
}

const MAX_BINS = 40;

/** Share of the reference at or below x, from its stored runs, sample or quantile sketch (a step CDF). */
const referenceCdf = profileCdf;
const referenceQuantile = profileQuantile;

/**
 * Reference and current shares over shared bins (≤ 40): the range spans the 0.5th to 99.5th
 * percentiles of both, so one extreme client does not squash the chart; values outside are
 * counted in the edge bins. Whole-number features get whole-number bins.
 */
export function featureHistogram(profile: ReferenceProfile, current: Float64Array, integer: boolean): Histogram {
  const cur = Float64Array.from(current.filter((v) => v === v)).sort();
  const q = (p: number) => (cur.length ? cur[Math.min(cur.length - 1, Math.floor(p * (cur.length - 1)))] : Number.NaN);
  let lo = Math.min(referenceQuantile(profile, 0.005), cur.length ? q(0.005) : Infinity);
  let hi = Math.max(referenceQuantile(profile, 0.995), cur.length ? q(0.995) : -Infinity);
  if (!(hi > lo)) hi = lo + 1;
  // Right-skewed counts (activity, head counts): bins equal on a log scale, so the bulk near zero
  // is not one bar and the tail a flat line.
  const median = referenceQuantile(profile, 0.5);
  const log = lo >= 0 && hi > 10 * Math.max(1, median);
  let edges: number[];
  if (log) {
    const a = Math.log1p(lo), b = Math.log1p(hi);
    edges = Array.from({ length: MAX_BINS + 1 }, (_, k) => Math.expm1(a + ((b - a) * k) / MAX_BINS));
    if (integer) edges = [...new Set(edges.map((e, k) => (k === 0 ? Math.floor(lo) - 0.5 : Math.ceil(e) - 0.5)))];
  } else {
    let width = (hi - lo) / MAX_BINS;
    if (integer) {
      width = Math.max(1, Math.ceil(width));
      lo = Math.floor(lo) - 0.5;
    }
    const n = Math.max(1, Math.ceil((hi - lo) / width - 1e-9));
    edges = Array.from({ length: n + 1 }, (_, k) => lo + k * width);
  }
  const bins = edges.length - 1;
  const refMin = profile.min, refMax = profile.max;
  const clipped = refMin < edges[0] || refMax > edges[bins] || (cur.length > 0 && (cur[0] < edges[0] || cur[cur.length - 1] > edges[bins]));
  const reference = edges.slice(0, -1).map((_, k) => {
    const a = k === 0 ? 0 : referenceCdf(profile, edges[k]);
    const b = k === bins - 1 ? 1 : referenceCdf(profile, edges[k + 1]);
    return Math.max(0, b - a);
  });
  const counts = new Array<number>(bins).fill(0);
  // cur is sorted: one merge pass over the edges.
  for (let i = 0, k = 0; i < cur.length; i++) {
    while (k < bins - 1 && cur[i] >= edges[k + 1]) k++;
    counts[k]++;
  }
  return { edges, reference, current: counts.map((c) => (cur.length ? c / cur.length : 0)), clipped, currentRows: cur.length, log };
}

/** One feature: reference (the production model's training data) vs current, with its drift figures. */
export function featureDistributionChart(feature: string, h: Histogram, drift: FeatureDrift, currentLabel: string): ChartSpec {
  const ref = h.reference.map((s, k) => ({ lo: round(h.edges[k], 6), hi: round(h.edges[k + 1], 6), share: round(s, 5), series: 'reference (training data)' }));
  const cur = h.current.map((s, k) => ({ lo: round(h.edges[k], 6), hi: round(h.edges[k + 1], 6), share: round(s, 5), series: currentLabel }));
  const domain = ['reference (training data)', currentLabel];
  const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
  const verdict = drift.level === 'drift' ? 'DRIFT' : drift.level === 'possible' ? 'possible drift' : 'no drift';
  const subtitle = [
    `${verdict} (decided by ${drift.method === 'ks' ? 'the KS p-value' : 'Wasserstein / std'}) · W/std ${fmt(drift.wasserstein)} · PSI ${fmt(drift.psi.value)} (${drift.psi.level})`,
    `KS D ${fmt(drift.ks.statistic)}, p ${drift.ks.pValue < 0.001 ? '< 0.001' : fmt(drift.ks.pValue)} · missing ${drift.missingRateChange >= 0 ? '+' : ''}${fmt(drift.missingRateChange * 100, 1)} pp · outside reference range ${fmt(drift.outOfRangeShare * 100, 1)}%`,
    ...(h.clipped ? ['Edge bins include the values beyond the 0.5th–99.5th percentiles'] : []),
  ];
  const spec = baseSpec(`${feature}: reference vs current`, subtitle, {
    layer: [
      {
        data: { values: ref },
        mark: { type: 'rect', opacity: 0.55, stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'lo', type: 'quantitative', title: h.log ? `${feature} (log scale)` : feature, scale: h.log ? { type: 'symlog', zero: false, nice: false, domain: [h.edges[0], h.edges[h.edges.length - 1]] } : { zero: false, nice: false }, axis: h.log ? { values: logTicks(h.edges[h.edges.length - 1]), format: ',d' } : {} },
          x2: { field: 'hi' },
          y: { field: 'share', type: 'quantitative', title: 'Share of rows', axis: { format: '.0%' } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain, range: [COLORS.reference, COLORS.secondary] } },
        },
      },
      {
        data: { values: [...cur, ...(cur.length ? [{ ...cur[cur.length - 1], lo: cur[cur.length - 1].hi }] : [])] },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.5 },
        encoding: { x: { field: 'lo', type: 'quantitative' }, y: { field: 'share', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
      },
    ],
  });
  return { name: `feature-${feature.replace(/[^A-Za-z0-9_-]+/g, '_')}`, title: `${feature}: reference vs current`, spec };
}

/** 0, 1, 3, 10, 30, … up to max: readable ticks on a symlog axis. */
function logTicks(max: number): number[] {
  const out = [0];
  for (let p = 1; p <= max; p *= 10) {
    out.push(p);
    if (3 * p <= max) out.push(3 * p);
  }
  return out;
}
