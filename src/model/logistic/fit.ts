import { solveSpd } from './linalg.js';
import { sigmoid } from '../sigmoid.js';

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
  /** Per feature, the value a missing (NaN) cell takes (the training medians). */
  impute?: ArrayLike<number>;
}

export interface FitResult {
  coef: Float64Array;
  intercept: number;
  /** Newton iterations over all rows. */
  iterations: number;
  /** Iterations on the warm-start subsample (0 for small data). */
  warmIterations: number;
  /** ‖∇‖₂ of the objective at the solution, in the original coordinates. */
  gradNorm: number;
  objective: number;
  converged: boolean;
}

/** The fit's view of the data: raw columns, imputed, centred and scaled as they are read. */
interface Scaled {
  cols: Float64Array[];
  /** Per column: the value a NaN cell takes, the mean subtracted, and 1/scale. */
  fill: Float64Array;
  mean: Float64Array;
  inv: Float64Array;
}

type Kernel = (cols: Float64Array[], fill: Float64Array, mean: Float64Array, inv: Float64Array, y: Uint8Array, n: number, theta: Float64Array, out: Float64Array, withLoss: boolean) => void;
const kernels = new Map<number, Kernel>();

/**
 * The per-iteration pass, generated once per feature count with every loop over features
 * unrolled into scalar locals (the accumulators stay in registers; a generic loop writing into
 * typed arrays ran ~4× slower). One exp per row, plus one log1p when the loss is wanted (the
 * Newton iterations mostly do without it). `out` receives [f, g_0..g_d, H lower triangle row by
 * row], where index d is the intercept (f is 0 without the loss).
 * Each cell is imputed, centred and scaled as it is read, ((x === x ? x : fill) − mean)·inv — the
 * same arithmetic that once filled a row-major copy of the data, so the sums are bit for bit the
 * same, without 8·d bytes per row of fresh memory (24 MB on 10^6 rows × 3) and the pass filling it.
 * One function for both modes (a flag, not a second kernel): it is already optimised by the
 * warm-start passes when the full-data pass that wants the loss comes.
 */
function kernel(d: number): Kernel {
  const cached = kernels.get(d);
  if (cached) return cached;
  const p = d + 1;
  const zs = Array.from({ length: d }, (_, j) => `z${j}`);
  const lines: string[] = [];
  lines.push('let f = 0;');
  for (let j = 0; j < p; j++) lines.push(`let g${j} = 0;`);
  for (let j = 0; j < p; j++) for (let k = 0; k <= j; k++) lines.push(`let h${j}_${k} = 0;`);
  for (let j = 0; j < d; j++) {
    lines.push(`const t${j} = theta[${j}];`);
    lines.push(`const x${j} = cols[${j}], f${j} = fill[${j}], m${j} = mean[${j}], s${j} = inv[${j}];`);
  }
  lines.push(`const b = theta[${d}];`);
  lines.push('for (let i = 0; i < n; i++) {');
  zs.forEach((z, j) => lines.push(`  const c${j} = x${j}[i];`, `  const ${z} = ((c${j} === c${j} ? c${j} : f${j}) - m${j}) * s${j};`));
  lines.push(`  const t = b${zs.map((z, j) => ` + t${j} * ${z}`).join('')};`);
  lines.push('  const e = Math.exp(-Math.abs(t));');
  lines.push('  const yi = y[i];');
  lines.push('  if (withLoss) f += (t > 0 ? t : 0) + Math.log1p(e) - yi * t;');
  lines.push('  const q = t >= 0 ? 1 / (1 + e) : e / (1 + e);');
  lines.push('  const r = q - yi;');
  lines.push('  const w = q * (1 - q);');
  zs.forEach((z, j) => lines.push(`  g${j} += r * ${z};`));
  lines.push(`  g${d} += r;`);
  zs.forEach((z, j) => {
    lines.push(`  const w${j} = w * ${z};`);
    for (let k = 0; k <= j; k++) lines.push(`  h${j}_${k} += w${j} * z${k};`);
  });
  for (let k = 0; k < d; k++) lines.push(`  h${d}_${k} += w${k};`);
  lines.push(`  h${d}_${d} += w;`);
  lines.push('}');
  lines.push('out[0] = f;');
  for (let j = 0; j < p; j++) lines.push(`out[${1 + j}] = g${j};`);
  let idx = 1 + p;
  for (let j = 0; j < p; j++) for (let k = 0; k <= j; k++) lines.push(`out[${idx++}] = h${j}_${k};`);
  const fn = new Function('cols', 'fill', 'mean', 'inv', 'y', 'n', 'theta', 'out', 'withLoss', lines.join('\n')) as Kernel;
  // Run both modes once on a few rows before the kernel gets hot, through every branch (missing
  // cell, t of either sign, both labels): the optimising compiler then has type feedback for all
  // of it, and a later pass that takes a branch not seen yet (the loss, say) does not throw the
  // optimised code away (seen with --trace-deopt: the next full pass then ran unoptimised).
  const probe = Float64Array.of(1, Number.NaN, -1.5, 0.5);
  const ones = new Float64Array(d).fill(1);
  const theta = new Float64Array(p).fill(0.5);
  const raw = new Float64Array(1 + p + (p * (p + 1)) / 2);
  // (V8 collects feedback only from about the 8th call on, hence the repeats.)
  for (let k = 0; k < 24; k++) {
    const withLoss = k % 2 === 1;
    fn(Array.from({ length: d }, () => probe), new Float64Array(d).fill(0.25), new Float64Array(d), ones, Uint8Array.of(0, 1, 1, 0), 4, theta, raw, withLoss);
  }
  kernels.set(d, fn);
  return fn;
}

interface Evaluation {
  f: number;
  g: Float64Array;
  h: Float64Array;
}

/**
 * Damped Newton on the rows of `data` (centred and scaled as read) from `theta0`. The line search uses
 * the merit function ½‖∇f‖² instead of f: the Newton direction descends it too (its slope is
 * −‖∇f‖² because the Hessian is positive definite), and it needs no log per row, which is 40% of
 * a pass. The objective itself is computed once, at the end — in the last iteration's own pass
 * when Newton's quadratic convergence predicts that iteration will be the last (the same kernel at
 * the same point, so the same bits), which spares a whole pass over the data; by a pass of its own
 * when the prediction fails.
 */
function newton(data: Scaled, y: Uint8Array, n: number, theta0: Float64Array<ArrayBufferLike>, pen: Float64Array, C: number, tol: number, maxIter: number) {
  const d = pen.length;
  const p = d + 1;
  const raw = new Float64Array(1 + p + (p * (p + 1)) / 2);
  const evaluate = (theta: Float64Array<ArrayBufferLike>, withLoss: boolean): Evaluation => {
    kernel(d)(data.cols, data.fill, data.mean, data.inv, y, n, theta, raw, withLoss);
    let f = raw[0] * C;
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    for (let j = 0; j < p; j++) g[j] = raw[1 + j] * C;
    let idx = 1 + p;
    for (let j = 0; j < p; j++) {
      for (let k = 0; k <= j; k++) {
        h[j * p + k] = h[k * p + j] = raw[idx++] * C;
      }
    }
    for (let j = 0; j < d; j++) {
      f += 0.5 * pen[j] * theta[j] * theta[j];
      g[j] += pen[j] * theta[j];
      h[j * p + j] += pen[j];
    }
    return { f: withLoss ? f : Number.NaN, g, h };
  };

  let theta: Float64Array = theta0;
  let cur = evaluate(theta, false);
  const target = tol * Math.max(1, norm(cur.g));
  let iterations = 0;
  let converged = norm(cur.g) <= target;
  // Whether the next candidate's pass also sums the loss (it is expected to be the last).
  let withLoss = false;
  while (!converged && iterations < maxIter) {
    iterations++;
    const step = solveSpd(cur.h, cur.g.map((v) => -v), p);
    const gBefore = norm(cur.g);
    const merit = 0.5 * gBefore * gBefore;
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 40; k++) {
      const cand = theta.map((v, i) => v + t * step[i]);
      const next = evaluate(cand, withLoss);
      const gn = norm(next.g);
      if (0.5 * gn * gn <= (1 - 2e-4 * t) * merit) {
        theta = cand;
        cur = next;
        accepted = true;
        break;
      }
      t /= 2;
    }
    // Converged: the gradient is below tolerance, or no step shrinks it any more (the rounding
    // floor of the sums).
    const gAfter = norm(cur.g);
    if (!accepted || gAfter <= target) converged = true;
    // Quadratic convergence: ‖g⁺‖ ≈ c‖g‖² with c from this step (a full step only).
    else withLoss = t === 1 && (gAfter / (gBefore * gBefore)) * gAfter * gAfter <= target;
  }
  const final = cur.f === cur.f ? cur : evaluate(theta, true);
  return { theta, cur: final, iterations, converged };
}

/**
 * `x`: one column per feature; NaN cells take `opts.impute[j]` (without it, impute first). `y`:
 * 0/1 labels. Imputing here, as the kernel centres and scales each cell it reads, saves the
 * caller an imputed copy of every column (24 MB of fresh memory on 1,000,000 rows).
 */
export function fitLogistic(x: Float64Array[], y: Uint8Array, opts: FitOptions): FitResult {
  const d = x.length;
  const n = y.length;
  const C = opts.C;
  const p = d + 1;
  // Centre and scale: the kernel applies (imputation, mean, 1/scale) to each cell as it reads it.
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  const fills = new Float64Array(d);
  const inv = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const col = x[j];
    const fill = opts.impute ? opts.impute[j] : Number.NaN;
    const m = n ? imputedSum(col, n, fill) / n : 0;
    const sd = n ? Math.sqrt(imputedSquares(col, n, fill, m) / n) : 0;
    mean[j] = m;
    scale[j] = sd > 0 ? sd : 1;
    fills[j] = fill;
    inv[j] = 1 / scale[j];
  }
  // Parameters in scaled space: theta = [w'_0 .. w'_{d-1}, b'].  Penalty: 0.5 Σ (w'_j / s_j)².
  const pen = new Float64Array(d);
  for (let j = 0; j < d; j++) pen[j] = 1 / (scale[j] * scale[j]);
  // Start from the base rate; on large data, from the optimum of an evenly spaced subsample
  // (Newton then needs 2–3 full passes instead of ~10).
  let theta: Float64Array = new Float64Array(p);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  if (positives > 0 && positives < n) theta[d] = Math.log(positives / (n - positives));
  let warmIterations = 0;
  const WARM_ROWS = 50_000;
  if (n > 4 * WARM_ROWS) {
    const stride = Math.floor(n / WARM_ROWS);
    const m = Math.floor(n / stride);
    const sub = x.map(() => new Float64Array(m));
    const ys = new Uint8Array(m);
    for (let i = 0; i < m; i++) {
      const src = i * stride;
      ys[i] = y[src];
      for (let j = 0; j < d; j++) sub[j][i] = x[j][src];
    }
    // The subsample's loss is scaled up to the full data's weight so the penalty balances alike.
    const warm = newton({ cols: sub, fill: fills, mean, inv }, ys, m, theta, pen, (C * n) / m, 1e-6, opts.maxIter);
    theta = warm.theta;
    warmIterations = warm.iterations;
  }
  const solved = newton({ cols: x, fill: fills, mean, inv }, y, n, theta, pen, C, opts.tol, opts.maxIter);
  theta = solved.theta;
  const cur = solved.cur;
  const iterations = solved.iterations;
  const converged = solved.converged;

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
  return { coef, intercept, iterations, warmIterations, gradNorm: norm(gOrig), objective: cur.f, converged };
}

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

// The column sums as small functions of their own, called for every column: the optimising
// compiler compiles each loop once, where loops written inline in fitLogistic each ran
// unoptimised over a million rows until their own compiled code was ready.

/** Σ of col[0..n) with NaN cells taken as `fill`, in row order. */
function imputedSum(col: Float64Array, n: number, fill: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const c = col[i];
    s += c === c ? c : fill;
  }
  return s;
}

/** Σ (col[i] − m)² over col[0..n), NaN cells taken as `fill`, in row order. */
function imputedSquares(col: Float64Array, n: number, fill: number, m: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = col[i];
    const e = (c === c ? c : fill) - m;
    v += e * e;
  }
  return v;
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
