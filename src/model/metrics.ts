/**
 * Classification metrics, with scikit-learn's definitions (fixtures in test/fixtures/metrics):
 * prediction = 1 iff probability > threshold; F1/precision/recall 0 when undefined
 * (zero_division=0); ROC AUC = roc_auc_score (ties count ½); PR AUC = average_precision_score;
 * log loss with probabilities clipped to [1e-15, 1 − 1e-15]; Brier = mean squared error.
 * Top-K: rows ordered by probability, ties in row order (a stable sort); the first K.
 * The shape is an API contract (GET /evaluation), declared with the other response types.
 */
import type { ClassificationMetrics } from '../contracts/api.js';
import { sortFloat64 } from '../stats/radix-sort.js';
export type { ClassificationMetrics };

export function computeMetrics(y: Uint8Array, prob: Float64Array, threshold: number, k: number): ClassificationMetrics {
  const n = y.length;
  let tp = 0, fp = 0, tn = 0, fn = 0;
  let ll = 0, brier = 0;
  const eps = 1e-15;
  for (let i = 0; i < n; i++) {
    const p = prob[i];
    const pos = y[i] === 1;
    if (p > threshold) pos ? tp++ : fp++;
    else pos ? fn++ : tn++;
    const pc = Math.min(1 - eps, Math.max(eps, p));
    ll -= pos ? Math.log(pc) : Math.log(1 - pc);
    brier += (p - (pos ? 1 : 0)) ** 2;
  }
  const positives = tp + fn;
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = positives ? tp / positives : 0;
  const f1 = 2 * tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 0;
  const { rocAuc, prAuc } = rankMetrics(y, prob);
  return {
    rows: n,
    positives,
    f1,
    precision,
    recall,
    accuracy: n ? (tp + tn) / n : 0,
    rocAuc,
    prAuc,
    logLoss: n ? ll / n : 0,
    brier: n ? brier / n : 0,
    confusionMatrix: [
      [tn, fp],
      [fn, tp],
    ],
    threshold,
    topK: topKMetrics(y, prob, k, positives),
  };
}

/**
 * ROC AUC and average precision from the positives' and negatives' probabilities sorted apart
 * (two native typed-array sorts, then one merge) — O(n log n) without an index sort.
 */
function rankMetrics(y: Uint8Array, prob: Float64Array): { rocAuc: number | null; prAuc: number | null } {
  let np = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) np++;
  const nn = y.length - np;
  const pos = new Float64Array(np);
  const neg = new Float64Array(nn);
  let a = 0, b = 0;
  for (let i = 0; i < y.length; i++) (y[i] === 1 ? (pos[a++] = prob[i]) : (neg[b++] = prob[i]));
  sortFloat64(pos);
  sortFloat64(neg);
  // Walk thresholds from the highest probability down, one tie group at a time.
  let i = np - 1, j = nn - 1;
  let tpc = 0, fpc = 0;
  let auc = 0, ap = 0;
  while (i >= 0 || j >= 0) {
    const v = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    let dp = 0, dn = 0;
    while (i >= 0 && pos[i] === v) (dp++, i--);
    while (j >= 0 && neg[j] === v) (dn++, j--);
    // Trapezoid in (fp, tp) counts: a tie group contributes half its pairs.
    auc += dn * (tpc + dp / 2);
    tpc += dp;
    fpc += dn;
    if (dp > 0) ap += (dp / np) * (tpc / (tpc + fpc));
  }
  return { rocAuc: np && nn ? auc / (np * nn) : null, prAuc: np ? ap : null };
}

/** Precision and recall among the K highest-risk rows (ties broken by row order). */
export function topKMetrics(y: Uint8Array, prob: Float64Array, k: number, positives: number): { k: number; precision: number; recall: number } {
  const idx = topKIndices(prob, k);
  let hit = 0;
  for (const i of idx) if (y[i] === 1) hit++;
  return { k: idx.length, precision: idx.length ? hit / idx.length : 0, recall: positives ? hit / positives : 0 };
}

/**
 * Row indices of the K largest probabilities, highest first, ties in row order. Finds the K-th
 * value with one typed sort, then a single pass — no comparator sort over all rows.
 */
export function topKIndices(prob: Float64Array, k: number): number[] {
  const n = prob.length;
  k = Math.min(k, n);
  if (k <= 0) return [];
  // The K largest values (duplicates counted), as the top K of an ascending sort would hold
  // them: kth is the smallest of them, `above` how many exceed it.
  const top = largestK(prob, k);
  const kth = top[0];
  let above = 0;
  for (let i = 0; i < k; i++) if (top[i] > kth) above++;
  let equalSlots = k - above;
  const picked: number[] = [];
  for (let i = 0; i < n && picked.length < k; i++) {
    const p = prob[i];
    if (p > kth) picked.push(i);
    else if (p === kth && equalSlots > 0) {
      picked.push(i);
      equalSlots--;
    }
  }
  // Highest first; stable, so ties keep row order.
  return picked.sort((a, b) => prob[b] - prob[a] || a - b);
}

/**
 * The k largest values of `prob` (1 ≤ k ≤ length), ascending: the last k of `Float64Array.from(prob).sort()`.
 * Small k (the call list's top K among ~1,000,000 rows): a min-heap of k values, one pass, instead
 * of sorting every row; with NaN present (the native sort puts it last, above every number) or a
 * large k, by that sort.
 */
function largestK(prob: Float64Array, k: number): Float64Array {
  const n = prob.length;
  if (k * 16 > n) return sortFloat64(Float64Array.from(prob)).subarray(n - k);
  const heap = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const v = prob[i];
    if (v !== v) return sortFloat64(Float64Array.from(prob)).subarray(n - k);
    if (size < k) {
      // Sift up.
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (heap[parent] <= v) break;
        heap[c] = heap[parent];
        c = parent;
      }
      heap[c] = v;
    } else if (v > heap[0]) {
      // Replace the smallest, sift down.
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= k) break;
        const m = l + 1 < k && heap[l + 1] < heap[l] ? l + 1 : l;
        if (heap[m] >= v) break;
        heap[c] = heap[m];
        c = m;
      }
      heap[c] = v;
    }
  }
  return sortFloat64(heap);
}
