import type { Distributions, Evaluation, FeatureDistribution } from '../contracts/api.js';
import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { predictionSchema, trainingSchema } from '../data/columns.js';
import { DatasetBuilder } from '../data/dataset.js';
import { readDataFile } from '../data/read-data-file.js';
import { readTable } from '../data/read-table.js';
import { computeMetrics, type ClassificationMetrics } from '../model/metrics.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { loadModel } from '../model/fitted-model.js';
import { analyseDrift, f1History, type FeatureDrift } from '../monitor/drift.js';
import { calibration } from '../stats/reference.js';
import { profileWeights } from '../stats/profile-shape.js';
import { artifactsOf } from '../registry/deployment.js';
import { dependencyHealth, type DependencyHealth } from '../report/dependencies.js';
import { histogram, prCurve, rocCurve, sharedEdges, type Histogram, type PrPoint, type RocPoint } from '../report/curves.js';
import { RiskwatchError } from '../util/errors.js';
import type { RankedPopulation } from './population.js';

/**
 * Data the dashboard draws that no other route has: every model version evaluated on the test
 * data (the metrics trend), the production model's ROC / PR curves, reference-vs-current
 * distributions per feature, the population's risk histogram. Each is aggregated here (≤ 200
 * curve points, ≤ 50 bins) and cached, so a page load never re-reads or re-scores what did not change.
 */

export type { Evaluation };

/** Test data → metrics of every version and the production curves. */
export async function evaluate(ctx: Context, versions: Array<{ version: string; createdAt: string }>, production: ModelDocument | undefined): Promise<Evaluation> {
  const { config } = ctx;
  const features = production ? modelFeatureNames(production) : config.features;
  let table;
  try {
    table = await readTable(config.testDataPath, config.extension, { ...trainingSchema(config), features, requireId: false });
  } catch (err) {
    if (err instanceof RiskwatchError) return { data: null, production: production?.version ?? null, versions: versions.map((v) => ({ ...v, metrics: null })), curves: null, problem: `test data unreadable: ${err.message}` };
    throw err;
  }
  const ds = table.dataset;
  let positives = 0;
  for (let i = 0; i < ds.rows; i++) positives += ds.y[i] === 1 ? 1 : 0;
  const out: Evaluation = { data: { path: 'test data', hash: table.hash, rows: ds.rows, positives }, production: production?.version ?? null, versions: [], curves: null, calibration: null };
  for (const v of versions) {
    let doc: ModelDocument;
    try {
      doc = await artifactsOf(ctx).loadModel(v.version);
    } catch {
      out.versions.push({ ...v, metrics: null });
      continue;
    }
    // A version trained on other features than the test data was read with cannot be scored on it.
    if (modelFeatureNames(doc).join('\u0000') !== features.join('\u0000') || ds.rows === 0) {
      out.versions.push({ ...v, metrics: null });
      continue;
    }
    const model = loadModel(doc);
    const prob = model.predictProba(ds);
    out.versions.push({ ...v, metrics: computeMetrics(ds.y, prob, model.threshold, config.topK) });
    if (production && doc.version === production.version) {
      out.curves = { version: doc.version, roc: rocCurve(ds.y, prob), pr: prCurve(ds.y, prob) };
      out.calibration = { version: doc.version, ece: calibration(ds.y, prob).ece };
    }
  }
  return out;
}

export type { FeatureDistribution };

export type { Distributions };


/**
 * Reference (the production model's training profile) against the current data — the files of the
 * latest ingestion, what the last run checked — per feature: histograms on shared edges and the
 * drift figures (KS, Wasserstein, PSI, level) as `riskwatch drift` computes them.
 */
export async function distributions(ctx: Context, doc: ModelDocument): Promise<Distributions | null> {
  const { config, store } = ctx;
  const ref = await artifactsOf(ctx).loadReference(doc.version);
  if (!ref) return null;
  const records = (await store.latestFileRecords()).filter((r) => r.status === 'ingested');
  const lastIngestion = Math.max(-Infinity, ...records.map((r) => r.ingestionId ?? -Infinity));
  const files = records.filter((r) => (r.ingestionId ?? -Infinity) === lastIngestion && existsSync(r.path)).sort((a, b) => a.name.localeCompare(b.name));
  const builder = new DatasetBuilder(modelFeatureNames(doc));
  const schema = { ...predictionSchema(config), features: modelFeatureNames(doc) };
  const read: string[] = [];
  for (const f of files) {
    try {
      await readDataFile(f.path, schema, builder, {});
      read.push(f.name);
    } catch {
      // changed or unreadable since: shown without it
    }
  }
  const current = read.length ? builder.build() : null;
  const report = current && current.rows ? analyseDrift(config, doc, ref, current, await f1History(ctx, doc.version), read.join(', '), files.map((f) => f.sha256).join(':')) : null;
  // Numeric features: histograms. Category features are not drawn here yet (their drift is in
  // GET /drift's and `drift --json`'s figures).
  const features = modelFeatureNames(doc).flatMap((feature, j): FeatureDistribution[] => {
    const profile = ref.features[feature];
    const drift = report?.features[feature] ?? null;
    if (ref.categories?.[feature] || drift?.kind === 'category') return [];
    // Runs weigh each distinct value by its rows; a sample or sketch weighs each stored value alike.
    const refShape = profileWeights(profile);
    const cur = current && current.rows ? current.x[j] : null;
    const integer = (config.featureTypes[feature] ?? 'count') === 'count';
    const { edges, openEnded } = sharedEdges(cur ? [refShape, { values: cur }] : [refShape], 30, integer);
    return [{
      feature,
      reference: { ...histogram(refShape.values, edges, refShape.weights), n: profile.n },
      current: cur ? histogram(cur, edges) : null,
      openEnded,
      drift,
      referenceMissingRate: profile.missingRate,
    }];
  });
  let prediction: FeatureDistribution | null = null;
  if (current && current.rows && report) {
    const prob = loadModel(doc).predictProba(current);
    const edges = Array.from({ length: 21 }, (_, k) => k / 20);
    prediction = { feature: 'predicted risk', reference: { ...(({ values, weights }) => histogram(values, edges, weights))(profileWeights(ref.prediction)), n: ref.prediction.n }, current: histogram(prob, edges), openEnded: false, drift: report.predictionDrift, referenceMissingRate: 0 };
  }
  return { version: doc.version, current: current ? { source: read.join(', '), rows: current.rows } : null, features, prediction };
}

/** The population's risk histogram (20 bins of probability) and how many clients are above the model's threshold. */
export function riskHistogram(p: RankedPopulation, threshold: number): { histogram: Histogram; counts: number[]; aboveThreshold: number } {
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

/**
 * Results computed at most once per key; a new key replaces the old result. `ttlMs` bounds how
 * long a result is trusted when the key cannot see every change (test data edited in place).
 */
export class KeyedCache<T> {
  private entry: { key: string; at: number; value: Promise<T> } | undefined;
  constructor(private readonly ttlMs = Infinity) {}
  get(key: string, compute: () => Promise<T>): Promise<T> {
    const e = this.entry;
    if (e && e.key === key && Date.now() - e.at < this.ttlMs) return e.value;
    const value = compute();
    this.entry = { key, at: Date.now(), value };
    value.catch(() => {
      if (this.entry?.value === value) this.entry = undefined; // a failure is not cached
    });
    return value;
  }
}

/** Dependency health is slow (npm outdated + audit over the network): checked once an hour at most, in the background. */
export function dependencyCache(timeoutMs = 15_000, ttlMs = 3_600_000): () => Promise<DependencyHealth> {
  const cache = new KeyedCache<DependencyHealth>(ttlMs);
  return () => cache.get('deps', () => dependencyHealth({ timeoutMs }));
}
