import type { Pass } from './newton.js';
import { partKernel, PassSums, type OneHotData } from './onehot-pass.js';

/**
 * A one-hot Newton pass shared by two threads (the machine has two cores). Not split by rows —
 * two half sums added together round differently from one sum over all rows, and the model must
 * not change — but by sums: this thread adds up the numeric block, the loss and the levels'
 * gradient; the helper thread the levels' Hessian (its diagonal, level × numeric, level × level).
 * (With the diagonal here, this thread's part took ~75 ms a pass on 784,000 rows and the helper's
 * ~60: the fit waited on this thread.) Both compute every row's linear predictor and probability by the same expressions
 * from the same θ, and each sum runs over the rows in order, so every sum has the bits one thread
 * would give it (onehot-pass.ts `Part`). Until the helper is ready — it may be busy elsewhere
 * first, or never come — this thread does whole passes itself: the fit never depends on it.
 */

/**
 * Slots of the control array. `idle` is 1 while this thread runs passes without the helper (the
 * warm-start subsample's, those without the Hessian): the helper may then take up other work, a
 * piece at a time, between looks at `job` (`busy` is 1 during a piece). `claim`: the last job whose
 * levels' part someone took up — the helper, or this thread when its own part is done while the
 * helper is still busy with a piece of other work (the reference thread's column profiles take up
 * to ~40 ms each): compare-and-exchange from the job before, so exactly one of them runs it.
 */
export const CONTROL = { ready: 0, job: 1, done: 2, stop: 3, failed: 4, idle: 5, claim: 6, busy: 7 } as const;

/** What the helper is handed once per fit, all in shared memory: the rows (OneHotData) and the pass's slots. */
export interface SharedPass extends OneHotData {
  control: Int32Array;
  /** θ of the pass asked for. */
  theta: Float64Array;
  /** The helper's sums: the levels' Hessian diagonal, level × numeric, level × level (onehot-pass.ts layout). */
  hl: Float64Array;
  hcn: Float64Array;
  hcc: Float64Array;
}

/** A thread that takes the levels' half of passes once it gets to `offer`'s setup. */
export interface PassHelper {
  offer(setup: SharedPass): void;
}

function shared<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const buf = new SharedArrayBuffer(a.byteLength);
  const copy = (a instanceof Float64Array ? new Float64Array(buf) : a instanceof Int32Array ? new Int32Array(buf) : new Uint8Array(buf)) as T;
  copy.set(a);
  return copy;
}

/** The pass over `data` with `helper` taking half of it when it can; `close` releases the helper. */
export function sharedOneHotPass(data: OneHotData, helper: PassHelper): { pass: Pass; close(): void } {
  const d = data.cols.length;
  const c = data.index.length;
  const Lv = data.levels;
  // This thread's kernels, both parts (not 'all': one kernel less to compile, and the fit's
  // warm-start passes run these two — onehot-pass.ts splitOneHotPass).
  const numeric = partKernel(d, c, 'numeric');
  const levels = partKernel(d, c, 'levels');
  const control = new Int32Array(new SharedArrayBuffer(4 * 8));
  const setup: SharedPass = {
    control,
    cols: data.cols.map((col) => shared(col.subarray(0, data.n))),
    fill: shared(data.fill),
    mean: shared(data.mean),
    inv: shared(data.inv),
    index: data.index.map((ix) => shared(ix.subarray(0, data.n))),
    levels: Lv,
    y: shared(data.y.subarray(0, data.n)),
    n: data.n,
    theta: new Float64Array(new SharedArrayBuffer(8 * (d + Lv + 1))),
    hl: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, Lv))).subarray(0, Lv),
    hcn: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, Lv * d))).subarray(0, Lv * d),
    hcc: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, Lv * Lv))).subarray(0, Lv * Lv),
  };
  // Idle until the first shared pass: the warm-start subsample's passes run here alone.
  Atomics.store(control, CONTROL.idle, 1);
  helper.offer(setup);
  const sums = new PassSums(d, Lv);
  const own = { hl: sums.hl, hcn: sums.hcn, hcc: sums.hcc };
  // The levels' Hessian sums a pass writes out: this thread's own, or the helper's in shared memory.
  const sumsFrom = (from: { hl: Float64Array; hcn: Float64Array; hcc: Float64Array }) => {
    sums.hl = from.hl;
    sums.hcn = from.hcn;
    sums.hcc = from.hcc;
  };
  // The helper's half run here after all (the same sums): the numeric half is already in `sums`.
  const levelsHere = (theta: Float64Array<ArrayBufferLike>) => {
    sumsFrom(own);
    own.hl.fill(0);
    own.hcn.fill(0);
    own.hcc.fill(0);
    sums.run(levels, data, theta, false);
  };
  let seq = 0;
  const pass: Pass = (theta, out, withLoss, hessian = true) => {
    // Without the Hessian the helper's part (all Hessian) is not wanted: this thread's part alone.
    if (!hessian || Atomics.load(control, CONTROL.ready) !== 1 || Atomics.load(control, CONTROL.failed) === 1) {
      if (Atomics.load(control, CONTROL.idle) !== 1) {
        Atomics.store(control, CONTROL.idle, 1);
        Atomics.notify(control, CONTROL.job);
      }
      sumsFrom(own);
      sums.clear();
      sums.run(numeric, data, theta, withLoss, hessian);
      if (hessian) sums.run(levels, data, theta, false);
      sums.write(out);
      return;
    }
    setup.theta.set(theta);
    Atomics.store(control, CONTROL.idle, 0);
    const job = ++seq;
    Atomics.store(control, CONTROL.job, job);
    Atomics.notify(control, CONTROL.job);
    sums.gc.fill(0);
    sums.run(numeric, data, theta, withLoss); // touches none of hl, hcn, hcc
    if (Atomics.load(control, CONTROL.busy) === 1 && Atomics.compareExchange(control, CONTROL.claim, job - 1, job) === job - 1) {
      // Not started by the helper, still busy with other work: its half here.
      levelsHere(theta);
      sums.write(out);
      return;
    }
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (done === job) {
        sumsFrom(setup);
        break;
      }
      if (Atomics.load(control, CONTROL.failed) === 1) {
        // The helper failed: its half here.
        levelsHere(theta);
        break;
      }
      Atomics.wait(control, CONTROL.done, done, 100);
    }
    sums.write(out);
  };
  const close = () => {
    Atomics.store(control, CONTROL.stop, 1);
    Atomics.store(control, CONTROL.job, ++seq);
    Atomics.notify(control, CONTROL.job);
  };
  return { pass, close };
}

/** The helper's kernel for d numeric and c category features, made (and warmed up) ahead of `servePasses`. */
export function prepareHelperKernel(d: number, c: number): void {
  if (c > 0) partKernel(d, c, 'levels');
}

/**
 * The helper's side (run by the thread `offer` reaches): compiles its kernel, says it is ready,
 * then takes passes until told to stop. Blocks its thread meanwhile. `idle`: other work, one small
 * piece per call (true while some is left), taken up while the fit runs passes without this
 * thread; a pass asked for meanwhile waits for the piece under way at most.
 */
export function servePasses(s: SharedPass, idle?: () => boolean): void {
  const { control } = s;
  try {
    if (Atomics.load(control, CONTROL.stop) === 1) return;
    const run = partKernel(s.cols.length, s.index.length, 'levels');
    const sums = new PassSums(s.cols.length, s.levels);
    sums.hl = s.hl;
    sums.hcn = s.hcn;
    sums.hcc = s.hcc;
    // The column lists copied by map(): as posted (structured clone) they are arrays of another
    // map than those the kernel was warmed up on, and its optimised code, met with them, was
    // thrown away ("wrong map") and compiled again during the first passes, which then ran ~2×
    // slow on this thread while the fit's thread waited.
    const data: OneHotData = { cols: s.cols.map((c) => c), fill: s.fill, mean: s.mean, inv: s.inv, index: s.index.map((ix) => ix), levels: s.levels, y: s.y, n: s.n };
    warmOnRows(run, data, s.theta);
    Atomics.store(control, CONTROL.ready, 1);
    let seen = 0;
    let other = idle;
    for (;;) {
      // (The fit notifies `job` when it turns idle, too: the wait then ends with no new job.)
      while (other && Atomics.load(control, CONTROL.idle) === 1 && Atomics.load(control, CONTROL.job) === seen) {
        Atomics.store(control, CONTROL.busy, 1);
        const more = other();
        Atomics.store(control, CONTROL.busy, 0);
        if (!more) other = undefined;
      }
      Atomics.wait(control, CONTROL.job, seen);
      if (Atomics.load(control, CONTROL.job) === seen) continue;
      seen = Atomics.load(control, CONTROL.job);
      if (Atomics.load(control, CONTROL.stop) === 1) return;
      // Taken up by the fit's thread already (this one came too late): wait for the next.
      if (Atomics.compareExchange(control, CONTROL.claim, seen - 1, seen) !== seen - 1) continue;
      s.hl.fill(0);
      s.hcn.fill(0);
      s.hcc.fill(0);
      sums.run(run, data, s.theta, false);
      Atomics.store(control, CONTROL.done, seen);
      Atomics.notify(control, CONTROL.done);
    }
  } catch {
    Atomics.store(control, CONTROL.failed, 1);
    Atomics.notify(control, CONTROL.done);
  }
}

/**
 * Run the helper's kernel over the first rows, a slice at a time, before saying it is ready: met
 * cold, a whole pass runs 2–4× slow while V8 compiles the kernel (~50 ms on another core), and the
 * fit's thread would wait for it. Until ready, the fit's thread does whole passes itself. The
 * sums go to scratch arrays, never the shared ones.
 */
function warmOnRows(run: ReturnType<typeof partKernel>, data: OneHotData, theta: Float64Array): void {
  const slice = Math.min(data.n, 4096);
  const scratch = new PassSums(data.cols.length, data.levels);
  const part: OneHotData = { ...data, cols: data.cols.map((c) => c.subarray(0, slice)), index: data.index.map((ix) => ix.subarray(0, slice)), y: data.y.subarray(0, slice), n: slice };
  for (let k = 0; k < 40; k++) {
    scratch.clear();
    scratch.run(run, part, theta, false);
  }
}
