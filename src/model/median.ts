/** Median of the non-missing (non-NaN) values, numpy's definition (mean of the middle two). */
export function median(col: Float64Array): number {
  let n = 0;
  for (let i = 0; i < col.length; i++) if (col[i] === col[i]) n++;
  if (n === 0) return Number.NaN;
  const vals = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < col.length; i++) if (col[i] === col[i]) vals[k++] = col[i];
  vals.sort();
  const mid = n >> 1;
  return n % 2 ? vals[mid] : (vals[mid - 1] + vals[mid]) / 2;
}
