import type { ImportanceView } from '../contracts/api.js';
import type { FittedModel } from '../model/fitted-model.js';
import { listContributions, type ExplainingModel, type RankedRiskList } from './risk-list.js';

/** How much each feature moves the risk of the current clients, by one model version: what GET /importance serves. */
export type GlobalImportance = ImportanceView;

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
