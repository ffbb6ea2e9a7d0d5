import { fastExp } from '../sigmoid.js';
import { CodedTrees } from './predict-coded.js';
import { FlatTrees } from './predict-flat.js';
import type { GbdtModel } from './types.js';

/**
 * A model's trees compiled for scoring: by the coded kernel (predict-coded.ts) when they allow it
 * (every model riskwatch trains does), else by the flat one (predict-flat.ts). Both give the same
 * log-odds to the bit. A categorical node sends a code the training rows never had (when
 * knownCategories is given), and one out of range, the missing way.
 */
export class GbdtPredictor {
  readonly baseScore: number;
  private readonly coded: CodedTrees | undefined;
  private readonly flat: FlatTrees | undefined;

  constructor(model: Pick<GbdtModel, 'baseScore' | 'trees'> & { knownCategories?: GbdtModel['knownCategories'] }) {
    this.baseScore = model.baseScore;
    this.coded = CodedTrees.compile(model);
    if (!this.coded) this.flat = new FlatTrees(model);
  }

  /** Log-odds of every row: baseScore plus one leaf value per tree. */
  rawScores(columns: readonly Float64Array[], out: Float64Array = new Float64Array(columns.length ? columns[0].length : 0)): Float64Array {
    return this.coded ? this.coded.rawScores(columns, this.baseScore, out) : this.flat!.rawScores(columns, out);
  }

  /** Probability of the positive class: 1 / (1 + e^−log-odds). */
  predictProba(columns: readonly Float64Array[], out?: Float64Array): Float64Array {
    const raw = this.rawScores(columns, out);
    for (let i = 0; i < raw.length; i++) raw[i] = 1 / (1 + fastExp(-raw[i]));
    return raw;
  }
}
