import { sigmoid } from '../sigmoid.js';

// Scoring apart from fitting (fit.ts): a loaded model (model.ts, which the library entry loads
// with loadModel) needs this and not the training code.

/**
 * P(exited = 1) per row; missing cells take the model's medians. `out` (at least `rows` long) is
 * filled and returned when given: callers predicting repeatedly reuse it, since on this VM a fresh
 * 8 MB array costs more in first-touch page faults (~25 ms) than the 1,000,000 sigmoids.
 */
export function predictProba(x: readonly Float64Array[], rows: number, coef: ArrayLike<number>, intercept: number, medians: ArrayLike<number>, out: Float64Array = new Float64Array(rows)): Float64Array {
  const d = x.length;
  if (d === 3) {
    // The default model's shape, unrolled: this is the /prediction and predict hot loop.
    const [x0, x1, x2] = x;
    const w0 = coef[0], w1 = coef[1], w2 = coef[2];
    const m0 = medians[0], m1 = medians[1], m2 = medians[2];
    for (let i = 0; i < rows; i++) {
      const a = x0[i], b = x1[i], c = x2[i];
      const t = intercept + w0 * (a === a ? a : m0) + w1 * (b === b ? b : m1) + w2 * (c === c ? c : m2);
      out[i] = sigmoid(t);
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    let t = intercept;
    for (let j = 0; j < d; j++) {
      const v = x[j][i];
      t += coef[j] * (v === v ? v : medians[j]);
    }
    out[i] = sigmoid(t);
  }
  return out;
}
