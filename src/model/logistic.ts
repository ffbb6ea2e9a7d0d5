import { solveSpd } from './linalg.js';

/**
 * Binary logistic regression with an L2 penalty, exactly scikit-learn's LogisticRegression()
 * objective:  0.5·‖w‖² + C·Σᵢ log(1 + exp(−ỹᵢ(xᵢ·w + b)))  with the intercept b not penalised.
 *
 * Solved by Newton's method with a backtracking line search. Internally the columns are centred
 * and scaled by their standard deviation (the penalty is rewritten to match, so the optimum is the
 * same point) — raw activity counts reach 10⁶ and would otherwise make the Hessian ill-conditioned.
 * Each iteration is one pass over the rows computing loss, gradient and Hessian together.
 */
export interface FitOptions {
  C: number;
  maxIter: number;
  /** Stop when ‖gradient‖ ≤ tol · max(1, ‖initial gradient‖) in the scaled coordinates. */
  tol: number;
}

export interface FitResult {
  coef: Float64Array;
  intercept: number;
  iterations: number;
  /** ‖∇‖₂ of the objective at the solution, in the original coordinates. */
  gradNorm: number;
  objective: number;
  converged: boolean;
}

/** `x`: one column per feature, no NaN (impute first). `y`: 0/1 labels. */
export function fitLogistic(x: Float64Array[], y: Uint8Array, opts: FitOptions): FitResult {
  const d = x.length;
  const n = y.length;
  const C = opts.C;
  // Centre and scale.
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  const z: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    const col = x[j];
    let s = 0;
    for (let i = 0; i < n; i++) s += col[i];
    const m = n ? s / n : 0;
    let v = 0;
    for (let i = 0; i < n; i++) v += (col[i] - m) * (col[i] - m);
    const sd = n ? Math.sqrt(v / n) : 0;
    mean[j] = m;
    scale[j] = sd > 0 ? sd : 1;
    const zc = new Float64Array(n);
    const inv = 1 / scale[j];
    for (let i = 0; i < n; i++) zc[i] = (col[i] - m) * inv;
    z.push(zc);
  }
  // Parameters in scaled space: theta = [w'_0 .. w'_{d-1}, b'].  Penalty: 0.5 Σ (w'_j / s_j)².
  const p = d + 1;
  const pen = new Float64Array(d);
  for (let j = 0; j < d; j++) pen[j] = 1 / (scale[j] * scale[j]);
  const zrow = new Float64Array(d);

  const evaluate = (theta: Float64Array, wantDerivatives: boolean) => {
    let f = 0;
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    const b = theta[d];
    for (let i = 0; i < n; i++) {
      let t = b;
      for (let j = 0; j < d; j++) {
        zrow[j] = z[j][i];
        t += theta[j] * zrow[j];
      }
      const yi = y[i];
      // log(1 + e^t) − y·t, computed without overflow.
      f += (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - yi * t;
      if (!wantDerivatives) continue;
      const prob = t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
      const r = prob - yi;
      const w = prob * (1 - prob);
      for (let j = 0; j < d; j++) {
        g[j] += r * zrow[j];
        const wz = w * zrow[j];
        for (let k = 0; k <= j; k++) h[j * p + k] += wz * zrow[k];
        h[d * p + j] += wz;
      }
      g[d] += r;
      h[d * p + d] += w;
    }
    f *= C;
    for (let j = 0; j < d; j++) f += 0.5 * pen[j] * theta[j] * theta[j];
    if (wantDerivatives) {
      for (let k = 0; k < p * p; k++) h[k] *= C;
      for (let k = 0; k < p; k++) g[k] *= C;
      for (let j = 0; j < d; j++) {
        g[j] += pen[j] * theta[j];
        h[j * p + j] += pen[j];
      }
      for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) h[k * p + j] = h[j * p + k];
    }
    return { f, g, h };
  };

  let theta = new Float64Array(p);
  let cur = evaluate(theta, true);
  const g0 = norm(cur.g);
  const target = opts.tol * Math.max(1, g0);
  let iterations = 0;
  let converged = norm(cur.g) <= target;
  while (!converged && iterations < opts.maxIter) {
    iterations++;
    const step = solveSpd(cur.h, cur.g.map((v) => -v), p);
    const slope = dot(cur.g, step);
    const gBefore = norm(cur.g);
    // Near the optimum the objective stops resolving the decrease (float64), so a step is also
    // taken when it leaves f unchanged but shrinks the gradient.
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 40; k++) {
      const cand = theta.map((v, i) => v + t * step[i]);
      const next = evaluate(cand, true);
      if (next.f <= cur.f + 1e-4 * t * slope || (next.f <= cur.f && norm(next.g) < gBefore)) {
        theta = cand;
        cur = next;
        accepted = true;
        break;
      }
      t /= 2;
    }
    const gAfter = norm(cur.g);
    // Converged: the gradient is below tolerance, or Newton no longer shrinks it (the rounding
    // floor of the sums — quadratic convergence would at least halve it otherwise).
    const tinyDecrement = -slope / 2 <= 1e-12 * Math.max(1, Math.abs(cur.f));
    if (gAfter <= target || !accepted || (tinyDecrement && gAfter > 0.5 * gBefore)) converged = true;
  }

  // Back to original coordinates: w_j = w'_j / s_j, b = b' − Σ w_j m_j.
  const coef = new Float64Array(d);
  let intercept = theta[d];
  for (let j = 0; j < d; j++) {
    coef[j] = theta[j] / scale[j];
    intercept -= coef[j] * mean[j];
  }
  // ∂F/∂w_j = s_j·g'_j + m_j·g'_b ; ∂F/∂b = g'_b.
  const gOrig = new Float64Array(p);
  for (let j = 0; j < d; j++) gOrig[j] = scale[j] * cur.g[j] + mean[j] * cur.g[d];
  gOrig[d] = cur.g[d];
  return { coef, intercept, iterations, gradNorm: norm(gOrig), objective: cur.f, converged };
}

/** P(y = 1) for each row; missing (NaN) cells take the given medians. */
export function predictProba(x: Float64Array[], rows: number, coef: ArrayLike<number>, intercept: number, medians: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows);
  const d = x.length;
  if (d === 3) {
    // The default model's shape, unrolled: this is the /prediction and predict hot loop.
    const [x0, x1, x2] = x;
    const w0 = coef[0], w1 = coef[1], w2 = coef[2];
    const m0 = medians[0], m1 = medians[1], m2 = medians[2];
    for (let i = 0; i < rows; i++) {
      const a = x0[i], b = x1[i], c = x2[i];
      const t = intercept + w0 * (a === a ? a : m0) + w1 * (b === b ? b : m1) + w2 * (c === c ? c : m2);
      out[i] = 1 / (1 + Math.exp(-t));
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    let t = intercept;
    for (let j = 0; j < d; j++) {
      const v = x[j][i];
      t += coef[j] * (v === v ? v : medians[j]);
    }
    out[i] = 1 / (1 + Math.exp(-t));
  }
  return out;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
