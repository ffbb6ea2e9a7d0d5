import type { ModelSelection } from '../contracts/model-document.js';
import { DataError } from '../util/errors.js';
import { familyHyperParameters, fitFamily, type Family, type FamilyInputs } from './family-fit.js';
import { loadModel } from './fitted-model.js';
import { stratifiedSplit } from './gbdt/index.js';
import { computeMetrics } from './metrics.js';

/** Share of each class's training rows held out to compare the families (model.family "auto"). */
export const SELECTION_SHARE = 0.2;
/** Seeds that split: the same rows give the same comparison. */
export const SELECTION_SEED = 0;

export type Candidate = ModelSelection['candidates'][number];

function gather<T extends Float64Array | Uint8Array>(col: T, idx: Int32Array, out: T): T {
  for (let i = 0; i < idx.length; i++) out[i] = col[idx[i]];
  return out;
}

/**
 * model.family "auto" (issue 16 item 1): both families fitted on the training rows less a
 * stratified, seeded SELECTION_SHARE of each class, compared by log loss on those held-out rows
 * (lower wins; a tie goes to logistic, the simpler model). The caller refits the winner on all
 * rows. Trees are no candidate when the fitting rows are fewer than 2 · min_samples_leaf (they
 * could not split once): logistic is then chosen alone, and the selection lists it alone.
 */
export function selectFamily(t: FamilyInputs, log: { info(obj: object, msg: string): void }): ModelSelection {
  const y = t.y.subarray(0, t.rows);
  const { train, validation } = stratifiedSplit(y, SELECTION_SHARE, SELECTION_SEED);
  const yHeld = gather(y, validation, new Uint8Array(validation.length));
  let heldPositives = 0;
  for (const v of yHeld) heldPositives += v;
  if (heldPositives === 0 || heldPositives === yHeld.length) {
    let positives = 0;
    for (const v of y) positives += v;
    throw new DataError(
      `model.family "auto" compares the families on ${SELECTION_SHARE * 100}% of each class's rows, and ${t.rows} rows of which ${positives} left leave none of one class there; set model.family to "logistic" or "gbdt"`,
    );
  }
  const cols = (idx: Int32Array) => t.x.map((c) => gather(c as Float64Array, idx, new Float64Array(idx.length)));
  const sub: FamilyInputs = { ...t, rows: train.length, x: cols(train), y: gather(y, train, new Uint8Array(train.length)), medians: undefined };
  const held = { x: cols(validation), rows: validation.length, levels: t.levels };
  const families: Family[] = ['logistic'];
  if (train.length >= 2 * t.model.gbdt.min_samples_leaf) families.push('gbdt');
  else log.info({ rows: train.length }, `model.family auto: trees are no candidate on ${train.length} fitting rows (fewer than 2 · model.gbdt.min_samples_leaf)`);
  const candidates: Candidate[] = families.map((family) => {
    const t0 = performance.now();
    const fit = fitFamily(family, sub, { format2: true });
    const doc = fit.document({ version: 'candidate', createdAt: '', datasetHash: '', target: '', idColumn: '' }, { rows: sub.rows, positives: 0, ms: 0 });
    const ms = performance.now() - t0;
    const m = computeMetrics(yHeld, loadModel(doc).predictProba(held), t.model.threshold, 1);
    return { family, logLoss: m.logLoss, rocAuc: m.rocAuc ?? Number.NaN, ms, hyperParameters: familyHyperParameters(family, t.model) };
  });
  const winner = candidates.reduce((best, c) => (c.logLoss < best.logLoss ? c : best)).family;
  log.info({ candidates: candidates.map(({ family, logLoss, rocAuc }) => ({ family, logLoss, rocAuc })) }, `model.family auto: ${winner} has the lower validation log loss`);
  return { method: 'validation_log_loss', validationShare: SELECTION_SHARE, validationRows: validation.length, seed: SELECTION_SEED, winner, candidates };
}
