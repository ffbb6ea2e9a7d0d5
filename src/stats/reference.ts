import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import type { Dataset } from '../data/dataset.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { referenceProfile, type ReferenceProfile } from './profile.js';
import { SortScratch, type SortBuffers } from './sorted.js';
import { categoryProfiles, type CategoryProfile } from './category-profile.js';
import { stayerProfile, type StayerProfile } from './stayers.js';

/**
 * What a drift check compares against, computed once when a model version is trained and stored
 * beside it (models/<version>/reference.json), so a check never re-reads the training set:
 * a profile of every feature, of the model's predicted risk, and the model's calibration on its
 * training rows (which says whether its probabilities can estimate performance before labels).
 */
export const REFERENCE_FILE = 'reference.json';

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * Formats: /2 (written now) may hold a feature's distribution as (value, count) runs (runs.ts);
 * /1 references hold a sample (<= 1,000 rows) or a quantile sketch and keep loading: every kind is
 * compared by compareToProfile.
 */
export const REFERENCE_FORMAT = 'riskwatch.reference/2';

export interface ModelReference {
  format: 'riskwatch.reference/1' | 'riskwatch.reference/2';
  version: string;
  rows: number;
  features: Record<string, ReferenceProfile>;
  /**
   * Category features' training counts (category-profile.ts); absent in references written before
   * categories, and empty without category features. For a category feature, `features[f]` is a
   * numeric profile of its dictionary codes, kept only so that readers of `features` written before
   * categories still find an entry: it means nothing, use `categories[f]`.
   */
  categories?: Record<string, CategoryProfile>;
  /** The training rows that stayed, per feature (stayers.ts): what reason codes compare a client with. Absent before reasons. */
  stayers?: StayerProfile;
  prediction: ReferenceProfile;
  calibration: { bins: CalibrationBin[]; ece: number; calibrated: boolean };
}

/** Expected calibration error above which probabilities are not trusted to estimate performance. */
export const CALIBRATION_TOLERANCE = 0.05;

/**
 * Reliability over 10 equal-width probability bins; ECE = Σ (count/n)·|mean predicted − observed|.
 * The sums run in typed arrays (one pass over ~1,000,000 training predictions without touching
 * objects), in row order as before, so every figure is the same.
 */
export function calibration(y: Uint8Array, prob: Float64Array): ModelReference['calibration'] {
  const count = new Float64Array(10);
  const predicted = new Float64Array(10);
  const observed = new Float64Array(10);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i];
    const k = Math.min(9, Math.floor(p * 10));
    count[k]++;
    predicted[k] += p;
    observed[k] += y[i];
  }
  const bins: CalibrationBin[] = Array.from({ length: 10 }, (_, k) => ({ lo: k / 10, hi: (k + 1) / 10, count: count[k], meanPredicted: predicted[k], observedRate: observed[k] }));
  let ece = 0;
  for (const b of bins) {
    if (b.count === 0) continue;
    b.meanPredicted /= b.count;
    b.observedRate /= b.count;
    ece += (b.count / prob.length) * Math.abs(b.meanPredicted - b.observedRate);
  }
  return { bins, ece, calibrated: ece <= CALIBRATION_TOLERANCE };
}

/**
 * Each feature column's reference profile (missing cells excluded). `buffers`: sorting space reused
 * for every column (one SortScratch of ds.rows values by default, instead of a fresh copy each).
 */
export function featureProfiles(ds: Dataset, buffers: SortBuffers = new SortScratch(ds.rows)): Record<string, ReferenceProfile> {
  const features: Record<string, ReferenceProfile> = {};
  ds.features.forEach((f, j) => (features[f] = referenceProfile(ds.x[j], buffers)));
  return features;
}

/**
 * `features`: featureProfiles(ds) when the caller already has them (training does). `buffers`:
 * sorting space for the predictions; its `tmp` may be `prob` itself when the caller no longer needs
 * the predictions (training): the calibration reads them first, then the sort may overwrite them.
 */
export function buildReference(version: string, ds: Dataset, prob: Float64Array, features: Record<string, ReferenceProfile> = featureProfiles(ds), buffers?: SortBuffers): ModelReference {
  return assembleReference(version, ds.rows, { features, ...rowProfiles(ds) }, predictionProfiles(ds.y, prob, buffers));
}

/** The parts of a reference that do not depend on the model: category counts and the stayers. */
export function rowProfiles(ds: Dataset): { categories: Record<string, CategoryProfile>; stayers: StayerProfile } {
  return { categories: categoryProfiles(ds), stayers: stayerProfile(ds) };
}

/**
 * The parts that do: the calibration and the profile of the predictions. `buffers.tmp` may be
 * `prob` itself: the calibration reads the predictions first, then the sort may overwrite them.
 */
export function predictionProfiles(y: Uint8Array, prob: Float64Array, buffers?: SortBuffers): Pick<ModelReference, 'prediction' | 'calibration'> {
  const cal = calibration(y, prob);
  return { prediction: referenceProfile(prob, buffers), calibration: cal };
}

/**
 * A reference from its parts, however they were computed (on this thread or another: the training
 * command builds them beside the fit), its keys always in this order — the file's bytes depend on it.
 */
export function assembleReference(
  version: string,
  rows: number,
  data: { features: Record<string, ReferenceProfile>; categories: Record<string, CategoryProfile>; stayers: StayerProfile },
  model: Pick<ModelReference, 'prediction' | 'calibration'>,
): ModelReference {
  const { features, categories, stayers } = data;
  // Only with category features: a numeric model's reference stays as it was.
  return { format: REFERENCE_FORMAT, version, rows, features, ...(Object.keys(categories).length ? { categories } : {}), stayers, prediction: model.prediction, calibration: model.calibration };
}

export function writeReference(config: Config, ref: ModelReference): string {
  const path = join(config.modelFolder, ref.version, REFERENCE_FILE);
  writeFileAtomicSync(path, JSON.stringify(ref) + '\n');
  return path;
}

export function readReference(config: Config, version: string): ModelReference | undefined {
  const path = join(config.modelFolder, version, REFERENCE_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ModelReference) : undefined;
}
