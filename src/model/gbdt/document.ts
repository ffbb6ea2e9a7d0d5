import { MODEL_FORMAT_2, type FeatureType, type GbdtDocument2, type ModelFeature } from '../../contracts/model-document.js';
import { keptCategoryTable } from '../logistic/categories.js';
import type { DocumentHeader, TrainingRows } from '../training-rows.js';
import { fitGbdt } from './boost.js';
import { DEFAULT_GBDT_PARAMS, type GbdtModel, type GbdtParams } from './types.js';

/** What the gbdt family fits on: the same inputs the logistic family's fit-document takes. */
export interface GbdtTraining extends TrainingRows {
  threshold: number;
  maxCategories: number;
  params: Partial<GbdtParams>;
}

export type GbdtTrainingRecord = GbdtDocument2['training'];

/**
 * The kernel's view of the training rows: each category column re-coded as an index into the
 * texts the model keeps for it (ascending UTF-16 order, "(other)" standing for those folded beyond
 * max_categories — the logistic family's rule, logistic/categories.ts), missing stays NaN. The
 * kernel takes at most maxBins − 1 kept texts plus "(other)" (its codes must be below maxBins).
 */
export function kernelColumns(t: GbdtTraining): { columns: Float64Array[]; categorical: boolean[]; texts: (string[] | null)[]; missing: boolean[] } {
  const maxBins = t.params.maxBins ?? DEFAULT_GBDT_PARAMS.maxBins;
  const max = Math.min(t.maxCategories, maxBins - 1);
  const texts: (string[] | null)[] = [];
  const missing: boolean[] = [];
  const columns = t.x.map((col, j) => {
    const levels = t.levels[j];
    if (t.types[j] !== 'category') {
      texts.push(null);
      missing.push(false);
      return col as Float64Array;
    }
    if (!levels) throw new Error(`feature "${t.features[j]}" is a category but the dataset has no dictionary for it`);
    const kept = keptCategoryTable(t.features[j], col as Float64Array, t.rows, levels, max);
    const hasMissing = kept.categories[kept.categories.length - 1] === null;
    texts.push(kept.categories.filter((c): c is string => c !== null));
    missing.push(hasMissing);
    return recode(col as Float64Array, t.rows, kept.ofCode);
  });
  return { columns, categorical: t.types.map((ty) => ty === 'category'), texts, missing };
}

/** Each row's kept-category index by its dictionary code (keptCategoryTable checked every code); missing stays NaN. */
function recode(col: Float64Array, rows: number, ofCode: Int32Array): Float64Array {
  const codes = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = col[i];
    codes[i] = c !== c ? Number.NaN : ofCode[c];
  }
  return codes;
}

/**
 * Fit gradient-boosted trees on numeric and category features and say them as a /2 document
 * (docs/model.md, "The gbdt part"). The same data and settings give a byte-identical document.
 */
export function fitGbdtDocument(t: GbdtTraining): { model: GbdtModel; document: (header: DocumentHeader, training: GbdtTrainingRecord) => GbdtDocument2 } {
  const k = kernelColumns(t);
  const model = fitGbdt({ columns: k.columns, categorical: k.categorical, y: t.y.subarray(0, t.rows) }, t.params);
  const params = { ...DEFAULT_GBDT_PARAMS, ...t.params };
  const document = (h: DocumentHeader, training: GbdtTrainingRecord): GbdtDocument2 => ({
    format: MODEL_FORMAT_2,
    family: 'gbdt',
    version: h.version,
    createdAt: h.createdAt,
    datasetHash: h.datasetHash,
    ...gbdtPart(model, t.features, t.types, k.texts, k.missing),
    target: h.target,
    idColumn: h.idColumn,
    threshold: t.threshold,
    hyperParameters: {
      learningRate: params.learningRate,
      maxLeaves: params.maxLeaves,
      minSamplesLeaf: params.minSamplesLeaf,
      l2: params.l2,
      maxBins: params.maxBins,
      maxIter: params.maxIter,
      earlyStopping: params.earlyStopping,
    },
    training,
  });
  return { model, document };
}

/**
 * The kernel's model in the document's terms. A category feature's `categories` are the texts
 * the trees were fitted on (codes the kernel saw: with early stopping, the rows less its
 * validation share), then null when those rows had missing cells; a tree's category set lists the
 * texts that go left among them. Importance is keyed by feature name.
 */
export function gbdtPart(
  model: GbdtModel,
  names: readonly string[],
  types: readonly FeatureType[],
  texts: readonly (readonly string[] | null)[],
  missing: readonly boolean[],
): { features: ModelFeature[]; gbdt: GbdtDocument2['gbdt'] } {
  const known = model.knownCategories.map((codes) => (codes ? new Set(codes) : null));
  const features: ModelFeature[] = names.map((name, j) => {
    const tx = texts[j];
    if (!tx) return { name, type: types[j] };
    const categories: (string | null)[] = tx.filter((_, c) => known[j]?.has(c));
    if (missing[j]) categories.push(null);
    return { name, type: 'category', categories };
  });
  const trees = model.trees.map((tree) => ({
    feature: tree.feature.slice(),
    threshold: tree.threshold.slice(),
    // Codes the kernel never saw go the missing way whatever their bit: they are left out.
    categories: tree.categories.map((codes, i) => (codes === null ? null : codes.filter((c) => known[tree.feature[i]]?.has(c)).map((c) => texts[tree.feature[i]]![c]))),
    missingLeft: tree.missingLeft.slice(),
    left: tree.left.slice(),
    right: tree.right.slice(),
    value: tree.value.slice(),
    cover: tree.cover.slice(),
  }));
  const byName = (v: readonly number[]) => Object.fromEntries(names.map((n, j) => [n, v[j]]));
  return { features, gbdt: { baseScore: model.baseScore, trees, importance: { gain: byName(model.importance.gain), splits: byName(model.importance.splits) } } };
}
