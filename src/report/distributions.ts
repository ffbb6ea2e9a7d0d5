import type { CategoryDistribution, CategoryDrift, Distributions, FeatureDistribution } from '../contracts/api.js';
import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { predictionSchema } from '../data/columns.js';
import { DatasetBuilder, levelsOf, type Dataset } from '../data/dataset.js';
import { readDataFile } from '../data/read-data-file.js';
import { loadModel } from '../model/fitted-model.js';
import { analyseDrift, f1History, type CategoryFeatureDrift } from '../monitor/drift.js';
import type { CategoryProfile } from '../stats/category-profile.js';
import { allCategoryShares } from './charts/category-shares.js';
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
  // Numeric features: histograms; category features: their category shares (categoryFeatures).
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
      kind: integer ? 'count' : 'number',
      feature,
      reference: { ...histogram(refShape.values, edges, refShape.weights), n: profile.n },
      current: cur ? histogram(cur, edges) : null,
      openEnded,
      drift,
      referenceMissingRate: profile.missingRate,
    }];
  });
  const categoryFeatures = modelFeatureNames(doc).flatMap((feature, j): CategoryDistribution[] => {
    const profile = ref.categories?.[feature];
    if (!profile) return [];
    const drift = report?.features[feature];
    return [categoryDistribution(feature, profile, current && current.rows ? current : null, j, drift?.kind === 'category' ? drift : null)];
  });
  let prediction: FeatureDistribution | null = null;
  if (current && current.rows && report) {
    const prob = loadModel(doc).predictProba(current);
    const edges = Array.from({ length: 21 }, (_, k) => k / 20);
    prediction = { kind: 'number', feature: 'predicted risk', reference: { ...(({ values, weights }) => histogram(values, edges, weights))(profileWeights(ref.prediction)), n: ref.prediction.n }, current: histogram(prob, edges), openEnded: false, drift: report.predictionDrift, referenceMissingRate: 0 };
  }
  return { version: doc.version, current: current ? { source: read.join(', '), rows: current.rows } : null, features, categoryFeatures, prediction };
}

/** How many categories (and unseen categories) GET /distributions lists by name; the rest are summed. */
export const LISTED_CATEGORIES = 50;

/**
 * One category feature: the shares of every category seen in training or in the current rows
 * (the report's bars, charts/category-shares.ts, uncapped up to LISTED_CATEGORIES), the unseen
 * ones listed, missing shares, and the drift figures `drift` computed.
 */
function categoryDistribution(feature: string, profile: CategoryProfile, current: Dataset | null, j: number, drift: CategoryFeatureDrift | null): CategoryDistribution {
  const levels = current ? levelsOf(current, j) : null;
  const all = current && levels ? allCategoryShares(profile, current.x[j], current.rows, levels) : profile.categories.map((category, i) => ({ category, reference: profile.counts[i] / profile.n, current: 0, unseen: false })).sort((a, b) => b.reference - a.reference || (a.category < b.category ? -1 : 1));
  const withCurrent = current !== null && levels !== null;
  const rest = all.slice(LISTED_CATEGORIES);
  let missing = 0;
  if (withCurrent) for (let i = 0; i < current.rows; i++) if (Number.isNaN(current.x[j][i])) missing++;
  const present = withCurrent ? current.rows - missing : 0;
  const unseen = all.filter((s) => s.unseen);
  // The contract's type, checked here: the monitor's figures are what the API gives.
  const figures: CategoryDrift | null = drift;
  return {
    kind: 'category',
    feature,
    categories: all.slice(0, LISTED_CATEGORIES).map((s) => ({ category: s.category, reference: s.reference, current: withCurrent ? s.current : null, unseen: s.unseen })),
    others: rest.length ? { categories: rest.length, reference: rest.reduce((t, s) => t + s.reference, 0), current: withCurrent ? rest.reduce((t, s) => t + s.current, 0) : null } : null,
    reference: { n: profile.n, missingRate: profile.missingRate },
    current: withCurrent ? { n: present, missingRate: current.rows ? missing / current.rows : 0 } : null,
    unseen: unseen.slice(0, LISTED_CATEGORIES).map((s) => ({ category: s.category, share: s.current })),
    unseenShare: withCurrent && present ? unseen.reduce((t, s) => t + s.current, 0) : null,
    drift: figures,
  };
}
