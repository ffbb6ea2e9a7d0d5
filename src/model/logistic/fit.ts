import { newton, norm, type Pass } from './newton.js';
import { oneHotPass, splitOneHotPass } from './onehot-pass.js';
import { sharedOneHotPass, type PassHelper } from './pass-threads.js';

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
  /**
   * The numeric columns are standardized — centred on their mean and divided by their population
   * standard deviation (1 for a constant column, as scikit-learn's StandardScaler), after
   * imputation — and the penalty applies to the coefficients of the standardized columns.
   * The coefficients returned are those (with `mean` and `scale` to apply them).
   */
  standardize?: boolean;
  /** Category features, one-hot encoded: per feature each row's level, an index into [0, levels). */
  onehot?: { index: Int32Array[]; levels: number };
  /**
   * A thread that may share the one-hot passes over all rows (pass-threads.ts): the same result,
   * sooner when it has a core to run on.
   */
  helper?: PassHelper;
}

export interface FitResult {
  /** Per numeric column: its coefficient (of the standardized column under `standardize`). */
  coef: Float64Array;
  /** Per one-hot level (`onehot.levels` of them; empty without). */
  levelCoef: Float64Array;
  intercept: number;
  /** What standardized each numeric column (0 and 1 without `standardize`). */
  mean: Float64Array;
  scale: Float64Array;
  /**
   * Per numeric column: the mean of its imputed values by a compensated (Neumaier) sum — what the
   * document's background records (background.ts) — added up beside the centring's sum.
   */
  imputedMean: Float64Array;
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

/** One pass of the numeric kernel over `data`'s rows, as Newton's iterations call it. */
function numericPass(data: Scaled, y: Uint8Array, n: number): Pass {
  const run = kernel(data.cols.length);
  return (theta, out, withLoss) => run(data.cols, data.fill, data.mean, data.inv, y, n, theta, out, withLoss);
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
  const levels = opts.onehot?.levels ?? 0;
  const index = opts.onehot?.index ?? [];
  const dAll = d + levels;
  const p = dAll + 1;
  const standardize = opts.standardize === true;
  // Centre and scale: the kernel applies (imputation, mean, 1/scale) to each cell as it reads it.
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  const fills = new Float64Array(d);
  const inv = new Float64Array(d);
  const imputedMean = new Float64Array(d);
  for (let j = 0; j < d; j++) fills[j] = opts.impute ? opts.impute[j] : Number.NaN;
  // Each column's sums as before (row order, the same expressions), four columns to a loop.
  const sums = columnSums(x, n, fills);
  for (let j = 0; j < d; j++) {
    imputedMean[j] = sums[2 * j + 1] / n;
    mean[j] = n ? sums[2 * j] / n : 0;
  }
  const squares = columnSquares(x, n, fills, mean);
  for (let j = 0; j < d; j++) {
    const col = x[j];
    let m = mean[j];
    let sd = n ? Math.sqrt(squares[j] / n) : 0;
    // Standardized, a constant column is centred on its value and not scaled, as StandardScaler
    // does: its rounded mean would leave a spread of rounding errors (a "std" of 1e-17) that
    // scaling would blow up to ±1. (Internal scaling only, without standardize, as it always was.)
    if (standardize && n && isConstant(col, n, fills[j])) {
      const v = col[0] === col[0] ? col[0] : fills[j];
      m = v;
      sd = 0;
    }
    mean[j] = m;
    scale[j] = sd > 0 ? sd : 1;
    inv[j] = 1 / scale[j];
  }
  // Parameters in scaled space: theta = [w'_0 .. w'_{d-1}, levels.., b'].  Penalty: 0.5 Σ (w'_j / s_j)²
  // on the raw scale; 0.5 Σ w'_j² standardized; the indicators are not scaled (penalty 1).
  const pen = new Float64Array(dAll).fill(1);
  if (!standardize) for (let j = 0; j < d; j++) pen[j] = 1 / (scale[j] * scale[j]);
  // Offered before the subsample's passes, so the helper readies itself meanwhile.
  const sharing = opts.helper && levels > 0 ? sharedOneHotPass({ cols: x, fill: fills, mean, inv, index, levels, y, n }, opts.helper) : undefined;
  // With a shared pass to come, the subsample runs its kernels (the same sums, bit for bit).
  const passOver = (cols: Float64Array[], idx: Int32Array[], yy: Uint8Array, rows: number): Pass =>
    levels > 0 ? (sharing ? splitOneHotPass : oneHotPass)({ cols, fill: fills, mean, inv, index: idx, levels, y: yy, n: rows }) : numericPass({ cols, fill: fills, mean, inv }, yy, rows);
  try {
    return solve();
  } finally {
    sharing?.close();
  }

  function solve(): FitResult {
    // Start from the base rate; on large data, from the optimum of an evenly spaced subsample
    // (Newton then needs 2–3 full passes instead of ~10).
    let theta: Float64Array = new Float64Array(p);
    let positives = 0;
    for (let i = 0; i < n; i++) positives += y[i];
    if (positives > 0 && positives < n) theta[dAll] = Math.log(positives / (n - positives));
    let warmIterations = 0;
    const WARM_ROWS = 50_000;
    if (n > 4 * WARM_ROWS) {
      const stride = Math.floor(n / WARM_ROWS);
      const m = Math.floor(n / stride);
      const sub = x.map(() => new Float64Array(m));
      const subIndex = index.map(() => new Int32Array(m));
      const ys = new Uint8Array(m);
      for (let i = 0; i < m; i++) {
        const src = i * stride;
        ys[i] = y[src];
        for (let j = 0; j < d; j++) sub[j][i] = x[j][src];
        for (let q = 0; q < index.length; q++) subIndex[q][i] = index[q][src];
      }
      // The subsample's loss is scaled up to the full data's weight so the penalty balances alike.
      const warm = newton(passOver(sub, subIndex, ys, m), theta, pen, (C * n) / m, 1e-6, opts.maxIter);
      theta = warm.theta;
      warmIterations = warm.iterations;
    }
    const solved = newton(sharing ? sharing.pass : passOver(x, index, y, n), theta, pen, C, opts.tol, opts.maxIter);
    theta = solved.theta;
    const cur = solved.cur;
    const iterations = solved.iterations;
    const converged = solved.converged;
    const levelCoef = theta.slice(d, dAll);

    if (standardize) {
      // The solved coordinates are the model's own: standardized columns, indicators, intercept.
      return { coef: theta.slice(0, d), levelCoef, intercept: theta[dAll], mean, scale, imputedMean, iterations, warmIterations, gradNorm: norm(cur.g), objective: cur.f, converged };
    }
    // Back to original coordinates: w_j = w'_j / s_j, b = b' − Σ w_j m_j.
    const coef = new Float64Array(d);
    let intercept = theta[dAll];
    for (let j = 0; j < d; j++) {
      coef[j] = theta[j] / scale[j];
      intercept -= coef[j] * mean[j];
    }
    // ∂F/∂w_j = s_j·g'_j + m_j·g'_b ; ∂F/∂b = g'_b; the indicators' unchanged.
    const gOrig = new Float64Array(p);
    for (let j = 0; j < d; j++) gOrig[j] = scale[j] * cur.g[j] + mean[j] * cur.g[dAll];
    for (let l = d; l <= dAll; l++) gOrig[l] = cur.g[l];
    return { coef, levelCoef, intercept, mean: new Float64Array(d), scale: new Float64Array(d).fill(1), imputedMean, iterations, warmIterations, gradNorm: norm(gOrig), objective: cur.f, converged };
  }
}

export { predictProba } from './predict-proba.js';

// The column sums: each column's in row order, by the expressions it always had, four columns to
// a loop — their additions are independent chains the processor overlaps (one column to a loop
// waited on each addition: 8 columns of 784,000 rows took ~45 ms where four to a loop take ~12).
// Small functions of their own, warmed up (prepareScaling) before they meet a million rows: met
// cold, the first call ran interpreted for most of its rows.

/**
 * Per column j: Σ of x[j][0..n) with NaN cells taken as fills[j], in row order, into out[2j]; and
 * the same sum compensated (Neumaier, as background.ts adds it up) into out[2j + 1].
 */
function columnSums(x: Float64Array[], n: number, fills: Float64Array): Float64Array {
  const d = x.length;
  const out = new Float64Array(2 * d + 8);
  // A group short of four repeats its first column (its extra sums are dropped).
  for (let j = 0; j < d; j += 4) {
    const c = (k: number) => x[j + k < d ? j + k : j];
    const f = (k: number) => fills[j + k < d ? j + k : j];
    imputedSums4(c(0), c(1), c(2), c(3), n, f(0), f(1), f(2), f(3), out, 2 * j);
  }
  return out.subarray(0, 2 * d);
}

function imputedSums4(c0: Float64Array, c1: Float64Array, c2: Float64Array, c3: Float64Array, n: number, f0: number, f1: number, f2: number, f3: number, out: Float64Array, o: number): void {
  let s0 = 0, k0 = 0, e0 = 0, s1 = 0, k1 = 0, e1 = 0, s2 = 0, k2 = 0, e2 = 0, s3 = 0, k3 = 0, e3 = 0;
  for (let i = 0; i < n; i++) {
    const a0 = c0[i], a1 = c1[i], a2 = c2[i], a3 = c3[i];
    const v0 = a0 === a0 ? a0 : f0, v1 = a1 === a1 ? a1 : f1, v2 = a2 === a2 ? a2 : f2, v3 = a3 === a3 ? a3 : f3;
    s0 += v0;
    s1 += v1;
    s2 += v2;
    s3 += v3;
    const t0 = k0 + v0, t1 = k1 + v1, t2 = k2 + v2, t3 = k3 + v3;
    e0 += Math.abs(k0) >= Math.abs(v0) ? k0 - t0 + v0 : v0 - t0 + k0;
    e1 += Math.abs(k1) >= Math.abs(v1) ? k1 - t1 + v1 : v1 - t1 + k1;
    e2 += Math.abs(k2) >= Math.abs(v2) ? k2 - t2 + v2 : v2 - t2 + k2;
    e3 += Math.abs(k3) >= Math.abs(v3) ? k3 - t3 + v3 : v3 - t3 + k3;
    k0 = t0;
    k1 = t1;
    k2 = t2;
    k3 = t3;
  }
  out[o] = s0;
  out[o + 1] = k0 + e0;
  out[o + 2] = s1;
  out[o + 3] = k1 + e1;
  out[o + 4] = s2;
  out[o + 5] = k2 + e2;
  out[o + 6] = s3;
  out[o + 7] = k3 + e3;
}

/** Per column j: Σ (x[j][i] − means[j])² over [0, n), NaN cells taken as fills[j], in row order. */
function columnSquares(x: Float64Array[], n: number, fills: Float64Array, means: Float64Array): Float64Array {
  const d = x.length;
  const out = new Float64Array(d + 4);
  for (let j = 0; j < d; j += 4) {
    const k = (q: number) => (j + q < d ? j + q : j);
    imputedSquares4(x[k(0)], x[k(1)], x[k(2)], x[k(3)], n, fills[k(0)], fills[k(1)], fills[k(2)], fills[k(3)], means[k(0)], means[k(1)], means[k(2)], means[k(3)], out, j);
  }
  return out.subarray(0, d);
}

function imputedSquares4(c0: Float64Array, c1: Float64Array, c2: Float64Array, c3: Float64Array, n: number, f0: number, f1: number, f2: number, f3: number, m0: number, m1: number, m2: number, m3: number, out: Float64Array, o: number): void {
  let v0 = 0, v1 = 0, v2 = 0, v3 = 0;
  for (let i = 0; i < n; i++) {
    const a0 = c0[i], a1 = c1[i], a2 = c2[i], a3 = c3[i];
    const e0 = (a0 === a0 ? a0 : f0) - m0, e1 = (a1 === a1 ? a1 : f1) - m1, e2 = (a2 === a2 ? a2 : f2) - m2, e3 = (a3 === a3 ? a3 : f3) - m3;
    v0 += e0 * e0;
    v1 += e1 * e1;
    v2 += e2 * e2;
    v3 += e3 * e3;
  }
  out[o] = v0;
  out[o + 1] = v1;
  out[o + 2] = v2;
  out[o + 3] = v3;
}

/**
 * Run the column sums a few dozen times on a few rows, through every branch (a missing cell, the
 * compensation either way), so V8 compiles them meanwhile (fit-document.ts calls this as early as
 * it knows a fit is coming) and the first real call runs optimised.
 */
export function prepareScaling(): void {
  const rows = 64;
  const a = new Float64Array(rows);
  for (let i = 0; i < rows; i++) a[i] = i % 4 === 1 ? Number.NaN : i % 4 === 2 ? 1e6 : i % 4 === 3 ? -0.5 : 3;
  const fills = new Float64Array(4).fill(0.25);
  for (let k = 0; k < 40; k++) {
    columnSums([a, a, a, a, a], rows, fills);
    columnSquares([a, a, a, a, a], rows, fills, fills);
  }
}

/** Whether every cell of col[0..n), NaN taken as `fill`, is the same value. */
function isConstant(col: Float64Array, n: number, fill: number): boolean {
  const first = col[0] === col[0] ? col[0] : fill;
  for (let i = 1; i < n; i++) {
    const c = col[i];
    if ((c === c ? c : fill) !== first) return false;
  }
  return true;
}
