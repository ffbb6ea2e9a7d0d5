// The drift analysis itself: the pure part of `riskwatch drift` (drift.ts reads the data and the
// production model, then calls this), which the pipeline, the report and the server's
// /distributions call on data they have already read. Its own module so the library entry can
// export it without loading drift.ts's readers (src/index.ts is loaded by every command).
import { driftMethodProblem, type Config } from '../config/load.js';
import { NO_LABEL, selectRows, type Dataset } from '../data/dataset.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { loadModel } from '../model/fitted-model.js';
import { computeMetrics } from '../model/metrics.js';
import { estimatePerformance } from './estimate.js';
import { modelDrift, type ModelDriftResult } from './model-drift.js';
import type { ModelReference } from '../stats/reference.js';
import { compareToProfile, type ProfileComparison, type ReferenceProfile } from '../stats/profile.js';
import { SortScratch } from '../stats/sorted.js';
import { sortFloat64 } from '../stats/radix-sort.js';
import { DataError } from '../util/errors.js';
import { categoryDrift, type CategoryFeatureDrift } from './category-drift.js';
import { decideLevel } from './decide.js';
import type { PsiLevel } from '../stats/psi.js';

export type DriftLevel = 'none' | 'possible' | 'drift';

export interface FeatureDrift extends Omit<ProfileComparison, 'psi' | 'drift' | 'method'> {
  /** The feature's kind (config feature_types); category features have CategoryFeatureDrift. */
  kind: 'count' | 'number';
  /** Which test decided: by reference size, or as configured in drift.methods. */
  method: 'ks' | 'wasserstein';
  /** The documented contract (docs/cli.md, drift): `{value, level}`. */
  psi: { value: number; level: PsiLevel };
  /** Same as psi.level; kept because releases that printed `psi` as a bare number had it beside. */
  psiLevel: PsiLevel;
  level: DriftLevel;
  drifted: boolean;
}

/** A feature's drift: numeric (count, number) or category (`kind` tells). */
export type AnyFeatureDrift = FeatureDrift | CategoryFeatureDrift;
export type { CategoryFeatureDrift };

export interface DriftReport {
  reference: { version: string; rows: number };
  current: { rows: number; labeled: number; source: string; hash: string };
  features: Record<string, AnyFeatureDrift>;
  datasetDrift: boolean;
  driftedFeatures: string[];
  predictionDrift: FeatureDrift;
  modelDrift: ModelDriftResult | null;
  estimated: { f1: number; rocAuc: number; calibrated: boolean; ece: number } | null;
  realised: { f1: number; rocAuc: number | null } | null;
}

/**
 * `drift` on data without a row (no new files, an empty --data file): nothing to compare, said so
 * in `nothingToCompare`; no figure is computed (they would all be NaN), so `features` is empty
 * and `predictionDrift` null.
 */
export interface NothingToCompare extends Omit<DriftReport, 'predictionDrift'> {
  nothingToCompare: string;
  predictionDrift: null;
}

/**
 * Levels. When p-values decide (reference of ≤ 1,000 rows) a feature drifts when its KS p-value is
 * below alpha / features (Bonferroni, by default: several features are tested at once); it is
 * "possible" when only the uncorrected test or PSI (≥ 0.1) flags it. On larger references the
 * normalised Wasserstein distance decides (≥ threshold), "possible" from half the threshold or
 * PSI ≥ 0.1 — with a million rows, p-values flag shifts too small to matter.
 */
function level(c: ProfileComparison, config: Config, tests: number, configured?: 'ks' | 'wasserstein', kind: FeatureDrift['kind'] = 'number'): FeatureDrift {
  const method = configured ?? c.method;
  const by = method === 'ks' ? { pValue: c.ks.pValue } : { distance: c.wasserstein, threshold: config.drift.wasserstein_threshold };
  const { level, drifted } = decideLevel(config, tests, by, c.psi.value);
  const { drift: _ignored, psi, ...rest } = c;
  return { kind, ...rest, method, psi: { value: psi.value, level: psi.level }, psiLevel: psi.level, drifted, level };
}

/** The drift report of `current` against the production model's reference. */
export function analyseDrift(config: Config, doc: ModelDocument, ref: ModelReference, current: Dataset, history: number[], source: string, hash: string): DriftReport {
  const buffers = new SortScratch(current.rows);
  const numeric = numericFeatures(config, doc, ref);
  const compared = numeric.map(({ j, profile }) => compareToProfile(profile, current.x[j], { ksAlpha: config.drift.ks_alpha, buffers }));
  return assemble(config, doc, ref, current, compared, predictionSide(config, doc, ref, current, history, buffers), source, hash);
}

/**
 * analyseDrift with the numeric features compared by `compare` (drift-thread.ts: on a second
 * thread) while this thread predicts the rows and tests the categories; when it yields nothing,
 * they are compared here. The same report.
 */
export async function analyseDriftBeside(
  config: Config,
  doc: ModelDocument,
  ref: ModelReference,
  current: Dataset,
  history: number[],
  source: string,
  hash: string,
  compare: (profiles: ReferenceProfile[], columns: Float64Array[], ksAlpha: number) => Promise<ProfileComparison[] | undefined>,
): Promise<DriftReport> {
  const numeric = numericFeatures(config, doc, ref);
  const pending = compare(numeric.map((n) => n.profile), numeric.map(({ j }) => current.x[j]), config.drift.ks_alpha);
  const buffers = new SortScratch(current.rows);
  const side = predictionSide(config, doc, ref, current, history, buffers);
  const compared = (await pending) ?? numeric.map(({ j, profile }) => compareToProfile(profile, current.x[j], { ksAlpha: config.drift.ks_alpha, buffers }));
  return assemble(config, doc, ref, current, compared, side, source, hash);
}

/** The features compared by their numeric profile (not categories), with their column; checks drift.methods against the model. */
function numericFeatures(config: Config, doc: ModelDocument, ref: ModelReference): { f: string; j: number; profile: ReferenceProfile }[] {
  const out: { f: string; j: number; profile: ReferenceProfile }[] = [];
  modelFeatureNames(doc).forEach((f, j) => {
    // A category feature is compared by its category counts (ref.features holds a numeric profile
    // of its codes only for readers from before categories).
    const categories = ref.categories?.[f];
    const m = config.drift.methods[f];
    // The config was checked against its own feature_types; the model may predate them.
    const problem = m && driftMethodProblem(f, categories !== undefined, m);
    if (problem) throw new DataError(`${config.file}: key "drift.methods.${f}": ${problem} (in model ${doc.version})`);
    if (!categories) out.push({ f, j, profile: ref.features[f] });
  });
  return out;
}

type PredictionSide = Pick<DriftReport, 'predictionDrift' | 'modelDrift' | 'realised'> & { labeled: number; est: ReturnType<typeof estimatePerformance> | null };

/** The predictions' drift, the model's (labelled rows) and the performance estimate. */
function predictionSide(config: Config, doc: ModelDocument, ref: ModelReference, current: Dataset, history: number[], buffers: SortScratch): PredictionSide {
  const model = loadModel(doc);
  const prob = model.predictProba(current);
  // The predictions sorted once, for their drift and the performance estimate (each sorted its
  // own copy of 1,000,000 values). NaN-free, as predictions are; with a NaN each sorts as before.
  const sortedProb = sortFloat64(Float64Array.from(prob));
  const nanFree = sortedProb.length === 0 || sortedProb[sortedProb.length - 1] === sortedProb[sortedProb.length - 1];
  const predictionDrift = level(compareToProfile(ref.prediction, nanFree ? sortedProb : prob, { ksAlpha: config.drift.ks_alpha, buffers, sorted: nanFree }), config, 1);

  const labeledMask = new Uint8Array(current.rows);
  let labeled = 0;
  for (let i = 0; i < current.rows; i++) if (current.y[i] !== NO_LABEL) (labeledMask[i] = 1, labeled++);
  const threshold = model.threshold;
  let modelDriftResult: ModelDriftResult | null = null;
  let realised: DriftReport['realised'] = null;
  if (labeled > 0) {
    // Every row labelled (the usual labelled check): the rows and their predictions as they are,
    // not a copy of 1,000,000 rows predicted a second time.
    const all = labeled === current.rows;
    const lab = all ? current : selectRows(current, labeledMask, 1);
    const p = all ? prob : model.predictProba(lab);
    const pred = new Uint8Array(lab.rows);
    for (let i = 0; i < lab.rows; i++) pred[i] = p[i] > threshold ? 1 : 0;
    modelDriftResult = modelDrift(lab.y, pred, history, config.drift.model_rule, config.drift.bootstrap);
    const m = computeMetrics(lab.y, p, threshold, config.topK);
    realised = { f1: m.f1, rocAuc: m.rocAuc };
  }
  const est = current.rows ? estimatePerformance(prob, threshold, sortedProb) : null;
  return { predictionDrift, modelDrift: modelDriftResult, realised, labeled, est };
}

/** The report: every feature's level in the model's feature order (the numeric ones from `compared`, in that order). */
function assemble(config: Config, doc: ModelDocument, ref: ModelReference, current: Dataset, compared: ProfileComparison[], side: PredictionSide, source: string, hash: string): DriftReport {
  const names = modelFeatureNames(doc);
  const features: Record<string, AnyFeatureDrift> = {};
  let k = 0;
  names.forEach((f, j) => {
    const categories = ref.categories?.[f];
    const m = config.drift.methods[f];
    if (categories) {
      features[f] = categoryDrift(categories, current, j, config, names.length, m === 'chi2' || m === 'jensenshannon' ? m : undefined);
      return;
    }
    const kind = config.featureTypes[f] === 'number' ? 'number' : 'count';
    features[f] = level(compared[k++], config, names.length, m === 'ks' || m === 'wasserstein' ? m : undefined, kind);
  });
  const driftedFeatures = names.filter((f) => features[f].drifted);
  const { est } = side;
  return {
    reference: { version: doc.version, rows: ref.rows },
    current: { rows: current.rows, labeled: side.labeled, source, hash },
    features,
    datasetDrift: driftedFeatures.length > 0 && driftedFeatures.length >= config.drift.dataset_share * names.length,
    driftedFeatures,
    predictionDrift: side.predictionDrift,
    modelDrift: side.modelDrift,
    estimated: est && { f1: est.f1, rocAuc: est.rocAuc, calibrated: ref.calibration.calibrated, ece: ref.calibration.ece },
    realised: side.realised,
  };
}
