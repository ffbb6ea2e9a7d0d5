import { extend, unwoundSum } from './tree-shap-path.js';

/**
 * TreeSHAP with per-leaf tables (the idea of Yang 2021, "Fast TreeSHAP", v2): at a leaf, Algorithm
 * 2's path holds one element per distinct feature split on the way down, with a zero fraction z
 * (the product of the cover ratios of that feature's splits — the same for every row) and a one
 * fraction o that is 0 or 1 (whether the row takes every one of those splits' way to the leaf). A
 * leaf's contributions therefore depend on the row only through which of its d features the row
 * satisfies: 2^d cases, each worked out once here with the same EXTEND / UNWOUND-SUM as the
 * recursion. Explaining a row is then, per tree, one pass over its nodes in order (tree-shap.ts):
 * a split node passes its mask on to its children, clearing its feature's bit in the child the
 * row does not take; a leaf reads its table at its mask and adds d numbers — no O(d²) work per
 * leaf and row, and no walk along each leaf's path.
 *
 * A feature's bit at a leaf is its place among the distinct features in the order they first
 * appear on the way down, so it is decided by the path's prefix: every leaf below a split node
 * gives that node's feature the same bit (`nodeBit`), which is what lets the mask flow down.
 *
 * Memory is 2^d · d numbers per leaf, so only trees whose leaves all have d ≤ MAX_LEAF_FEATURES
 * take tables, within a budget for the model; the others keep the recursion (tree-shap.ts).
 */
export const MAX_LEAF_FEATURES = 12;
/** Table entries (8 bytes each) for one model: 2^22 = 32 MB. */
export const TABLE_BUDGET = 1 << 22;

interface Flat {
  feature: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  cover: Float64Array;
}

export class LeafTables {
  /** Per tabled tree: its node range and its leaves' range. */
  readonly trees: { root: number; end: number; leafFrom: number; leafTo: number }[] = [];
  /** The same as typed arrays, for the per-row loop. */
  readonly treeRoot: Int32Array;
  readonly treeEnd: Int32Array;
  /** Per node of a tabled tree (absolute index): a split node's feature's bit in its leaves' masks. */
  readonly nodeBit: Uint8Array;
  /** Per tabled tree: its leaves' range [leafFrom, leafTo) in the per-leaf arrays below. */
  readonly leafFrom: Int32Array;
  readonly leafTo: Int32Array;
  /** Per leaf: its node (absolute index). */
  readonly leafNode: Int32Array;
  /** Per leaf: its distinct features d, their bits' mask (2^d − 1), where they start in `feat`, where its table starts. */
  readonly width: Int32Array;
  readonly fullMask: Int32Array;
  readonly featStart: Int32Array;
  readonly feat: Int32Array;
  readonly tableStart: Int32Array;
  /**
   * Per leaf, 2^d rows of d contributions: row `mask` holds them when the row satisfies the features
   * of mask's bits. Replaced by its copy in the WebAssembly memory when the kernel runs there
   * (tree-shap-wasm.ts), so a model's tables (up to TABLE_BUDGET entries) are held once.
   */
  table: Float64Array;

  /**
   * `candidates`: [root, end) node ranges of the trees in `flat` (absolute indices), in order;
   * the trees that fit are tabled (`trees`), the rest are left to the caller.
   */
  constructor(flat: Flat, candidates: readonly { root: number; end: number }[], budget = TABLE_BUDGET) {
    type Leaf = { node: number; path: number[]; feats: number[]; bits: number[]; zero: number[] };
    const chosen: Leaf[][] = [];
    let used = 0;
    for (const c of candidates) {
      const leaves: Leaf[] = [];
      let size = 0;
      let fits = true;
      // Walk down from the root: each leaf's ancestors, which side it is on, its distinct features.
      const walk = (node: number, path: number[], left: number[]) => {
        if (!fits) return;
        if (flat.feature[node] < 0) {
          const feats: number[] = [];
          const bits: number[] = [];
          const zero: number[] = [];
          path.forEach((p, i) => {
            const f = flat.feature[p];
            let b = feats.indexOf(f);
            if (b < 0) {
              b = feats.push(f) - 1;
              zero.push(1);
            }
            bits.push(b);
            zero[b] *= flat.cover[left[i] ? flat.left[p] : flat.right[p]] / flat.cover[p];
          });
          if (feats.length > MAX_LEAF_FEATURES) fits = false;
          size += (1 << feats.length) * feats.length;
          leaves.push({ node, path: [...path], feats, bits, zero });
          return;
        }
        // The mask flows down in node order (tree-shap.ts): children must come after their parent.
        if (flat.left[node] <= node || flat.right[node] <= node) fits = false;
        walk(flat.left[node], [...path, node], [...left, 1]);
        walk(flat.right[node], [...path, node], [...left, 0]);
      };
      walk(c.root, [], []);
      if (!fits || used + size > budget) {
        chosen.push([]);
        continue;
      }
      used += size;
      chosen.push(leaves);
    }
    const all = chosen.flat();
    this.nodeBit = new Uint8Array(flat.feature.length);
    this.leafNode = new Int32Array(all.length);
    this.width = new Int32Array(all.length);
    this.fullMask = new Int32Array(all.length);
    this.featStart = new Int32Array(all.length);
    this.feat = new Int32Array(all.reduce((s, l) => s + l.feats.length, 0));
    this.tableStart = new Int32Array(all.length);
    this.table = new Float64Array(used);
    let leaf = 0;
    let fo = 0;
    let to = 0;
    candidates.forEach((c, ti) => {
      if (!chosen[ti].length) return;
      const from = leaf;
      for (const l of chosen[ti]) {
        l.path.forEach((node, i) => (this.nodeBit[node] = l.bits[i]));
        this.leafNode[leaf] = l.node;
        this.width[leaf] = l.feats.length;
        this.fullMask[leaf] = (1 << l.feats.length) - 1;
        this.featStart[leaf] = fo;
        l.feats.forEach((f) => (this.feat[fo++] = f));
        this.tableStart[leaf] = to;
        fillTable(this.table, to, l.zero, flat.value[l.node]);
        to += (1 << l.feats.length) * l.feats.length;
        leaf++;
      }
      this.trees.push({ root: c.root, end: c.end, leafFrom: from, leafTo: leaf });
    });
    this.treeRoot = Int32Array.from(this.trees, (t) => t.root);
    this.treeEnd = Int32Array.from(this.trees, (t) => t.end);
    this.leafFrom = Int32Array.from(this.trees, (t) => t.leafFrom);
    this.leafTo = Int32Array.from(this.trees, (t) => t.leafTo);
  }
}

/**
 * A leaf's 2^d cases: for each set of satisfied features (bit k = feature k's one fraction), the
 * d contributions v·(o_k − z_k)·(the path's weight with k unwound), as the recursion's leaf computes them.
 */
function fillTable(table: Float64Array, at: number, zero: readonly number[], v: number): void {
  const d = zero.length;
  const pf = new Int32Array(d + 1);
  const zf = new Float64Array(d + 1);
  const of = new Float64Array(d + 1);
  const pw = new Float64Array(d + 1);
  for (let mask = 0; mask < 1 << d; mask++) {
    extend(pf, zf, of, pw, 0, 0, 1, 1, -1);
    for (let k = 0; k < d; k++) extend(pf, zf, of, pw, 0, k + 1, zero[k], (mask >> k) & 1, k);
    for (let k = 0; k < d; k++) table[at + mask * d + k] = unwoundSum(zf, of, pw, 0, d, k + 1) * (of[k + 1] - zf[k + 1]) * v;
  }
}
