import { rankAmongCuts, thresholdCuts } from './threshold-codes.js';
/**
 * The split nodes of TreeSHAP's tabled trees (tree-shap-tables.ts) as the coded predict kernel
 * sees them (predict-coded.ts): each row's value, per feature, is first coded to a small integer —
 * a number to how many of the model's thresholds for that feature lie below it (so `value ≤
 * threshold k` is `code ≤ k`), a category to its code, missing to MISSING, a cell no category
 * split can send left (not a whole number in 0..255) to OTHER — and every split node is then one
 * lookup in a 288-bit table of its own (1 = left), the missing way included. A row's way at each
 * node, and so its leaf masks, are exactly those of the comparisons (TreeShap.explain); only
 * without a branch per split. `build` declines trees it cannot code so (more than 255 thresholds
 * on a feature, a feature split both as numbers and as categories, a NaN threshold, a category
 * code past 255 sent left).
 */
export const MISSING = 256;
export const OTHER = 257;
/** 32-bit words of a node's way table: one bit per code 0..287. */
export const WORDS = 9;

interface Flat {
  feature: Int32Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  catOffset: Int32Array;
  catLength: Int32Array;
  catLeft: Uint8Array;
}

export class SplitCodes {
  private constructor(
    /** Per feature: the distinct thresholds, ascending; null for a category feature; undefined for one no split uses. */
    readonly cuts: (Float64Array | null | undefined)[],
    /** Per node (absolute index), its way table at node·WORDS (split nodes only). */
    readonly ways: Int32Array,
  ) {}

  /** The codes and way tables for the split nodes in `ranges` of `flat`; undefined when they cannot be coded. */
  static build(flat: Flat, ranges: readonly { root: number; end: number }[], features: number): SplitCodes | undefined {
    const kind = new Int8Array(features); // 0 unused, 1 numeric, 2 category
    const thresholds: Set<number>[] = Array.from({ length: features }, () => new Set());
    for (const r of ranges) {
      for (let j = r.root; j < r.end; j++) {
        const f = flat.feature[j];
        if (f < 0) continue;
        const k = flat.catOffset[j] >= 0 ? 2 : 1;
        if (k === 2 && flat.catLength[j] > 256) return undefined; // a code past 255 that goes left: no code for it
        if (kind[f] !== 0 && kind[f] !== k) return undefined;
        kind[f] = k;
        if (k === 1) {
          if (Number.isNaN(flat.threshold[j])) return undefined;
          thresholds[f].add(flat.threshold[j]);
        }
      }
    }
    const cuts = thresholdCuts(thresholds, kind);
    if (cuts.some((c) => c && c.length > 255)) return undefined;
    const ways = new Int32Array(WORDS * flat.feature.length);
    for (const r of ranges) {
      for (let j = r.root; j < r.end; j++) {
        const f = flat.feature[j];
        if (f < 0) continue;
        const w = j * WORDS;
        const setLeft = (code: number) => (ways[w + (code >> 5)] |= 1 << (code & 31));
        const co = flat.catOffset[j];
        if (co < 0) {
          // value ≤ threshold ⟺ fewer than k + 1 thresholds lie below it ⟺ code ≤ k.
          const k = cuts[f]!.indexOf(flat.threshold[j]);
          for (let code = 0; code <= k; code++) setLeft(code);
        } else {
          // A whole number in [0, catLength) whose entry says left (TreeShap.explain's rule).
          for (let code = 0; code < flat.catLength[j] && code < 256; code++) if (flat.catLeft[co + code] === 1) setLeft(code);
        }
        if (flat.missingLeft[j] === 1) setLeft(MISSING);
      }
    }
    return new SplitCodes(cuts, ways);
  }

  /** Codes of rows [from, from + n) of `columns` into `codes`, row by row (`features` per row). */
  code(columns: readonly Float64Array[], from: number, n: number, codes: Int32Array, features: number): void {
    const cuts = this.cuts;
    for (let f = 0; f < cuts.length; f++) {
      const cut = cuts[f];
      if (cut === undefined) continue;
      const col = columns[f];
      if (cut === null) {
        for (let i = 0; i < n; i++) {
          const v = col[from + i];
          codes[i * features + f] = v !== v ? MISSING : v >= 0 && v < 256 && (v | 0) === v ? v : OTHER;
        }
        continue;
      }
      for (let i = 0; i < n; i++) {
        const v = col[from + i];
        codes[i * features + f] = v !== v ? MISSING : rankAmongCuts(cut, v);
      }
    }
  }
}
