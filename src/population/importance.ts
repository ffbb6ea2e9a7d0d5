import type { FittedModel } from '../model/fitted-model.js';
import { listContributions, type ExplainingModel, type RankedRiskList } from './risk-list.js';

/** How much each feature moves the risk of the current clients, by one model version. */
export interface GlobalImportance {
  version: string;
  /** sha256 of the data ranked (RankedRiskList.datasetHash). */
  datasetHash: string;
  /** Clients averaged over. */
  clients: number;
  /** The model's expected log-odds (Contributions.base). */
  base: number;
  /**
   * Per feature, highest first: the mean over the current clients of |contribution| (log-odds) —
   * how far, on average, the feature moves a client's log-odds away from the base, either way.
   */
  features: Array<{ feature: string; meanAbs: number }>;
  /**
   * A gbdt model's own importance from its document (gbdt.importance.gain: the total loss
   * reduction of the splits on each feature, over the training rows); null for a logistic model.
   * A different measure on a different scale: shown beside meanAbs, never mixed with it.
   */
  gain: Record<string, number> | null;
}

export type ImportanceModel = ExplainingModel & Pick<FittedModel, 'family' | 'splitImportance'>;

/**
 * Global importance (issue 17 item 3): mean |contribution| per feature over the ranked list's
 * clients, from the list's own contributions (listContributions), made once per list and kept with
 * it — the list is cached per (model version, population hash) — so the dashboard and the report
 * read the same figures without recomputing them. `model` must be the version that ranked the list.
 */
export function globalImportance(list: RankedRiskList, model: ImportanceModel): GlobalImportance {
  if (list.importance && list.importance.version === model.version) return list.importance;
  const c = listContributions(list, model);
  const n = list.rows;
  const features = list.features.map((feature, j) => {
    const col = c.values[j];
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(col[i]);
    return { feature, meanAbs: n > 0 ? s / n : 0 };
  });
  // Ties (e.g. features the model never uses, all 0) keep the model's feature order.
  features.sort((a, b) => b.meanAbs - a.meanAbs);
  const gain = model.splitImportance ? { ...model.splitImportance.gain } : null;
  list.importance = { version: list.version, datasetHash: list.datasetHash, clients: n, base: c.base, features, gain };
  return list.importance;
}
