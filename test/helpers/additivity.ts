/**
 * How far contributions are from adding up to the model's log-odds, the property every
 * explanation here must have (SHAP's local accuracy): max over rows of |base + Σ values − logit(p)|,
 * with `values` one column per feature and `p` the model's probabilities for the same rows.
 */
export function additivityGap(explained: { base: number; values: readonly ArrayLike<number>[] }, p: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < p.length; i++) {
    let s = explained.base;
    for (const col of explained.values) s += col[i];
    worst = Math.max(worst, Math.abs(s - (Math.log(p[i]) - Math.log1p(-p[i]))));
  }
  return worst;
}
