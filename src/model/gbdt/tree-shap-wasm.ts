import { Body, I32, encodeModule } from '../../util/wasm-encoder.js';
import type { LeafTables } from './tree-shap-tables.js';
import type { SplitCodes } from './tree-shap-codes.js';
import { WORDS } from './tree-shap-codes.js';

/**
 * TreeSHAP's coded, tabled loop (TreeShap.explain: per tree and row, the split nodes' masks from
 * the coded row, then each leaf's table row added at its mask) as WebAssembly. In JavaScript every
 * step is a bounds-checked typed-array access; here the same loads, the same masks and the same
 * f64 additions into the same phi slots in the same order — contributions bit for bit the same.
 * Everything it reads lives in one memory laid out once per explainer (ShapMemory); JavaScript
 * codes each block's rows into it, zeroes phi and reads phi back, as before.
 */

/** Bytes per record: a tabled tree, a split node, a leaf. */
const TREE = 20;
const SPLIT = 24;
const LEAF = 20;

/**
 * kernel(trees, treesEnd, n, rowCodes, phi, rowCodeBytes, phiBytes): the tree records [trees,
 * treesEnd) (bytes), each over rows 0..n of the block — row r's codes at rowCodes + r·rowCodeBytes,
 * its phi at phi + r·phiBytes.
 * A tree record: its splits' records [s0, s1), its leaves' records [l0, l1), its root's mask slot.
 * A split: its feature's code offset in the row, its way table, its mask slot, its children's
 * mask slots, its feature's bit. A leaf: its width d, its table, its mask slot, its full mask, its
 * features' phi offsets.
 */
function kernel(): Body {
  const [TREES, END, N, RC, PHI, RCB, PHB] = [0, 1, 2, 3, 4, 5, 6];
  const [T, R, RCR, PHR, S, S1, M, C, G, B, L, L1, D, AT, FP, FE, PA] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const b = new Body();
  b.get(TREES).set(T);
  b.loopUntil(
    (x) => x.get(T).get(END).i32GeU(),
    (x) => {
      x.i32(0).set(R).get(RC).set(RCR).get(PHI).set(PHR);
      x.loopUntil(
        (y) => y.get(R).get(N).i32GeU(),
        (y) => {
          // mask[root] = −1
          y.get(T).i32Load(16).i32(-1).i32Store();
          y.get(T).i32Load(0).set(S).get(T).i32Load(4).set(S1);
          y.loopUntil(
            (z) => z.get(S).get(S1).i32GeU(),
            (z) => {
              z.get(S).i32Load(8).i32Load().set(M);
              z.get(RCR).get(S).i32Load(0).i32Add().i32Load().set(C);
              // g = (ways[c >> 5] >>> (c & 31)) & 1
              z.get(S).i32Load(4).get(C).i32(5).i32ShrU().i32(2).i32Shl().i32Add().i32Load().get(C).i32(31).i32And().i32ShrU().i32(1).i32And().set(G);
              z.get(S).i32Load(20).set(B);
              // mask[left] = m & ~(b & (g − 1)); mask[right] = m & ~(b & −g)
              z.get(S).i32Load(12).get(M).get(B).get(G).i32(1).i32Sub().i32And().i32(-1).op(0x73).i32And().i32Store();
              z.get(S).i32Load(16).get(M).get(B).i32(0).get(G).i32Sub().i32And().i32(-1).op(0x73).i32And().i32Store();
              z.get(S).i32(SPLIT).i32Add().set(S);
            },
          );
          y.get(T).i32Load(8).set(L).get(T).i32Load(12).set(L1);
          y.loopUntil(
            (z) => z.get(L).get(L1).i32GeU(),
            (z) => {
              z.get(L).i32Load(0).set(D);
              // at = table + ((mask[leaf] & full) · d) · 8
              z.get(L).i32Load(4).get(L).i32Load(8).i32Load().get(L).i32Load(12).i32And().get(D).i32Mul().i32(3).i32Shl().i32Add().set(AT);
              z.get(L).i32Load(16).set(FP);
              z.get(FP).get(D).i32(2).i32Shl().i32Add().set(FE);
              z.loopUntil(
                (w) => w.get(FP).get(FE).i32GeU(),
                (w) => {
                  w.get(PHR).get(FP).i32Load().i32Add().tee(PA).get(PA).f64Load().get(AT).f64Load().f64Add().f64Store();
                  w.get(FP).i32(4).i32Add().set(FP);
                  w.get(AT).i32(8).i32Add().set(AT);
                },
              );
              z.get(L).i32(LEAF).i32Add().set(L);
            },
          );
          y.get(R).i32(1).i32Add().set(R);
          y.get(RCR).get(RCB).i32Add().set(RCR);
          y.get(PHR).get(PHB).i32Add().set(PHR);
        },
      );
      x.get(T).i32(TREE).i32Add().set(T);
    },
  );
  return b;
}

/** The flat trees' arrays the layout reads (TreeShap's). */
interface Flat {
  feature: Int32Array;
  left: Int32Array;
  right: Int32Array;
}

/**
 * One explainer's memory and kernel: the tabled trees' records, way tables, tables, and a block's
 * row codes and phi (`codes`, `phi`: views for JavaScript). `run(k0, k1, n)`: tabled trees
 * [k0, k1) over the block's first n rows.
 */
export class ShapMemory {
  readonly codes: Int32Array;
  readonly phi: Float64Array;
  private readonly fn: (trees: number, end: number, n: number, rc: number, phi: number, rcb: number, phb: number) => void;
  private readonly treesAt: number;
  private readonly rcAt: number;
  private readonly phiAt: number;
  private readonly features: number;

  private constructor(flat: Flat, tables: LeafTables, codes: SplitCodes, splits: Int32Array, splitFrom: Int32Array, features: number, block: number) {
    this.features = features;
    const nodes = flat.feature.length;
    const leaves = tables.width.length;
    const trees = tables.trees.length;
    // Layout (bytes): f64 parts first, 8-aligned.
    let at = 0;
    const take = (bytes: number) => {
      const start = at;
      at += Math.ceil(bytes / 8) * 8;
      return start;
    };
    const tableAt = take(tables.table.length * 8);
    this.phiAt = take(block * features * 8);
    this.rcAt = take(block * features * 4);
    this.treesAt = take(trees * TREE);
    const splitAt = take(splits.length * SPLIT);
    const leafAt = take(leaves * LEAF);
    const featAt = take(tables.feat.length * 4);
    const waysAt = take(nodes * WORDS * 4);
    const maskAt = take(nodes * 4);
    const pages = Math.max(1, Math.ceil(at / 65_536));
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const buf = memory.buffer;
    const table = new Float64Array(buf, tableAt, tables.table.length);
    table.set(tables.table);
    tables.table = table; // the JavaScript copy let go: the same numbers, held once
    new Int32Array(buf, waysAt, nodes * WORDS).set(codes.ways.subarray(0, nodes * WORDS));
    const feat = new Int32Array(buf, featAt, tables.feat.length);
    for (let q = 0; q < feat.length; q++) feat[q] = tables.feat[q] * 8;
    const sp = new Int32Array(buf, splitAt, splits.length * (SPLIT / 4));
    splits.forEach((j, s) => {
      const o = s * (SPLIT / 4);
      sp[o] = flat.feature[j] * 4;
      sp[o + 1] = waysAt + j * WORDS * 4;
      sp[o + 2] = maskAt + j * 4;
      sp[o + 3] = maskAt + flat.left[j] * 4;
      sp[o + 4] = maskAt + flat.right[j] * 4;
      sp[o + 5] = 1 << tables.nodeBit[j];
    });
    const lf = new Int32Array(buf, leafAt, leaves * (LEAF / 4));
    for (let l = 0; l < leaves; l++) {
      const o = l * (LEAF / 4);
      lf[o] = tables.width[l];
      lf[o + 1] = tableAt + tables.tableStart[l] * 8;
      lf[o + 2] = maskAt + tables.leafNode[l] * 4;
      lf[o + 3] = tables.fullMask[l];
      lf[o + 4] = featAt + tables.featStart[l] * 4;
    }
    const tr = new Int32Array(buf, this.treesAt, trees * (TREE / 4));
    for (let k = 0; k < trees; k++) {
      const o = k * (TREE / 4);
      tr[o] = splitAt + splitFrom[k] * SPLIT;
      tr[o + 1] = splitAt + splitFrom[k + 1] * SPLIT;
      tr[o + 2] = leafAt + tables.leafFrom[k] * LEAF;
      tr[o + 3] = leafAt + tables.leafTo[k] * LEAF;
      tr[o + 4] = maskAt + tables.treeRoot[k] * 4;
    }
    this.codes = new Int32Array(buf, this.rcAt, block * features);
    this.phi = new Float64Array(buf, this.phiAt, block * features);
    const bytes = encodeModule([{ name: 'kernel', params: [I32, I32, I32, I32, I32, I32, I32], locals: Array<typeof I32>(17).fill(I32), body: kernel() }], { minPages: pages, maxPages: pages, shared: false });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    this.fn = instance.exports.kernel as ShapMemory['fn'];
  }

  /** The memory and kernel for these tables, or undefined when WebAssembly cannot hold them (the JavaScript loop runs). */
  static make(flat: Flat, tables: LeafTables, codes: SplitCodes, splits: Int32Array, splitFrom: Int32Array, features: number, block: number): ShapMemory | undefined {
    if (typeof WebAssembly !== 'object') return undefined;
    try {
      return new ShapMemory(flat, tables, codes, splits, splitFrom, features, block);
    } catch {
      return undefined;
    }
  }

  run(k0: number, k1: number, n: number): void {
    const f = this.features;
    this.fn(this.treesAt + k0 * TREE, this.treesAt + k1 * TREE, n, this.rcAt, this.phiAt, f * 4, f * 8);
  }
}
