import type { Contributions, ContributionsPart, FeatureColumns, FittedModel, SqlExport, SqlOptions } from '../fitted-model.js';
import type { GbdtDocument2, ModelFeature } from '../../contracts/model-document.js';
import { OTHER } from '../../data/kinds/category/counts.js';
import { DataError } from '../../util/errors.js';
import { GbdtPredictor } from './predict.js';
import { gbdtSql } from './sql.js';
import { TreeShap } from './tree-shap.js';
import { TreeShapThreads } from './tree-shap-threads.js';
import type { GbdtModel, GbdtTree } from './types.js';

/**
 * How a gbdt document reads one category feature: its texts (the feature's `categories` less
 * null) are codes 0..k−1 to the trees; a text of the data's dictionary maps to its code, or — not
 * among them — to "(other)"'s when the model folded categories (as the logistic family reads it),
 * else to missing (NaN): it goes the missing way at every node.
 */
export class CategoryCodes {
  private readonly codeOf: Map<string, number>;
  private readonly other: number;
  constructor(
    readonly name: string,
    readonly texts: readonly string[],
  ) {
    this.codeOf = new Map(texts.map((t, c) => [t, c]));
    this.other = this.codeOf.get(OTHER) ?? Number.NaN;
  }

  /** The model's code of each code of a dataset dictionary `levels`. */
  lookup(levels: readonly string[] | null | undefined): Float64Array {
    if (!levels) throw new DataError(`feature "${this.name}" is a category in this model, but the data read it as numbers (check feature_types)`);
    return Float64Array.from(levels, (t) => this.codeOf.get(t) ?? this.other);
  }
}

/** Per feature of a gbdt document: its category codes (category features) or null (numeric). */
export function categoryCodes(features: readonly ModelFeature[]): (CategoryCodes | null)[] {
  return features.map((f) => (f.type === 'category' ? new CategoryCodes(f.name, (f.categories ?? []).filter((c): c is string => c !== null)) : null));
}

/**
 * FeatureColumns (category cells as codes of the data's own dictionaries) as the trees read them:
 * numeric columns as they are, category columns re-coded to the document's codes. Exported for
 * whatever else walks the document's trees over data (contributions).
 */
export function treeColumns(codes: readonly (CategoryCodes | null)[], data: FeatureColumns): Float64Array[] {
  return codes.map((cc, j) => {
    const col = data.x[j];
    if (!cc) return col as Float64Array;
    const map = cc.lookup(data.levels?.[j]);
    const out = new Float64Array(data.rows);
    for (let i = 0; i < data.rows; i++) {
      const c = col[i];
      out[i] = c >= 0 && c < map.length ? map[c] : Number.NaN;
    }
    return out;
  });
}

/** A document's trees with category texts as the feature's codes (kernel form). */
export function kernelTrees(doc: GbdtDocument2, codes: readonly (CategoryCodes | null)[]): GbdtTree[] {
  return doc.gbdt.trees.map((t, ti) => {
    const n = t.feature.length;
    for (const k of ['threshold', 'categories', 'missingLeft', 'left', 'right', 'value', 'cover'] as const) {
      if (t[k].length !== n) throw new DataError(`model ${doc.version}: tree ${ti} has ${n} nodes in "feature" but ${t[k].length} in "${k}"`);
    }
    const categories = t.categories.map((texts, i) => {
      const f = t.feature[i];
      if (f < 0) return null;
      if (f >= codes.length || !Number.isInteger(f)) throw new DataError(`model ${doc.version}: tree ${ti} node ${i} splits on feature ${f}, which the document does not have`);
      const cc = codes[f];
      if (!cc) {
        if (texts !== null) throw new DataError(`model ${doc.version}: tree ${ti} node ${i} lists categories for the numeric feature "${doc.features[f].name}"`);
        return null;
      }
      if (texts === null) throw new DataError(`model ${doc.version}: tree ${ti} node ${i} splits the category feature "${cc.name}" without a category list`);
      const out: number[] = [];
      for (const text of texts) {
        const c = cc.texts.indexOf(text);
        if (c < 0) throw new DataError(`model ${doc.version}: tree ${ti} node ${i} sends "${text}" left, which is not among feature "${cc.name}"'s categories`);
        out.push(c);
      }
      return out.sort((a, b) => a - b);
    });
    for (let i = 0; i < n; i++) {
      const leaf = t.feature[i] < 0;
      const child = (c: number) => Number.isInteger(c) && c > i && c < n;
      if (!leaf && !(child(t.left[i]) && child(t.right[i]))) throw new DataError(`model ${doc.version}: tree ${ti} node ${i} has children ${t.left[i]} and ${t.right[i]}; expected nodes after it`);
    }
    return { feature: t.feature, threshold: t.threshold, categories, missingLeft: t.missingLeft, left: t.left, right: t.right, value: t.value, cover: t.cover };
  });
}

/** Fewer rows than this are explained on the calling thread even off-thread: a thread's start-up would cost more. */
const SMALL_EXPLAIN = 256;

/**
 * Gradient-boosted trees loaded from their /2 document: log-odds = baseScore + one leaf value per
 * tree, compiled once into the kernel's flat predictor.
 */
export class GbdtFittedModel implements FittedModel {
  readonly family = 'gbdt' as const;
  readonly version: string;
  readonly features: readonly string[];
  readonly featureSpecs: readonly ModelFeature[];
  readonly threshold: number;
  readonly splitImportance: FittedModel['splitImportance'];
  private readonly codes: (CategoryCodes | null)[];
  private readonly predictor: GbdtPredictor;
  private readonly trees: GbdtTree[];
  /** The TreeSHAP explainer, built on first use (a model that only predicts never pays for it). */
  private shap: TreeShap | undefined;
  /** The TreeSHAP threads (contributionsOffThread), started on first use or by prepareContributions. */
  private threads: TreeShapThreads | undefined;

  constructor(private readonly doc: GbdtDocument2) {
    this.version = doc.version;
    this.features = doc.features.map((f) => f.name);
    this.featureSpecs = doc.features;
    this.threshold = doc.threshold;
    this.splitImportance = doc.gbdt.importance;
    this.codes = categoryCodes(doc.features);
    for (const cc of this.codes) if (cc && cc.texts.length > 256) throw new DataError(`model ${doc.version}: feature "${cc.name}" has ${cc.texts.length} categories; a tree model holds at most 256`);
    const trees = kernelTrees(doc, this.codes);
    this.trees = trees;
    // Every code of the document is one training had: those the data maps elsewhere are NaN.
    this.predictor = new GbdtPredictor({ baseScore: doc.gbdt.baseScore, trees });
  }

  predictProba(data: FeatureColumns, out: Float64Array = new Float64Array(data.rows)): Float64Array {
    const cols = treeColumns(this.codes, data);
    // The predictor scores as many rows as `out` holds: give it exactly `rows`.
    const target = out.length === data.rows ? out : out.subarray(0, data.rows);
    this.predictor.predictProba(cols, target);
    return out;
  }

  /**
   * For `predict --out` on two threads: the trees as the kernel reads them (the predictions thread
   * builds its own GbdtPredictor from them), the columns they read for `data`, and a scorer for a
   * range of rows — the same numbers, to the bit, as predictProba's.
   */
  kernel(): Pick<GbdtModel, 'baseScore' | 'trees'> {
    return { baseScore: this.doc.gbdt.baseScore, trees: this.trees };
  }

  treeColumns(data: FeatureColumns): Float64Array[] {
    return treeColumns(this.codes, data);
  }

  /** Probabilities of rows [from, to) of `cols` (treeColumns) into out[from, to). */
  predictRange(cols: readonly Float64Array[], from: number, to: number, out: Float64Array): void {
    this.predictor.predictProba(
      cols.map((c) => c.subarray(from, to)),
      out.subarray(from, to),
    );
  }

  /** Path-dependent TreeSHAP over the trees' covers (tree-shap.ts), on the columns the trees read. */
  contributions(data: FeatureColumns, out?: Float64Array[]): Contributions {
    this.shap ??= new TreeShap({ baseScore: this.doc.gbdt.baseScore, trees: this.trees }, this.features.length);
    const values = this.features.map((_, j) => (out?.[j] && out[j].length >= data.rows ? out[j] : new Float64Array(data.rows)));
    this.shap.explain(treeColumns(this.codes, data), data.rows, values);
    return { base: this.shap.base, values };
  }

  /**
   * The same TreeSHAP on worker threads (tree-shap-threads.ts), the rows split across the cores;
   * on this thread when no thread can run (no worker file, a thread failed) or for a few rows.
   * `onPart`: each thread's part as it comes back; computed here, all rows as one part (again,
   * after a thread failed: the same numbers).
   */
  async contributionsOffThread(data: FeatureColumns, onPart?: (part: ContributionsPart) => void): Promise<Contributions> {
    const columns = treeColumns(this.codes, data);
    if (data.rows >= SMALL_EXPLAIN && TreeShapThreads.available()) {
      const values = this.features.map(() => new Float64Array(data.rows));
      try {
        const base = await this.explainThreads().explain(columns, data.rows, values, onPart && ((from, to, b) => onPart({ from, to, base: b, values })));
        return { base, values };
      } catch {
        // computed here below: the same numbers
      }
    }
    const c = this.contributions(data);
    onPart?.({ from: 0, to: data.rows, base: c.base, values: c.values });
    return c;
  }

  /** Start the TreeSHAP threads and their tables now, ahead of contributionsOffThread's rows. */
  prepareContributions(): void {
    if (!TreeShapThreads.available()) return;
    try {
      this.explainThreads().start();
    } catch {
      // contributionsOffThread will compute here
    }
  }

  private explainThreads(): TreeShapThreads {
    this.threads ??= new TreeShapThreads({ baseScore: this.doc.gbdt.baseScore, trees: this.trees }, this.features.length);
    return this.threads;
  }

  toDocument(): GbdtDocument2 {
    return this.doc;
  }

  /** One flat CASE per tree, summed (sql.ts); the same arithmetic as predictProba. */
  toSql(opts: SqlOptions): SqlExport {
    return gbdtSql(this.doc, opts);
  }
}
