import { sortFloat64 } from '../stats/radix-sort.js';

/**
 * Performance before the labels arrive (clients leave months later): confidence-based
 * performance estimation. If the model's probabilities are calibrated, row i is a positive with
 * probability p_i, so the expected confusion matrix at the threshold is
 *   TP = Σ_{pred=1} p_i, FP = Σ_{pred=1} (1 − p_i), FN = Σ_{pred=0} p_i, TN = Σ_{pred=0} (1 − p_i),
 * the expected F1 follows from it, and the expected ROC AUC is the expected share of
 * (positive, negative) pairs ranked correctly: Σ_{s_i > s_j} p_i(1 − p_j) (ties ½) over
 * Σ_i p_i · Σ_j (1 − p_j) − Σ_i p_i(1 − p_i). Only meaningful when calibration was checked on
 * the reference, which the caller reports beside the estimate.
 */
export interface Estimate {
  f1: number;
  rocAuc: number;
  confusionMatrix: [[number, number], [number, number]];
}

/** `sorted`: `prob` already in ascending order (as sortFloat64 leaves it), when the caller has it. */
export function estimatePerformance(prob: Float64Array, threshold: number, sorted: Float64Array = sortFloat64(Float64Array.from(prob))): Estimate {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i];
    if (p > threshold) (tp += p, fp += 1 - p);
    else (fn += p, tn += 1 - p);
  }
  const f1 = 2 * tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 0;
  // Pairs: walk scores ascending; each row pairs as "positive" with every lower-scored row as
  // "negative" (weight p_i · Σ(1 − p_j) below), ties counted half.
  let below = 0; // Σ (1 − p_j) over strictly lower scores
  let num = 0;
  let sumP = 0, sumQ = 0, sumPQ = 0;
  for (let k = 0; k < sorted.length; ) {
    let e = k;
    let groupP = 0, groupQ = 0;
    while (e < sorted.length && sorted[e] === sorted[k]) {
      groupP += sorted[e];
      groupQ += 1 - sorted[e];
      sumPQ += sorted[e] * (1 - sorted[e]);
      e++;
    }
    // Within a tie group each ordered pair (i ≠ j) counts ½.
    const v = sorted[k];
    const n = e - k;
    num += groupP * below + 0.5 * (groupP * groupQ - n * v * (1 - v));
    below += groupQ;
    sumP += groupP;
    sumQ += groupQ;
    k = e;
  }
  const den = sumP * sumQ - sumPQ;
  return { f1, rocAuc: den > 0 ? num / den : Number.NaN, confusionMatrix: [[tn, fp], [fn, tp]] };
}
