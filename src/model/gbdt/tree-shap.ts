import { DataError } from '../../util/errors.js';
import type { GbdtTree } from './types.js';
import { extend, unwind } from './tree-shap-path.js';
import { LeafTables, TABLE_BUDGET } from './tree-shap-tables.js';
import { SplitCodes, WORDS } from './tree-shap-codes.js';
import { ShapMemory } from './tree-shap-wasm.js';

/** Rows explained together (see explain). */
const BLOCK = 256;

/**
 * Path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent Individualized Feature
 * Attribution for Tree Ensembles", Algorithm 2): each feature's exact Shapley value for one row,
 * where the value of a feature subset S is the tree's expected output when the features in S are
 * the row's and the others follow both branches in proportion to the training rows that took
 * them (the nodes' `cover`). Per tree and row it walks every node once, keeping the path's unique
 * features with the weights of all subset sizes at once; O(leaves · depth²) per tree.
 *
 * The trees are the kernel's form (GbdtTree: a category node lists the codes that go left; the
 * columns hold those codes, NaN for missing or unknown, which follows `missingLeft`), flattened
 * once into typed arrays over all trees; the path buffers are allocated once per explainer, so
 * explaining rows allocates nothing. `base` is the ensemble's expected output under the same
 * value function with no feature known: baseScore + Σ over trees of the cover-weighted mean leaf
 * value — so base + Σ contributions is the row's log-odds.
 */
export class TreeShap {
  /** Expected log-odds: where every row's contributions start. */
  readonly base: number;
  /** How many trees use per-leaf tables (the rest recurse). */
  readonly tabledTrees: number;
  private readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingLeft: Uint8Array;
  readonly value: Float64Array;
  readonly cover: Float64Array;
  /** Category node: offset of its table in catLeft (1 = the code goes left), and the table's length; −1 at a numeric node. */
  readonly catOffset: Int32Array;
  readonly catLength: Int32Array;
  readonly catLeft: Uint8Array;
  /** Path elements: feature, zero fraction, one fraction, weight — one slice per recursion level. */
  private readonly pathFeature: Int32Array;
  private readonly pathZero: Float64Array;
  private readonly pathOne: Float64Array;
  private readonly pathWeight: Float64Array;
  /** The row being explained and where its contributions go (set per row, read by the recursion). */
  private columns: readonly Float64Array[] = [];
  private row = 0;
  /** Contributions of a block of BLOCK rows, row-major (row r's at r·features); phiAt: the current row's. */
  private readonly phi: Float64Array;
  private phiAt = 0;
  private readonly tables: LeafTables;
  /** Per tree: its index among the tables' trees, −1 when it recurses. */
  private readonly tabled: Int32Array;
  /** Per node, the current row's leaf mask on reaching it (tree-shap-tables.ts), for the tabled trees. */
  private readonly mask: Int32Array;
  /** The tabled trees' split nodes coded (tree-shap-codes.ts), undefined when they cannot be; then compared as they are. */
  private readonly codes: SplitCodes | undefined;
  /** Per tabled tree k: its split nodes (absolute indices, in node order) [splitFrom[k], splitFrom[k + 1]) of `splits`. */
  private readonly splits: Int32Array;
  private readonly splitFrom: Int32Array;
  /** A block's rows coded (codes.code), row by row. */
  private readonly rowCodes: Int32Array;
  /** The coded tabled trees' loop as WebAssembly, over its own memory (undefined: the JavaScript loop). */
  private readonly wasm: ShapMemory | undefined;

  /**
   * `tableBudget`: table entries the per-leaf tables may take (tree-shap-tables.ts); 0 = recursion only.
   * `coded`: whether the tabled trees' splits are read from coded rows (tree-shap-codes.ts) when
   * they can be — the same numbers to the bit either way; false only to check that. `wasm`: whether
   * the coded tabled trees run as WebAssembly (tree-shap-wasm.ts) — the same numbers; false only to check that.
   */
  constructor(
    model: { baseScore: number; trees: readonly GbdtTree[] },
    readonly features: number,
    tableBudget = TABLE_BUDGET,
    coded = true,
    wasm = true,
  ) {
    const total = model.trees.reduce((s, t) => s + t.feature.length, 0);
    this.roots = new Int32Array(model.trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.missingLeft = new Uint8Array(total);
    this.value = new Float64Array(total);
    this.cover = new Float64Array(total);
    this.catOffset = new Int32Array(total).fill(-1);
    this.catLength = new Int32Array(total);
    let catSize = 0;
    for (const t of model.trees) for (const c of t.categories) if (c && c.length) catSize += Math.max(...c) + 1;
    this.catLeft = new Uint8Array(catSize);
    let at = 0;
    let catAt = 0;
    let base = model.baseScore;
    let maxDepth = 0;
    model.trees.forEach((t, ti) => {
      this.roots[ti] = at;
      const n = t.feature.length;
      for (let i = 0; i < n; i++) {
        const j = at + i;
        const f = t.feature[i];
        this.feature[j] = f;
        this.value[j] = t.value[i];
        this.cover[j] = t.cover[i];
        if (f < 0) continue;
        if (f >= features) throw new DataError(`tree ${ti} node ${i} splits on feature ${f}; the model has ${features}`);
        if (!(t.cover[i] > 0)) throw new DataError(`tree ${ti} node ${i} has cover ${t.cover[i]}: contributions weigh the paths by cover, which must be positive`);
        this.threshold[j] = t.threshold[i];
        this.left[j] = at + t.left[i];
        this.right[j] = at + t.right[i];
        this.missingLeft[j] = t.missingLeft[i] ? 1 : 0;
        const c = t.categories[i];
        if (c) {
          const len = c.length ? Math.max(...c) + 1 : 0;
          for (const code of c) this.catLeft[catAt + code] = 1;
          this.catOffset[j] = catAt;
          this.catLength[j] = len;
          catAt += len;
        }
      }
      // Expected value and depth, children before parents: nodes come after their parent (model-document.ts).
      const expected = new Float64Array(n);
      const depth = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (t.feature[i] < 0) continue;
        depth[t.left[i]] = depth[i] + 1;
        depth[t.right[i]] = depth[i] + 1;
      }
      for (let i = n - 1; i >= 0; i--) {
        maxDepth = Math.max(maxDepth, depth[i]);
        if (t.feature[i] < 0) expected[i] = t.value[i];
        else expected[i] = (t.cover[t.left[i]] * expected[t.left[i]] + t.cover[t.right[i]] * expected[t.right[i]]) / t.cover[i];
      }
      base += n ? expected[0] : 0;
      at += n;
    });
    this.base = base;
    // A path holds at most depth + 1 elements (the root's placeholder and one per unique feature);
    // level d of the recursion uses d + 1 of them after the previous levels' slices.
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.pathFeature = new Int32Array(size);
    this.pathZero = new Float64Array(size);
    this.pathOne = new Float64Array(size);
    this.pathWeight = new Float64Array(size);
    // Trees whose leaves fit get per-leaf tables (tree-shap-tables.ts); the others recurse.
    const ranges = Array.from(this.roots, (root, t) => ({ root, end: root + model.trees[t].feature.length }));
    this.tables = new LeafTables(this, ranges, tableBudget);
    this.tabled = new Int32Array(this.roots.length).fill(-1);
    this.tables.trees.forEach((t, k) => (this.tabled[ranges.findIndex((r) => r.root === t.root)] = k));
    this.mask = new Int32Array(total);
    this.tabledTrees = this.tables.trees.length;
    const tabledRanges = this.tables.trees.map((t) => ({ root: t.root, end: t.end }));
    this.codes = coded ? SplitCodes.build(this, tabledRanges, features) : undefined;
    this.splitFrom = new Int32Array(tabledRanges.length + 1);
    const splits: number[] = [];
    tabledRanges.forEach((r, k) => {
      this.splitFrom[k] = splits.length;
      for (let j = r.root; j < r.end; j++) if (this.feature[j] >= 0) splits.push(j);
    });
    this.splitFrom[tabledRanges.length] = splits.length;
    this.splits = Int32Array.from(splits);
    // The coded, tabled loop as WebAssembly when it can run (tree-shap-wasm.ts): phi and the row
    // codes then live in its memory, where the recursion adds to phi too.
    this.wasm = this.codes && wasm ? ShapMemory.make(this, this.tables, this.codes, this.splits, this.splitFrom, features, BLOCK) : undefined;
    this.phi = this.wasm?.phi ?? new Float64Array(BLOCK * features);
    this.rowCodes = this.wasm?.codes ?? new Int32Array(this.codes ? BLOCK * features : 0);
  }

  /**
   * Contributions of rows [0, rows) of `columns` (one per feature, the trees' codes for category
   * features) into out[j][i]; `out` columns at least `rows` long.
   */
  explain(columns: readonly Float64Array[], rows: number, out: readonly Float64Array[]): void {
    const { phi, roots, features, tabled, mask, feature, threshold, missingLeft, catOffset, catLength, catLeft, left, right, tables } = this;
    const { treeRoot, treeEnd, leafFrom, leafTo, leafNode, nodeBit, width, fullMask, featStart, feat, tableStart, table } = tables;
    const { codes, splits, splitFrom, rowCodes, wasm } = this;
    const ways = codes?.ways ?? new Int32Array(0);
    this.columns = columns;
    // Rows in blocks, trees in the outer loop within a block: one tree's tables stay in cache
    // while a block of rows reads them (a row at a time over all trees missed the cache at every
    // leaf: 2.5× slower).
    for (let i0 = 0; i0 < rows; i0 += BLOCK) {
      const n = Math.min(BLOCK, rows - i0);
      phi.fill(0, 0, n * features);
      if (codes) codes.code(columns, i0, n, rowCodes, features);
      for (let t = 0; t < roots.length; t++) {
        const k = tabled[t];
        if (k >= 0 && wasm) {
          // This and the following tabled trees in one call, in tree order as below.
          let t1 = t + 1;
          while (t1 < roots.length && tabled[t1] === k + (t1 - t)) t1++;
          wasm.run(k, k + (t1 - t), n);
          t = t1 - 1;
          continue;
        }
        if (k < 0) {
          for (let r = 0; r < n; r++) {
            this.row = i0 + r;
            this.phiAt = r * features;
            this.recurse(roots[t], 0, 0, 0, 1, 1, -1);
          }
          continue;
        }
        const start = treeRoot[k];
        const end = treeEnd[k];
        if (codes) {
          // The coded rows (tree-shap-codes.ts): each split node's way read from its table, and
          // the masks handed down without a branch; then the leaves as below.
          const s0 = splitFrom[k];
          const s1 = splitFrom[k + 1];
          for (let r = 0; r < n; r++) {
            const at0 = r * features;
            mask[start] = -1;
            for (let s = s0; s < s1; s++) {
              const j = splits[s];
              const m = mask[j];
              const c = rowCodes[at0 + feature[j]];
              const g = (ways[j * WORDS + (c >> 5)] >>> (c & 31)) & 1;
              const b = 1 << nodeBit[j];
              mask[left[j]] = m & ~(b & (g - 1));
              mask[right[j]] = m & ~(b & -g);
            }
            const to = leafTo[k];
            for (let l = leafFrom[k]; l < to; l++) {
              const d = width[l];
              const at = tableStart[l] + (mask[leafNode[l]] & fullMask[l]) * d;
              const fs = featStart[l];
              for (let q = 0; q < d; q++) phi[at0 + feat[fs + q]] += table[at + q];
            }
          }
          continue;
        }
        for (let r = 0; r < n; r++) {
          const i = i0 + r;
          const at0 = r * features;
          // The masks in node order (parents first): a split node hands its mask to both
          // children, its feature's bit cleared in the one the row does not take (goesLeft,
          // inlined). Then each leaf adds its table's row at its mask (tree-shap-tables.ts), in
          // the tables' leaf order (the order of the additions fixes the last bits of phi).
          mask[start] = -1;
          for (let j = start; j < end; j++) {
            const f = feature[j];
            if (f < 0) continue;
            const m = mask[j];
            const v = columns[f][i];
            let goLeft: boolean;
            if (v !== v) goLeft = missingLeft[j] === 1;
            else {
              const co = catOffset[j];
              goLeft = co < 0 ? v <= threshold[j] : v >= 0 && v < catLength[j] && catLeft[co + v] === 1;
            }
            const b = 1 << nodeBit[j];
            mask[left[j]] = goLeft ? m : m & ~b;
            mask[right[j]] = goLeft ? m & ~b : m;
          }
          const to = leafTo[k];
          for (let l = leafFrom[k]; l < to; l++) {
            const d = width[l];
            const at = tableStart[l] + (mask[leafNode[l]] & fullMask[l]) * d;
            const fs = featStart[l];
            for (let q = 0; q < d; q++) phi[at0 + feat[fs + q]] += table[at + q];
          }
        }
      }
      for (let j = 0; j < features; j++) {
        const o = out[j];
        for (let r = 0; r < n; r++) o[i0 + r] = phi[r * features + j];
      }
    }
    this.columns = [];
  }

  /** Whether the row goes left at split node `node`. */
  private goesLeft(node: number): boolean {
    const v = this.columns[this.feature[node]][this.row];
    if (v !== v) return this.missingLeft[node] === 1;
    const co = this.catOffset[node];
    if (co < 0) return v <= this.threshold[node];
    return v >= 0 && v < this.catLength[node] && this.catLeft[co + v] === 1;
  }

  /**
   * One node of Algorithm 2's RECURSE: `depth` unique features on the parent's path (at
   * parentAt), extended here with the split that led to this node (feature pi, zero fraction pz,
   * one fraction po) into this level's slice at `at`. A one fraction is always 0 or 1 (the row
   * either satisfies every split on that feature so far or not), which the leaf step uses.
   */
  private recurse(node: number, depth: number, parentAt: number, at: number, pz: number, po: number, pi: number): void {
    const { pathFeature: pf, pathZero: zf, pathOne: of, pathWeight: pw } = this;
    if (at !== parentAt) {
      for (let k = 0; k < depth; k++) {
        pf[at + k] = pf[parentAt + k];
        zf[at + k] = zf[parentAt + k];
        of[at + k] = of[parentAt + k];
        pw[at + k] = pw[parentAt + k];
      }
    }
    extend(pf, zf, of, pw, at, depth, pz, po, pi);
    const f = this.feature[node];
    if (f < 0) {
      this.leaf(at, depth, this.value[node]);
      return;
    }
    const goLeft = this.goesLeft(node);
    const hot = goLeft ? this.left[node] : this.right[node];
    const cold = goLeft ? this.right[node] : this.left[node];
    const c = this.cover[node];
    let iz = 1;
    let io = 1;
    let d = depth;
    for (let k = 1; k <= depth; k++) {
      if (pf[at + k] === f) {
        iz = zf[at + k];
        io = of[at + k];
        unwind(pf, zf, of, pw, at, depth, k);
        d = depth - 1;
        break;
      }
    }
    const next = at + depth + 1;
    this.recurse(hot, d + 1, at, next, (this.cover[hot] / c) * iz, io, f);
    this.recurse(cold, d + 1, at, next, (this.cover[cold] / c) * iz, 0, f);
  }

  /**
   * At a leaf, each path element k adds v·(o_k − z_k)·(the path's weight with k unwound). For an
   * element with o_k = 0 that unwound weight is Σ_i w_i·(d+1)/(d−i) divided by z_k, so it adds
   * −v·Σ_i w_i·(d+1)/(d−i): the same for all of them, computed once. Only elements with o_k = 1
   * need UNWIND's recurrence.
   */
  private leaf(at: number, depth: number, v: number): void {
    const { pathFeature: pf, pathZero: zf, pathOne: of, pathWeight: pw, phi, phiAt } = this;
    const scale = depth + 1;
    let zeroSum = Number.NaN;
    for (let k = 1; k <= depth; k++) {
      const z = zf[at + k];
      let total = 0;
      if (of[at + k] === 0) {
        if (zeroSum !== zeroSum) {
          zeroSum = 0;
          for (let i = depth - 1; i >= 0; i--) zeroSum += (pw[at + i] * scale) / (depth - i);
        }
        // v·(0 − z_k)·zeroSum/z_k
        phi[phiAt + pf[at + k]] -= zeroSum * v;
        continue;
      }
      let n = pw[at + depth];
      for (let i = depth - 1; i >= 0; i--) {
        const t = (n * scale) / (i + 1);
        total += t;
        n = pw[at + i] - (t * z * (depth - i)) / scale;
      }
      phi[phiAt + pf[at + k]] += total * (1 - z) * v;
    }
  }
}
