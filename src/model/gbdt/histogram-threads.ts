import type { Worker } from 'node:worker_threads';
import { findWorkerFile, startWorker } from '../../util/worker-file.js';
import { arraysOf, fitMemory, type FitArrays, type FitMemory } from './fit-arrays.js';
import { addHistogram, buildRange } from './histogram.js';
import { buildRangeWasm } from './histogram-wasm.js';
import { addLeaves, gradientsRange, partitionRange } from './row-jobs.js';

/** Slots of the control array shared with the helper thread. */
export const CONTROL = { ready: 0, job: 1, done: 2, stop: 3, type: 4, a: 5, b: 6, identity: 7, col: 8, leafCount: 9, result: 10, claimed: 11 } as const;

/**
 * Takes job `seq` for the calling thread: true for the first of the two threads to ask (the job's
 * second part is then its to run), false when the other one has it. Jobs are numbered 1, 2, …
 * and each is over before the next is posted, so `claimed` holds seq − 1 until someone takes seq.
 */
export function claim(control: Int32Array, seq: number): boolean {
  return Atomics.compareExchange(control, CONTROL.claimed, seq - 1, seq) === seq - 1;
}

/** Kinds of job the helper takes a part of. */
const JOB = { histogram: 1, partition: 2, gradients: 3, leaves: 4 } as const;

/** The helper's half of a histogram. */
function halfHistogram(v: FitArrays): Float64Array {
  const slots = v.hists.length / v.histLength;
  return v.hists.subarray((slots - 1) * v.histLength);
}

/** The sums over positions [a, b) into `hist`, by the WebAssembly kernel when there is one (the same sums). */
function buildHistogram(v: FitArrays, hist: Float64Array, a: number, b: number, identity: boolean): void {
  if (v.kernel) buildRangeWasm(v.kernel, hist, v.bins, v.n, v.p, v.rows, v.gh, v.ordered, a, b, identity);
  else buildRange(hist, v.bins, v.n, v.p, v.rows, v.gh, v.ordered, a, b, identity);
}

/** partitionRange, by the kernel when there is one. */
function partitionPart(v: FitArrays, col: number, a: number, b: number): number {
  if (v.kernel) return v.kernel.jobs.partition(v.rows.byteOffset, v.tmp.byteOffset, v.bins.byteOffset + col, v.goLeft.byteOffset, a, b);
  return partitionRange(v.rows, v.tmp, v.bins, col, v.goLeft, a, b);
}

/** gradientsRange, by the kernel when there is one. */
function gradientsPart(v: FitArrays, a: number, b: number): void {
  if (v.kernel) v.kernel.jobs.gradients(v.raw.byteOffset, v.y.byteOffset, v.gh.byteOffset, v.tables, a, b);
  else gradientsRange(v.raw, v.y, v.gh, a, b);
}

/** addLeaves, by the kernel when there is one (one call per leaf). */
function leavesPart(v: FitArrays, leafCount: number, a: number, b: number): void {
  const k = v.kernel;
  if (!k) return addLeaves(v.rows, v.leaves, leafCount, v.raw, a, b);
  for (let j = 0; j < leafCount; j++) {
    const s = Math.max(v.leaves[3 * j], a);
    const e = Math.min(v.leaves[3 * j + 1], b);
    if (s < e) k.jobs.addLeaf(v.rows.byteOffset, v.raw.byteOffset, s, e, v.leaves[3 * j + 2]);
  }
}

/**
 * The second part of the job described in `control`: run by the helper thread, or by the fit's
 * own thread when there is none (then right after the first part, so the result is the same).
 */
export function secondPart(v: FitArrays, control: Int32Array): void {
  // Atomic reads: the compiler may not reuse a value read before the wait for the job.
  const arg = (i: number) => Atomics.load(control, i);
  const a = arg(CONTROL.a);
  const b = arg(CONTROL.b);
  switch (arg(CONTROL.type)) {
    case JOB.histogram:
      buildHistogram(v, halfHistogram(v), a, b, arg(CONTROL.identity) === 1);
      break;
    case JOB.partition:
      Atomics.store(control, CONTROL.result, partitionPart(v, arg(CONTROL.col), a, b));
      break;
    case JOB.gradients:
      gradientsPart(v, a, b);
      break;
    case JOB.leaves:
      leavesPart(v, arg(CONTROL.leafCount), a, b);
      break;
  }
}

/**
 * Waits until control[slot] holds `value`. Spins first (the two halves of a job take about as long),
 * then sleeps in short waits rather than one long one: on this Node a wake-up from the other
 * thread was seen lost once in a few thousand jobs (the value was set, the sleeper not woken).
 */
export function awaitValue(control: Int32Array, slot: number, value: number): void {
  for (let spin = 0; spin < 20_000; spin++) if (Atomics.load(control, slot) === value) return;
  while (Atomics.load(control, slot) !== value) Atomics.wait(control, slot, Atomics.load(control, slot), 1);
}

/** What the helper receives once per fit: the control array and the fit's memory. */
export interface HelperSetup {
  control: SharedArrayBuffer;
  memory: FitMemory;
}

/**
 * Ranges of at least this many rows are cut in two halves (first half here, second on the
 * helper); below it a round trip through the control array (a wake-up, ~10–50 µs) costs more than
 * half the work. The cut depends only on the range, never on the thread count or on timing: a
 * histogram is always (sums of the first half) + (sums of the second), so the trees are the same
 * with one thread or two.
 */
export const PARALLEL_ROWS = 20_000;

/** The worker file beside this module (tsc output .js, tsx .ts) or bundled beside the CLI (scripts/build.mjs). */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./histogram-worker.js', './histogram-worker.ts', './gbdt-histogram-worker.mjs', '../gbdt-histogram-worker.mjs']);
}

/**
 * The row work of one fit — gradients, histograms, partitions, leaf values into scores — on this
 * thread alone, or with `threads` 2 and enough rows shared by row halves with a helper thread over
 * shared memory. The helper boots while the fit goes on; until it is ready this thread does both
 * halves itself, in the same way, so the trees never depend on its timing.
 */
export class FitThreads {
  readonly arrays: FitArrays;
  private readonly free: Float64Array[] = [];
  private readonly control: Int32Array;
  private readonly shared: boolean;
  private worker: Worker | null = null;
  private seq = 0;
  /** Jobs split with the helper thread (for the tests and the bench). */
  sharedJobs = 0;
  /** Jobs posted to the helper whose second part this thread ran, the helper not having started it. */
  keptJobs = 0;
  /** False: always wait for the helper to take a posted job (the tests, to see it run some). */
  mayKeep = true;

  constructor(n: number, p: number, slots: number, maxLeaves: number, threads: number, fillBins: (bins: Uint8Array) => void) {
    const parallel = threads > 1 && n >= PARALLEL_ROWS && workerFile() !== undefined;
    this.shared = parallel;
    const memory = fitMemory({ n, p, slots, maxLeaves }, parallel);
    this.arrays = arraysOf(memory);
    const histLength = this.arrays.histLength;
    fillBins(this.arrays.bins);
    for (let s = slots - 1; s >= 0; s--) this.free.push(this.arrays.hists.subarray(s * histLength, (s + 1) * histLength));
    this.control = new Int32Array(parallel ? new SharedArrayBuffer(4 * 16) : new ArrayBuffer(4 * 16));
    if (!parallel) return;
    const w = startWorker(workerFile()!);
    w.on('error', () => {}); // never ready: the fit goes on alone
    w.unref();
    const setup: HelperSetup = { control: this.control.buffer as SharedArrayBuffer, memory };
    w.postMessage(setup);
    this.worker = w;
  }

  get n(): number {
    return this.arrays.n;
  }

  take(): Float64Array {
    const h = this.free.pop();
    if (!h) throw new Error('histogram slots exhausted');
    return h;
  }

  give(h: Float64Array | null): void {
    if (h) this.free.push(h);
  }

  /**
   * Runs `first` on [start, mid) here and the job set in the control array on [mid, end) — on
   * the helper when it is up and takes it before this thread is done with `first`, else here
   * after `first`. Below PARALLEL_ROWS, `first` takes it all.
   */
  private split(type: number, start: number, end: number, first: (a: number, b: number) => void): boolean {
    const c = this.control;
    if (end - start < PARALLEL_ROWS) {
      first(start, end);
      return false;
    }
    const mid = start + ((end - start) >> 1);
    Atomics.store(c, CONTROL.type, type);
    Atomics.store(c, CONTROL.a, mid);
    Atomics.store(c, CONTROL.b, end);
    if (!this.shared || Atomics.load(c, CONTROL.ready) !== 1) {
      first(start, mid);
      secondPart(this.arrays, c);
      return true;
    }
    const seq = ++this.seq;
    Atomics.store(c, CONTROL.job, seq);
    Atomics.notify(c, CONTROL.job);
    first(start, mid);
    // The helper not started on it yet (asleep, or its core taken): this thread runs it instead
    // of waiting — the same part, so the same result.
    if (this.mayKeep && claim(c, seq)) {
      secondPart(this.arrays, c);
      this.keptJobs++;
      return true;
    }
    awaitValue(c, CONTROL.done, seq);
    this.sharedJobs++;
    return true;
  }

  /** rows[i] := i for every row: the root's run, in order. */
  resetRows(): void {
    const { rows, n, kernel } = this.arrays;
    if (kernel) kernel.jobs.iota(rows.byteOffset, n);
    else for (let i = 0; i < n; i++) rows[i] = i;
  }

  /** The sums of g and of h over every row, each added in row order from 0. */
  rootSums(): { g: number; h: number } {
    const { gh, n, kernel, sums } = this.arrays;
    if (kernel) {
      kernel.jobs.sumPairs(gh.byteOffset, n, sums.byteOffset);
      return { g: sums[0], h: sums[1] };
    }
    let g = 0;
    let h = 0;
    for (let i = 0; i < n; i++) {
      g += gh[2 * i];
      h += gh[2 * i + 1];
    }
    return { g, h };
  }

  /** Gradient pairs of every row from `raw` and `y` (the first tree's). */
  gradients(): void {
    const v = this.arrays;
    this.split(JOB.gradients, 0, v.n, (a, b) => gradientsPart(v, a, b));
  }

  /** `hist` := the sums over the rows at positions [start, end); `identity` when those are all rows in order. */
  build(hist: Float64Array, start: number, end: number, identity: boolean): void {
    const v = this.arrays;
    Atomics.store(this.control, CONTROL.identity, identity ? 1 : 0);
    const halves = this.split(JOB.histogram, start, end, (a, b) => buildHistogram(v, hist, a, b, identity));
    if (halves) addHistogram(hist, halfHistogram(v));
  }

  /**
   * Partitions the rows at positions [start, end) by goLeft[bin of `feature`], stably (rows keep
   * their order on each side); returns the first position of the right side.
   */
  partition(start: number, end: number, feature: number, goLeft: Uint8Array): number {
    const { tmp, n } = this.arrays;
    const col = feature * n;
    const go = this.arrays.goLeft;
    go.set(goLeft);
    Atomics.store(this.control, CONTROL.col, col);
    let leftA = 0;
    const halves = this.split(JOB.partition, start, end, (a, b) => (leftA = partitionPart(this.arrays, col, a, b)));
    if (!halves) {
      this.moveRows(tmp, start, start + leftA, end - start - leftA);
      return start + leftA;
    }
    // Halves [start, mid) and [mid, end): left A, left B, right A, right B.
    const mid = start + ((end - start) >> 1);
    const leftB = Atomics.load(this.control, CONTROL.result);
    const rightA = mid - start - leftA;
    this.moveRows(this.arrays.rows, mid, start + leftA, leftB);
    this.moveRows(tmp, start, start + leftA + leftB, rightA);
    this.moveRows(tmp, mid, start + leftA + leftB + rightA, end - mid - leftB);
    return start + leftA + leftB;
  }

  /**
   * rows[to, to + count) := from[at, at + count) (from is rows or tmp; may overlap): by the kernel's
   * memory.copy — a typed array's set or copyWithin over shared memory copies element by element.
   */
  private moveRows(from: Int32Array, at: number, to: number, count: number): void {
    const { rows, kernel } = this.arrays;
    if (kernel) kernel.jobs.copy(rows.byteOffset + 4 * to, from.byteOffset + 4 * at, 4 * count);
    else if (from === rows) rows.copyWithin(to, at, at + count);
    else rows.set(from.subarray(at, at + count), to);
  }

  /**
   * Adds each leaf's value to the scores of its rows and computes their gradient pairs for the
   * next tree; `leaves` is (start, end, value) per leaf, covering positions [0, n).
   */
  applyLeaves(leaves: readonly (readonly [number, number, number])[]): void {
    const v = this.arrays;
    leaves.forEach(([s, e, value], j) => v.leaves.set([s, e, value], 3 * j));
    Atomics.store(this.control, CONTROL.leafCount, leaves.length);
    this.split(JOB.leaves, 0, v.n, (a, b) => leavesPart(v, leaves.length, a, b));
    this.gradients();
  }

  /** Blocks until the helper is up (tests); false without one or after `ms`. */
  waitReady(ms: number): boolean {
    if (!this.shared) return false;
    Atomics.wait(this.control, CONTROL.ready, 0, ms);
    return Atomics.load(this.control, CONTROL.ready) === 1;
  }

  /** Stops the helper (the fit is over). */
  close(): void {
    if (!this.worker) return;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.store(this.control, CONTROL.job, ++this.seq);
    Atomics.notify(this.control, CONTROL.job);
    void this.worker.terminate();
    this.worker = null;
  }
}
