import type { ClientReasons } from '../contracts/api.js';
import type { ReasonWriter } from '../model/reasons.js';
import { listContributions, ranking, type ExplainingModel, type RankBy, type RankedRiskList } from './risk-list.js';

/**
 * The reasons of the first `top` clients of the list ranked `by` (aligned with highestRisk's rows),
 * `n` reasons each. The contributions are the list's own (listContributions: computed once per
 * ranked list); only the few listed clients' texts are written per call.
 */
export function listReasons(list: RankedRiskList, model: ExplainingModel, writer: ReasonWriter, by: RankBy, top: number, n: number): { base: number; rows: ClientReasons[] } {
  const c = listContributions(list, model);
  const { order } = ranking(list, by);
  const k = Math.min(Math.max(0, top), list.rows);
  const rows = new Array<ClientReasons>(k);
  for (let r = 0; r < k; r++) rows[r] = writer.explain(c, list, order[r], n);
  return { base: c.base, rows };
}

/** The client index of `id` in the list (-1: not a current client). */
export function clientIndex(list: RankedRiskList, id: string): number {
  for (let i = 0; i < list.rows; i++) if (list.ids.get(i) === id) return i;
  return -1;
}
