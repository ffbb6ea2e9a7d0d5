import type { Distributions, FeatureDistribution } from '../contracts/api.js';
import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { predictionSchema } from '../data/columns.js';
import { DatasetBuilder } from '../data/dataset.js';
import { readDataFile } from '../data/read-data-file.js';
import { loadModel } from '../model/fitted-model.js';
import { analyseDrift, f1History } from '../monitor/drift.js';
import { profileWeights } from '../stats/profile-shape.js';
import { artifactsOf } from '../registry/deployment.js';
import { histogram, sharedEdges } from './curves.js';

/**
 * Reference (the production model's training profile) against the current data — the files of the
 * latest ingestion, what the last run checked — per feature: histograms on shared edges and the
 * drift figures (KS, Wasserstein, PSI, level) as `riskwatch drift` computes them.
 */
export async function featureDistributions(ctx: Context, doc: ModelDocument): Promise<Distributions | null> {
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
