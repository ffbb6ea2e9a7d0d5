import type { ModelFamilyView } from '../contracts/api.js';
import { MODEL_FORMAT_2, type ModelDocument } from '../contracts/model-document.js';

/**
 * Which family a model is and why (issue 16 items 4-5): what the dashboard's family card and the
 * report's family section show. Read from the document here, inside src/model, so nothing outside
 * reads a family's parameters: the selection (model.family "auto": each candidate's validation
 * figures), the trees' size and each feature's total gain, largest first.
 */
export function familySummary(doc: ModelDocument): ModelFamilyView {
  const v2 = doc.format === MODEL_FORMAT_2 ? doc : null;
  const family = v2?.family ?? 'logistic';
  const s = v2?.selection;
  const selection = s
    ? { validationShare: s.validationShare, validationRows: s.validationRows, winner: s.winner, candidates: s.candidates.map(({ family: f, logLoss, rocAuc, ms }) => ({ family: f, logLoss, rocAuc: Number.isFinite(rocAuc) ? rocAuc : null, ms })) }
    : null;
  if (v2?.family !== 'gbdt') return { version: doc.version, family, chosenBy: s ? 'auto' : 'configured', selection, trees: null, importance: null };
  const leavesPerTree = v2.gbdt.trees.map((t) => t.feature.reduce((n, f) => n + (f < 0 ? 1 : 0), 0));
  const leaves = leavesPerTree.reduce((a, b) => a + b, 0);
  const { gain, splits } = v2.gbdt.importance;
  const importance = v2.features
    .map((f) => ({ feature: f.name, gain: gain[f.name] ?? 0, splits: splits[f.name] ?? 0 }))
    .sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature));
  return {
    version: doc.version,
    family,
    chosenBy: s ? 'auto' : 'configured',
    selection,
    trees: { count: leavesPerTree.length, leaves, maxLeaves: Math.max(0, ...leavesPerTree), maxLeavesSetting: v2.hyperParameters.maxLeaves },
    importance,
  };
}
