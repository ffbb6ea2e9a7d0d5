import type { GbdtModel } from './types.js';
import { rankAmongCuts, thresholdCuts } from './threshold-codes.js';

/** A row's code for a missing value (and for a category code outside 0..255). */
const MISSING = 256;
/** 32-bit words of a node's way table: one bit per code 0..256 (1 = left). */
const WORDS = 9;
/** Rows coded and scored together: their codes stay in cache while every tree walks them. */
const BLOCK = 512;

type Trees = Pick<GbdtModel, 'trees'> & { knownCategories?: GbdtModel['knownCategories'] };

/**
 * The trees' scoring kernel for `predict` on many rows (issue 16: ≤ 2× LightGBM's predict_proba).
 * Each row is first coded, per feature, to a small integer: a numeric value to how many of the
 * model's thresholds for that feature lie below it (so `value ≤ threshold k` is `code ≤ k`), a
 * category to its code, missing to MISSING. Every split node is then one lookup in a 257-bit table
 * of its own — numeric and category nodes alike, the missing way included — and the next node is
 * read from the pair (right, left) by that bit, without a branch. Leaves loop to themselves, so four
 * rows walk a tree together until all four have reached a leaf: the walk's only unpredictable branch
 * is taken once per four rows, and the four independent chains of loads overlap. Rows go in blocks
 * with the trees outside, so a tree stays in cache over a block. The result is the flat kernel's to
 * the bit (the same leaves, added in the same order); compile() declines trees it cannot code this
 * way (more than 255 thresholds on a feature, a feature split both as numbers and as categories).
 */
export class CodedTrees {
  private constructor(
    readonly roots: Int32Array,
    /** Node ids below this are splits, the rest leaves. */
    private readonly splits: number,
    private readonly feature: Int32Array,
    /** Per node (right, left): a leaf's both point back to it. */
    private readonly kids: Int32Array,
    private readonly ways: Int32Array,
    private readonly leafValue: Float64Array,
    /** Per feature: the distinct thresholds, ascending; null for a category feature; undefined for one no tree uses (never read). */
    private readonly cuts: (Float64Array | null | undefined)[],
  ) {}

  static compile(model: Trees): CodedTrees | undefined {
    let width = 0;
    let splits = 0;
    let nodes = 0;
    for (const t of model.trees) {
      nodes += t.feature.length;
      for (const f of t.feature) if (f >= 0) (splits++, (width = Math.max(width, f + 1)));
    }
    const kind = new Int8Array(width); // 0 unused, 1 numeric, 2 category
    const thresholds: Set<number>[] = Array.from({ length: width }, () => new Set());
    for (const t of model.trees) {
      for (let i = 0; i < t.feature.length; i++) {
        const f = t.feature[i];
        if (f < 0) continue;
        const k = t.categories[i] !== null ? 2 : 1;
        if (kind[f] !== 0 && kind[f] !== k) return undefined;
        kind[f] = k;
        if (k === 1) {
          if (Number.isNaN(t.threshold[i])) return undefined;
          thresholds[f].add(t.threshold[i]);
        }
      }
    }
    const cuts = thresholdCuts(thresholds, kind);
    if (cuts.some((c) => c && c.length > 255)) return undefined;

    const roots = new Int32Array(model.trees.length);
    const feature = new Int32Array(nodes);
    const kids = new Int32Array(2 * nodes);
    const ways = new Int32Array(WORDS * nodes);
    const leafValue = new Float64Array(nodes);
    let splitAt = 0;
    let leafAt = splits;
    model.trees.forEach((t, ti) => {
      const id = t.feature.map((f) => (f >= 0 ? splitAt++ : leafAt++));
      roots[ti] = id[0] ?? 0;
      for (let i = 0; i < t.feature.length; i++) {
        const j = id[i];
        const f = t.feature[i];
        if (f < 0) {
          leafValue[j] = t.value[i];
          kids[2 * j] = kids[2 * j + 1] = j;
          continue;
        }
        feature[j] = f;
        kids[2 * j] = id[t.right[i]];
        kids[2 * j + 1] = id[t.left[i]];
        const w = j * WORDS;
        const setLeft = (code: number) => (ways[w + (code >> 5)] |= 1 << (code & 31));
        const missingLeft = t.missingLeft[i];
        const cats = t.categories[i];
        if (cats === null) {
          // value ≤ threshold ⟺ fewer than k + 1 thresholds lie below it ⟺ code ≤ k.
          const k = cuts[f]!.indexOf(t.threshold[i]);
          for (let word = 0; word < (k + 1) >> 5; word++) ways[w + word] = -1;
          if ((k + 1) & 31) ways[w + ((k + 1) >> 5)] |= (1 << ((k + 1) & 31)) - 1;
        } else {
          // As the flat kernel: a code the training rows never had (when known) goes the missing way.
          const known = model.knownCategories?.[f];
          if (known && missingLeft) {
            const had = new Set(known);
            for (let code = 0; code < 256; code++) if (!had.has(code)) setLeft(code);
          }
          for (const code of cats) if (code >= 0 && code < 256) setLeft(code);
        }
        if (missingLeft) setLeft(MISSING);
      }
    });
    return new CodedTrees(roots, splits, feature, kids, ways, leafValue, cuts);
  }

  /** out[i] = baseScore + each tree's leaf value for row i, in tree order. */
  rawScores(columns: readonly Float64Array[], baseScore: number, out: Float64Array): Float64Array {
    const { roots, splits: S, feature, kids, ways, leafValue } = this;
    const P = Math.max(1, this.cuts.length);
    const codes = new Uint16Array(Math.min(BLOCK, out.length) * P);
    for (let from = 0; from < out.length; from += BLOCK) {
      const n = Math.min(BLOCK, out.length - from);
      this.code(columns, from, n, codes, P);
      out.fill(baseScore, from, from + n);
      for (let t = 0; t < roots.length; t++) {
        const root = roots[t];
        let i = 0;
        for (; i + 4 <= n; i += 4) {
          const b0 = i * P;
          const b1 = b0 + P;
          const b2 = b1 + P;
          const b3 = b2 + P;
          let n0 = root;
          let n1 = root;
          let n2 = root;
          let n3 = root;
          while (n0 < S || n1 < S || n2 < S || n3 < S) {
            const c0 = codes[b0 + feature[n0]];
            const c1 = codes[b1 + feature[n1]];
            const c2 = codes[b2 + feature[n2]];
            const c3 = codes[b3 + feature[n3]];
            n0 = kids[2 * n0 + ((ways[WORDS * n0 + (c0 >> 5)] >>> (c0 & 31)) & 1)];
            n1 = kids[2 * n1 + ((ways[WORDS * n1 + (c1 >> 5)] >>> (c1 & 31)) & 1)];
            n2 = kids[2 * n2 + ((ways[WORDS * n2 + (c2 >> 5)] >>> (c2 & 31)) & 1)];
            n3 = kids[2 * n3 + ((ways[WORDS * n3 + (c3 >> 5)] >>> (c3 & 31)) & 1)];
          }
          out[from + i] += leafValue[n0];
          out[from + i + 1] += leafValue[n1];
          out[from + i + 2] += leafValue[n2];
          out[from + i + 3] += leafValue[n3];
        }
        for (; i < n; i++) {
          const b = i * P;
          let node = root;
          while (node < S) {
            const c = codes[b + feature[node]];
            node = kids[2 * node + ((ways[WORDS * node + (c >> 5)] >>> (c & 31)) & 1)];
          }
          out[from + i] += leafValue[node];
        }
      }
    }
    return out;
  }

  /** Codes of rows [from, from + n) into `codes`, row by row (P per row). */
  private code(columns: readonly Float64Array[], from: number, n: number, codes: Uint16Array, P: number): void {
    const cuts = this.cuts;
    for (let f = 0; f < cuts.length; f++) {
      const col = columns[f];
      const cut = cuts[f];
      if (cut === undefined) continue;
      if (cut === null) {
        for (let i = 0; i < n; i++) {
          const v = col[from + i];
          codes[i * P + f] = v >= 0 && v < 256 && (v | 0) === v ? v : MISSING;
        }
        continue;
      }
      for (let i = 0; i < n; i++) {
        const v = col[from + i];
        codes[i * P + f] = v !== v ? MISSING : rankAmongCuts(cut, v);
      }
    }
  }
}
