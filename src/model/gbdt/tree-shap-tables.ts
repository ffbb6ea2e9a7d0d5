import { extend, unwoundSum } from './tree-shap-path.js';

/**
 * TreeSHAP with per-leaf tables (the idea of Yang 2021, "Fast TreeSHAP", v2): at a leaf, Algorithm
 * 2's path holds one element per distinct feature split on the way down, with a zero fraction z
 * (the product of the cover ratios of that feature's splits — the same for every row) and a one
 * fraction o that is 0 or 1 (whether the row takes every one of those splits' way to the leaf). A
 * leaf's contributions therefore depend on the row only through which of its d features the row
 * satisfies: 2^d cases, each worked out once here with the same EXTEND / UNWOUND-SUM as the
 * recursion. Explaining a row is then, per tree, one pass over the split nodes for the row's
 * directions and, per leaf, a bit mask and d additions — no O(d²) work per leaf and row.
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
  private readonly leafFrom: Int32Array;
  private readonly leafTo: Int32Array;
  private readonly pathStart: Int32Array;
  private readonly pathLen: Int32Array;
  private readonly pathNode: Int32Array;
  private readonly pathBit: Uint8Array;
  private readonly pathLeft: Uint8Array;
  private readonly width: Int32Array;
  private readonly featStart: Int32Array;
  private readonly feat: Int32Array;
  private readonly tableStart: Int32Array;
  private readonly table: Float64Array;

  /**
   * `candidates`: [root, end) node ranges of the trees in `flat` (absolute indices), in order;
   * the trees that fit are tabled (`trees`), the rest are left to the caller.
   */
  constructor(flat: Flat, candidates: readonly { root: number; end: number }[], budget = TABLE_BUDGET) {
    type Leaf = { node: number; path: number[]; left: number[]; feats: number[]; bits: number[]; zero: number[] };
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
          leaves.push({ node, path: [...path], left: [...left], feats, bits, zero });
          return;
        }
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
    const pathTotal = all.reduce((s, l) => s + l.path.length, 0);
    this.pathStart = new Int32Array(all.length);
    this.pathLen = new Int32Array(all.length);
    this.pathNode = new Int32Array(pathTotal);
    this.pathBit = new Uint8Array(pathTotal);
    this.pathLeft = new Uint8Array(pathTotal);
    this.width = new Int32Array(all.length);
    this.featStart = new Int32Array(all.length);
    this.feat = new Int32Array(all.reduce((s, l) => s + l.feats.length, 0));
    this.tableStart = new Int32Array(all.length);
    this.table = new Float64Array(used);
    let leaf = 0;
    let p = 0;
    let fo = 0;
    let to = 0;
    candidates.forEach((c, ti) => {
      if (!chosen[ti].length) return;
      const from = leaf;
      for (const l of chosen[ti]) {
        this.pathStart[leaf] = p;
        this.pathLen[leaf] = l.path.length;
        l.path.forEach((node, i) => {
          this.pathNode[p] = node;
          this.pathBit[p] = l.bits[i];
          this.pathLeft[p] = l.left[i];
          p++;
        });
        this.width[leaf] = l.feats.length;
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

  /**
   * Add one tabled tree's contributions for a row to phi[at0 + feature], given the row's way at
   * every split node of the tree (`left[node]` 1 = left).
   */
  add(tree: number, left: Uint8Array, phi: Float64Array, at0: number): void {
    const { pathStart, pathLen, pathNode, pathBit, pathLeft, width, featStart, feat, tableStart, table } = this;
    const to = this.leafTo[tree];
    for (let l = this.leafFrom[tree]; l < to; l++) {
      const d = width[l];
      let mask = (1 << d) - 1;
      const end = pathStart[l] + pathLen[l];
      // Without a branch: whether the row parts from the leaf's way is as likely as not.
      for (let p = pathStart[l]; p < end; p++) mask &= ~((left[pathNode[p]] ^ pathLeft[p]) << pathBit[p]);
      const at = tableStart[l] + mask * d;
      const fs = featStart[l];
      for (let k = 0; k < d; k++) phi[at0 + feat[fs + k]] += table[at + k];
    }
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
