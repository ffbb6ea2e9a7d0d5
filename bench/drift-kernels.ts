/**
 * Drift kernels in-process: 1,000,000 training rows → reference profiles (through JSON, as stored),
 * then 1,000,000 new rows compared with them — per column kind, the part of `riskwatch drift` that
 * the reference's layout decides (reading the data and predicting are measured by bench/pipeline.ts).
 *
 *   node --import tsx bench/drift-kernels.ts [--rows N] [--runs R]
 *
 * Columns (8 numeric, like the CRM table): 4 activity-like counts (lognormal, sigma 1-1.5),
 * tenure in months with one decimal (few thousand distinct values), a share with 4 decimals
 * (<= 10,001 distinct), revenue with cents and a balance at full precision (~every value distinct:
 * above RUNS_MAX, so the sketch). Prints JSON: per column the layout and the median times.
 */
import { compareToProfile, referenceProfile, type ReferenceProfile } from '../src/stats/profile.ts';
import { SortScratch } from '../src/stats/sorted.ts';
import { median } from './median.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('--rows', 1_000_000);
const RUNS = arg('--runs', 5);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gauss(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
function column(kind: string, seed: number, shift: number): Float64Array {
  const u = rng(seed);
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const g = gauss(u);
    let v: number;
    switch (kind) {
      case 'count1': v = Math.round(Math.exp(Math.log(40) + shift + 1.0 * g)); break;
      case 'count2': v = Math.round(Math.exp(Math.log(400) + shift + 1.3 * g)); break;
      case 'count3': v = Math.round(Math.exp(Math.log(12) + shift + 1.5 * g)); break;
      case 'count4': v = Math.round(Math.exp(Math.log(3) + shift + 0.7 * g)); break;
      case 'tenure': v = Math.round(Math.max(0, 60 + 40 * g + shift * 40) * 10) / 10; break;
      case 'share': v = Math.round(Math.min(1, Math.max(0, 0.4 + 0.2 * g + shift)) * 1e4) / 1e4; break;
      case 'revenue': v = Math.round(Math.exp(Math.log(5000) + shift + 0.8 * g) * 100) / 100; break;
      default: v = 1000 * g + shift * 1000; break;
    }
    out[i] = u() < 0.01 ? Number.NaN : v;
  }
  return out;
}

const kinds = ['count1', 'count2', 'count3', 'count4', 'tenure', 'share', 'revenue', 'balance'];
const result: Record<string, unknown> = {};
let totalCompare = 0;
let totalParse = 0;
const scratch = new SortScratch(N);
for (const [k, kind] of kinds.entries()) {
  const ref = column(kind, 100 + k, 0);
  const cur = column(kind, 200 + k, 0.02);
  let t0 = performance.now();
  const p = referenceProfile(ref, scratch);
  const tProfile = performance.now() - t0;
  const json = JSON.stringify(p);
  const parses: number[] = [];
  let stored!: ReferenceProfile;
  for (let r = 0; r < RUNS; r++) {
    t0 = performance.now();
    stored = JSON.parse(json) as ReferenceProfile;
    parses.push(performance.now() - t0);
  }
  const times: number[] = [];
  let c = compareToProfile(stored, cur);
  for (let r = 0; r < RUNS; r++) {
    t0 = performance.now();
    c = compareToProfile(stored, cur);
    times.push(performance.now() - t0);
  }
  totalCompare += median(times);
  totalParse += median(parses);
  result[kind] = {
    layout: p.distribution.kind,
    stored: p.distribution.values.length,
    jsonKB: Math.round(json.length / 1024),
    profileMs: Math.round(tProfile),
    parseMs: +median(parses).toFixed(1),
    compareMs: +median(times).toFixed(1),
    D: +c.ks.statistic.toFixed(5),
    wStd: +c.wasserstein.toFixed(5),
    sketch: c.sketch,
  };
}
console.log(JSON.stringify({ rows: N, columns: result, compareMsTotal: Math.round(totalCompare), parseMsTotal: Math.round(totalParse) }, null, 2));
