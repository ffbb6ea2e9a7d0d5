/**
 * The path of Algorithm 2 (Lundberg, Erion & Lee 2018) as four parallel typed arrays from `at`:
 * per element its feature, zero fraction z, one fraction o and the weight of each subset size.
 * EXTEND, UNWIND and UNWOUND-SUM, written from the paper's pseudocode with 0-based indices
 * (element 0 is the root's placeholder).
 */
/** EXTEND: add an element (feature pi, fractions pz, po) at index `depth` and update the subset-size weights. */
export function extend(pf: Int32Array, zf: Float64Array, of: Float64Array, pw: Float64Array, at: number, depth: number, pz: number, po: number, pi: number): void {
  pf[at + depth] = pi;
  zf[at + depth] = pz;
  of[at + depth] = po;
  pw[at + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    pw[at + i + 1] += (po * pw[at + i] * (i + 1)) / (depth + 1);
    pw[at + i] = (pz * pw[at + i] * (depth - i)) / (depth + 1);
  }
}

/** UNWIND: undo the EXTEND of element k (a feature met again deeper on the path) and remove it. */
export function unwind(pf: Int32Array, zf: Float64Array, of: Float64Array, pw: Float64Array, at: number, depth: number, k: number): void {
  const o = of[at + k];
  const z = zf[at + k];
  let n = pw[at + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (o !== 0) {
      const t = pw[at + i];
      pw[at + i] = (n * (depth + 1)) / ((i + 1) * o);
      n = t - (pw[at + i] * z * (depth - i)) / (depth + 1);
    } else {
      pw[at + i] = (pw[at + i] * (depth + 1)) / (z * (depth - i));
    }
  }
  for (let i = k; i < depth; i++) {
    pf[at + i] = pf[at + i + 1];
    zf[at + i] = zf[at + i + 1];
    of[at + i] = of[at + i + 1];
  }
}

/** The total weight the path would have with element k unwound (UNWIND without changing the path). */
export function unwoundSum(zf: Float64Array, of: Float64Array, pw: Float64Array, at: number, depth: number, k: number): number {
  const o = of[at + k];
  const z = zf[at + k];
  let n = pw[at + depth];
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (o !== 0) {
      const t = (n * (depth + 1)) / ((i + 1) * o);
      total += t;
      n = pw[at + i] - (t * z * (depth - i)) / (depth + 1);
    } else {
      total += (pw[at + i] * (depth + 1)) / (z * (depth - i));
    }
  }
  return total;
}
