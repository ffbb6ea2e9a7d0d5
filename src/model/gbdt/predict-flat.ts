import type { GbdtModel } from './types.js';

/**
 * A model's trees compiled into flat typed arrays (all trees' nodes end to end, children as
 * absolute indices) so the scoring loop reads a few small arrays and never an object. The general
 * kernel: GbdtPredictor uses it only for trees the coded kernel (predict-coded.ts) cannot take.
 * A categorical node points at 256 bytes of `catWay`: per code 1 = left, 0 = right, 2 = missing's
 * way (a code the training rows never had — when knownCategories is given — or one out of range).
 */
export class FlatTrees {
  readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly missingLeft: Uint8Array;
  private readonly value: Float64Array;
  /** Offset of a categorical node's table in catWay, −1 for a numeric node. */
  private readonly catOffset: Int32Array;
  private readonly catWay: Uint8Array;
  readonly baseScore: number;

  constructor(model: Pick<GbdtModel, 'baseScore' | 'trees'> & { knownCategories?: GbdtModel['knownCategories'] }) {
    const total = model.trees.reduce((s, t) => s + t.feature.length, 0);
    this.baseScore = model.baseScore;
    this.roots = new Int32Array(model.trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.missingLeft = new Uint8Array(total);
    this.value = new Float64Array(total);
    this.catOffset = new Int32Array(total).fill(-1);
    const cats = model.trees.reduce((s, t) => s + t.categories.filter((c) => c !== null).length, 0);
    this.catWay = new Uint8Array(cats * 256);
    let at = 0;
    let catAt = 0;
    model.trees.forEach((t, ti) => {
      this.roots[ti] = at;
      for (let i = 0; i < t.feature.length; i++) {
        const j = at + i;
        this.feature[j] = t.feature[i];
        this.threshold[j] = t.threshold[i];
        this.left[j] = t.left[i] < 0 ? -1 : at + t.left[i];
        this.right[j] = t.right[i] < 0 ? -1 : at + t.right[i];
        this.missingLeft[j] = t.missingLeft[i] ? 1 : 0;
        this.value[j] = t.value[i];
        const c = t.categories[i];
        if (c !== null && t.feature[i] >= 0) {
          const way = this.catWay.subarray(catAt, catAt + 256);
          // Without the training codes (a document that does not carry them) every code is known.
          const known = model.knownCategories?.[t.feature[i]];
          if (known) {
            way.fill(2);
            for (const code of known) if (code < 256) way[code] = 0;
          }
          for (const code of c) way[code] = 1;
          this.catOffset[j] = catAt;
          catAt += 256;
        }
      }
      at += t.feature.length;
    });
  }

  /** Log-odds of every row: baseScore plus one leaf value per tree. */
  rawScores(columns: readonly Float64Array[], out: Float64Array): Float64Array {
    const { roots, feature, threshold, left, right, missingLeft, value, catOffset, catWay } = this;
    const nTrees = roots.length;
    for (let i = 0; i < out.length; i++) {
      let s = this.baseScore;
      for (let t = 0; t < nTrees; t++) {
        let node = roots[t];
        let f = feature[node];
        while (f >= 0) {
          const v = columns[f][i];
          const co = catOffset[node];
          let goLeft: boolean;
          if (co < 0) goLeft = v <= threshold[node] || (v !== v && missingLeft[node] === 1);
          else {
            const way = v >= 0 && v < 256 && (v | 0) === v ? catWay[co + v] : 2;
            goLeft = way === 2 ? missingLeft[node] === 1 : way === 1;
          }
          node = goLeft ? left[node] : right[node];
          f = feature[node];
        }
        s += value[node];
      }
      out[i] = s;
    }
    return out;
  }
}
