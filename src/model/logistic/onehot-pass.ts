import type { Pass } from './newton.js';

/**
 * Newton's pass for numeric columns plus one-hot encoded category features, without building the
 * one-hot columns. Each training row has exactly one category per category feature (a kept one,
 * "(other)" or missing), so its indicator part is a handful of parameter indices: the loss, the
 * gradient and the Hessian touch only those. Per row that is O(d² + d·c + c²) work for d numeric
 * columns and c category features, however many categories there are.
 *
 * Parameter layout: θ = [numeric w'_0..w'_{d−1}, category levels 0..L−1, intercept b]. The
 * numeric cells are imputed, centred and scaled as they are read (as the numeric kernel does);
 * the indicators are used as 0/1 (not centred: centring would make them dense).
 */
export interface OneHotData {
  cols: Float64Array[];
  fill: Float64Array;
  mean: Float64Array;
  inv: Float64Array;
  /** Per category feature, each row's level: an index into [0, levels). */
  index: Int32Array[];
  levels: number;
  y: Uint8Array;
  n: number;
}

/**
 * Which sums a kernel accumulates: all of them, or one of two disjoint halves — the numeric block
 * with the levels' gradient (loss, numeric and intercept gradient and Hessian; what a pass
 * without the Hessian wants) or the levels' Hessian (its diagonal and cross terms) — for two
 * threads to share a pass (pass-threads.ts). Each sum is added
 * up in row order by the same expressions whichever kernel runs it, so the same bits.
 */
export type Part = 'all' | 'numeric' | 'levels';

type Kernel = (cols: Float64Array[], fill: Float64Array, mean: Float64Array, inv: Float64Array, index: Int32Array[], y: Uint8Array, n: number, theta: Float64Array<ArrayBufferLike>, num: Float64Array, gc: Float64Array, hl: Float64Array, hcn: Float64Array, hcc: Float64Array, levels: number, withLoss: boolean, hessian: boolean) => void;
const kernels = new Map<string, Kernel>();

/**
 * Generated per (numeric count, category count), the numeric loops unrolled into locals as in
 * fit.ts. `num` receives [f, g_0..g_{d−1}, g_b, numeric+intercept Hessian lower triangle]; the
 * category sums go to typed arrays: gc (gradient per level), hl (Σw per level: the Hessian's
 * diagonal there and its intercept row alike, as an indicator squared is itself), hcn (level ×
 * numeric), hcc (level × level of two different features, the later feature's level first).
 */
function kernel(d: number, c: number, part: Part = 'all'): Kernel {
  const key = `${d},${c},${part}`;
  const numeric = part !== 'levels';
  const levelSums = part !== 'numeric';
  const cached = kernels.get(key);
  if (cached) return cached;
  const L: string[] = [];
  L.push('let f = 0, gb = 0, hbb = 0;');
  for (let j = 0; j < d; j++) {
    L.push(`let g${j} = 0, hb${j} = 0;`);
    for (let k = 0; k <= j; k++) L.push(`let h${j}_${k} = 0;`);
    L.push(`const t${j} = theta[${j}], x${j} = cols[${j}], f${j} = fill[${j}], m${j} = mean[${j}], s${j} = inv[${j}];`);
  }
  for (let q = 0; q < c; q++) L.push(`const i${q} = index[${q}];`);
  L.push(`const b = theta[${d} + levels];`);
  L.push('for (let i = 0; i < n; i++) {');
  for (let j = 0; j < d; j++) L.push(`  const c${j} = x${j}[i];`, `  const z${j} = ((c${j} === c${j} ? c${j} : f${j}) - m${j}) * s${j};`);
  for (let q = 0; q < c; q++) L.push(`  const k${q} = i${q}[i];`);
  const lin = ['b', ...Array.from({ length: d }, (_, j) => `t${j} * z${j}`), ...Array.from({ length: c }, (_, q) => `theta[${d} + k${q}]`)];
  L.push(`  const t = ${lin.join(' + ')};`);
  L.push('  const e = Math.exp(-Math.abs(t));');
  L.push('  const yi = y[i];');
  if (numeric) L.push('  if (withLoss) f += (t > 0 ? t : 0) + Math.log1p(e) - yi * t;');
  L.push('  const p = t >= 0 ? 1 / (1 + e) : e / (1 + e);');
  // The gradient's sums, then (unless `hessian` is false: a pass that wants only the gradient and
  // the loss) the Hessian's. Each sum is added in row order by the same expression either way.
  if (numeric) {
    L.push('  const r = p - yi;');
    L.push('  gb += r;');
    for (let j = 0; j < d; j++) L.push(`  g${j} += r * z${j};`);
    for (let q = 0; q < c; q++) L.push(`  gc[k${q}] += r;`);
    L.push('  if (hessian) {');
  }
  L.push('  const w = p * (1 - p);');
  if (numeric) L.push('  hbb += w;');
  for (let j = 0; j < d; j++) {
    L.push(`  const w${j} = w * z${j};`);
    if (numeric) {
      L.push(`  hb${j} += w${j};`);
      for (let k = 0; k <= j; k++) L.push(`  h${j}_${k} += w${j} * z${k};`);
    }
  }
  for (let q = 0; q < c; q++) {
    if (!levelSums) continue;
    L.push(`  hl[k${q}] += w;`);
    if (d > 0) {
      L.push(`  const o${q} = k${q} * ${d};`);
      for (let j = 0; j < d; j++) L.push(`  hcn[o${q} + ${j}] += w${j};`);
    }
    for (let q2 = 0; q2 < q; q2++) L.push(`  hcc[k${q} * levels + k${q2}] += w;`);
  }
  if (numeric) L.push('  }');
  L.push('}');
  // Only a kernel that adds up the numeric block writes it: the levels' part leaves `num` as it
  // is, so both parts may run into one PassSums (splitOneHotPass, a helper's failure).
  if (numeric) {
    L.push('num[0] = f;');
    for (let j = 0; j < d; j++) L.push(`num[${1 + j}] = g${j};`);
    L.push(`num[${1 + d}] = gb;`);
    // Lower triangle of the (d+1)×(d+1) numeric+intercept block, intercept last.
    let idx = 2 + d;
    for (let j = 0; j < d; j++) for (let k = 0; k <= j; k++) L.push(`num[${idx++}] = h${j}_${k};`);
    for (let k = 0; k < d; k++) L.push(`num[${idx++}] = hb${k};`);
    L.push(`num[${idx++}] = hbb;`);
  }
  const fn = new Function('cols', 'fill', 'mean', 'inv', 'index', 'y', 'n', 'theta', 'num', 'gc', 'hl', 'hcn', 'hcc', 'levels', 'withLoss', 'hessian', L.join('\n')) as Kernel;
  warmUp(fn, d, c);
  kernels.set(key, fn);
  return fn;
}

/**
 * Run a new kernel on a few rows, in every mode (with and without the loss, the Hessian) and through every branch (a missing cell, t of
 * either sign, both labels), before it gets real work — as fit.ts does for the numeric kernel.
 * Called only a handful of times, it was otherwise interpreted through the first passes (on
 * 784,000 rows: the subsample's first passes at ~3 µs a row, the first full pass at 2-4× its
 * optimised time), and a pass taking the loss branch for the first time threw the optimised code
 * away. V8 collects feedback only from about the 8th call on, hence the repeats.
 */
function warmUp(fn: Kernel, d: number, c: number): void {
  // 48 calls on 64 rows (~6 ms interpreted): enough for V8 to compile the kernel (concurrently,
  // ~0.1 s for the numeric part of 8 columns) before a pass over all rows — if something else
  // runs meanwhile (prepareKernels). With 24 calls on 4 rows the 50,000-row subsample's first
  // three passes ran unoptimised (74, 25, 13 ms; then 3 ms each).
  const R = 16;
  const rows = 4 * R;
  const levels = 2 * c;
  const repeat = <T extends Float64Array | Int32Array | Uint8Array>(a: T, into: T): T => {
    for (let k = 0; k < R; k++) into.set(a, k * a.length);
    return into;
  };
  const probe = repeat(Float64Array.of(1, Number.NaN, -1.5, 0.5), new Float64Array(rows));
  const cols = Array.from({ length: d }, () => probe);
  const index = Array.from({ length: c }, (_, q) => repeat(Int32Array.of(2 * q, 2 * q + 1, 2 * q, 2 * q + 1), new Int32Array(rows)));
  const y = repeat(Uint8Array.of(0, 1, 1, 0), new Uint8Array(rows));
  const theta = new Float64Array(d + levels + 1).fill(0.5);
  const num = new Float64Array(2 + d + ((d + 1) * (d + 2)) / 2);
  for (let k = 0; k < 48; k++) {
    fn(cols, new Float64Array(d).fill(0.25), new Float64Array(d), new Float64Array(d).fill(1), index, y, rows, theta, num, new Float64Array(levels), new Float64Array(levels), new Float64Array(levels * d), new Float64Array(levels * levels), levels, k % 2 === 1, k % 4 !== 3);
    theta[d + levels] = k % 3 === 0 ? -4 : 0.5; // t of both signs
  }
}

/** The pass over `data`: θ has d + levels + 1 entries; `out` is laid out as the numeric kernel's. */
export function oneHotPass(data: OneHotData): Pass {
  const run = kernel(data.cols.length, data.index.length);
  const sums = new PassSums(data.cols.length, data.levels);
  return (theta, out, withLoss, hessian = true) => {
    sums.clear();
    sums.run(run, data, theta, withLoss, hessian);
    sums.write(out);
  };
}

/**
 * The same pass as `oneHotPass`, bit for bit, by the two part kernels one after the other: what a
 * fit whose full passes are shared (pass-threads.ts) runs on its warm-start subsample, so the
 * kernel this thread then runs on all rows ('numeric') is already optimised — a kernel met cold
 * on 784,000 rows ran 2–4× slow through its first two passes while V8 compiled it (~0.2 s of
 * compiling on another core for the numeric kernel, as much again for 'all', which is then never
 * compiled at all).
 */
export function splitOneHotPass(data: OneHotData): Pass {
  const d = data.cols.length;
  const c = data.index.length;
  const numeric = kernel(d, c, 'numeric');
  const levels = kernel(d, c, 'levels');
  const sums = new PassSums(d, data.levels);
  return (theta, out, withLoss, hessian = true) => {
    sums.clear();
    sums.run(numeric, data, theta, withLoss, hessian);
    if (hessian) sums.run(levels, data, theta, false);
    sums.write(out);
  };
}

/**
 * Make (and warm up) the kernels a one-hot fit of d numeric and c category features will run —
 * both parts when its passes are to be shared, else the whole — as early as the fit knows d and
 * c: V8 then compiles them while the fit prepares its data, and the first passes run optimised.
 */
export function prepareKernels(d: number, c: number, shared: boolean): void {
  if (c === 0) return;
  if (shared) {
    kernel(d, c, 'numeric');
    kernel(d, c, 'levels');
  } else kernel(d, c, 'all');
}

/** One part's kernel (warmed up), for a pass shared by two threads (pass-threads.ts). */
export function partKernel(d: number, c: number, part: Part): Kernel {
  return kernel(d, c, part);
}

export type { Kernel as PartKernel };

/** A pass's sums: the numeric block and the levels' arrays, and how they make `out`. */
export class PassSums {
  readonly num: Float64Array;
  readonly gc: Float64Array;
  hl: Float64Array;
  hcn: Float64Array;
  hcc: Float64Array;
  constructor(
    readonly d: number,
    readonly levels: number,
  ) {
    this.num = new Float64Array(2 + d + ((d + 1) * (d + 2)) / 2);
    this.gc = new Float64Array(levels);
    this.hl = new Float64Array(levels);
    this.hcn = new Float64Array(levels * d);
    this.hcc = new Float64Array(levels * levels);
  }

  clear(): void {
    this.gc.fill(0);
    this.hl.fill(0);
    this.hcn.fill(0);
    this.hcc.fill(0);
  }

  /** `hessian` false: the loss (if asked) and the gradient only; the Hessian's entries are then not meaningful. */
  run(fn: Kernel, data: OneHotData, theta: Float64Array<ArrayBufferLike>, withLoss: boolean, hessian = true): void {
    fn(data.cols, data.fill, data.mean, data.inv, data.index, data.y, data.n, theta, this.num, this.gc, this.hl, this.hcn, this.hcc, this.levels, withLoss, hessian);
  }

  /** [f, g, H lower triangle row by row] over [numeric, levels, intercept]. */
  write(out: Float64Array): void {
    const { d, num, gc, hl, hcn, hcc } = this;
    const Lv = this.levels;
    const p = d + Lv + 1;
    out[0] = num[0];
    for (let j = 0; j < d; j++) out[1 + j] = num[1 + j];
    for (let l = 0; l < Lv; l++) out[1 + d + l] = gc[l];
    out[p] = num[1 + d];
    // H lower triangle row by row over [numeric, levels, intercept].
    let o = 1 + p;
    let src = 2 + d;
    for (let j = 0; j < d; j++) for (let k = 0; k <= j; k++) out[o++] = num[src++];
    for (let l = 0; l < Lv; l++) {
      for (let k = 0; k < d; k++) out[o++] = hcn[l * d + k];
      for (let l2 = 0; l2 < l; l2++) out[o++] = hcc[l * Lv + l2];
      out[o++] = hl[l];
    }
    for (let k = 0; k < d; k++) out[o++] = num[src++];
    for (let l = 0; l < Lv; l++) out[o++] = hl[l];
    out[o++] = num[src++];
  }
}
