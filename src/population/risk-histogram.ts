import type { Histogram } from '../contracts/api.js';
import type { RankedRiskList } from './risk-list.js';

/** The population's risk histogram (20 bins of probability) and how many clients are above the model's threshold. */
export function riskHistogram(p: RankedRiskList, threshold: number): { histogram: Histogram; counts: number[]; aboveThreshold: number } {
  const edges = Array.from({ length: 21 }, (_, k) => k / 20);
  const counts = new Array<number>(20).fill(0);
  let above = 0;
  for (let i = 0; i < p.rows; i++) {
    const v = p.prob[i];
    counts[Math.min(19, Math.floor(v * 20))]++;
    if (v > threshold) above++;
  }
  return { histogram: { edges, shares: counts.map((c) => (p.rows ? c / p.rows : 0)), n: p.rows }, counts, aboveThreshold: above };
}
