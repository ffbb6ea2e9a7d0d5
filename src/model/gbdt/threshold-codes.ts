/**
 * The numeric half of the coded kernels (predict-coded.ts, tree-shap-codes.ts): a value is coded
 * to how many of its feature's distinct split thresholds lie below it, so `value ≤ threshold k`
 * becomes `code ≤ k` and a split node is one table lookup. Both kernels must code alike — the
 * tree walk and TreeSHAP's masks rest on the same comparisons — hence one place for it.
 */

/** Per feature: its distinct thresholds ascending (kind 1), null for a category feature (kind 2), undefined when no split uses it (kind 0). */
export function thresholdCuts(thresholds: readonly Set<number>[], kind: Int8Array): (Float64Array | null | undefined)[] {
  return thresholds.map((s, f) => (kind[f] === 1 ? Float64Array.from(s).sort() : kind[f] === 2 ? null : undefined));
}

/** How many of the ascending `cut` lie below `v` (v not NaN): binary search. */
export function rankAmongCuts(cut: Float64Array, v: number): number {
  let lo = 0;
  let hi = cut.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cut[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
