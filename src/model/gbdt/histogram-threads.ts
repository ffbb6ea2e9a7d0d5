import type { Worker } from 'node:worker_threads';
import { findWorkerFile, startWorker } from '../../util/worker-file.js';
import { buildFeatures, gatherGradients, HIST_STRIDE } from './histogram.js';

export { buildFeatures };

/** Slots of the control array shared with the helper thread. */
export const CONTROL = { ready: 0, job: 1, done: 2, stop: 3, slot: 4, start: 5, end: 6, f0: 7, f1: 8, identity: 9 } as const;

/** What the helper receives once per fit: the shared arrays it reads and writes. */
export interface HelperSetup {
  control: SharedArrayBuffer;
  bins: SharedArrayBuffer;
  rows: SharedArrayBuffer;
  gh: SharedArrayBuffer;
  hists: SharedArrayBuffer;
  histLength: number;
  n: number;
}

/**
 * Nodes with at least this many rows share their histogram with the helper thread; below it a
 * round trip through the control array (a wake-up, ~10–50 µs) costs more than half the work.
 */
export const PARALLEL_ROWS = 20_000;

/** The worker file beside this module (tsc output .js, tsx .ts) or bundled beside the CLI (scripts/build.mjs). */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./histogram-worker.js', './histogram-worker.ts', './gbdt-histogram-worker.mjs', '../gbdt-histogram-worker.mjs']);
}

/**
 * Where a fit's histograms are built: on this thread alone, or — with `threads` 2 and enough rows —
 * split by features with a helper thread over shared memory. The helper boots while the fit goes
 * on; until it is ready every histogram is built here, so the trees never depend on its timing.
 */
export class HistogramBuilder {
  readonly bins: Uint8Array;
  readonly rows: Int32Array;
  private readonly gh: Float64Array;
  private readonly hists: Float64Array;
  private readonly free: Float64Array[] = [];
  private readonly views: Float64Array[] = [];
  private readonly control: Int32Array | null = null;
  private worker: Worker | null = null;
  private seq = 0;
  /** Features [0, split) here, [split, p) on the helper. */
  private readonly split: number;
  /** Nodes built by both threads (for the bench). */
  sharedBuilds = 0;

  constructor(
    readonly n: number,
    readonly p: number,
    slots: number,
    threads: number,
    fillBins: (bins: Uint8Array) => void,
  ) {
    const parallel = threads > 1 && p > 1 && n >= PARALLEL_ROWS && workerFile() !== undefined;
    const buffer = (bytes: number) => (parallel ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.bins = new Uint8Array(buffer(n * p));
    fillBins(this.bins);
    this.rows = new Int32Array(buffer(4 * n));
    this.gh = new Float64Array(buffer(16 * n));
    const histLength = p * HIST_STRIDE;
    this.hists = new Float64Array(buffer(8 * histLength * slots));
    for (let s = slots - 1; s >= 0; s--) {
      const v = this.hists.subarray(s * histLength, (s + 1) * histLength);
      this.views[s] = v;
      this.free.push(v);
    }
    this.split = p >= 8 ? Math.round(p / 8) * 4 : Math.ceil(p / 2);
    if (!parallel) return;
    this.control = new Int32Array(new SharedArrayBuffer(4 * 16));
    const w = startWorker(workerFile()!);
    w.on('error', () => {}); // never ready: the fit goes on alone
    w.unref();
    const setup: HelperSetup = {
      control: this.control.buffer as SharedArrayBuffer,
      bins: this.bins.buffer as SharedArrayBuffer,
      rows: this.rows.buffer as SharedArrayBuffer,
      gh: this.gh.buffer as SharedArrayBuffer,
      hists: this.hists.buffer as SharedArrayBuffer,
      histLength,
      n,
    };
    w.postMessage(setup);
    this.worker = w;
  }

  take(): Float64Array {
    const h = this.free.pop();
    if (!h) throw new Error('histogram slots exhausted');
    return h;
  }

  give(h: Float64Array | null): void {
    if (h) this.free.push(h);
  }

  /** `hist` := the sums over rows[start..end); `identity` when those are all rows in order. */
  build(hist: Float64Array, start: number, end: number, grad: Float64Array, hess: Float64Array, identity: boolean): void {
    const { bins, n, p, rows, gh, control } = this;
    gatherGradients(rows, start, end, grad, hess, gh, identity);
    const m = end - start;
    if (control === null || m < PARALLEL_ROWS || Atomics.load(control, CONTROL.ready) !== 1) {
      buildFeatures(hist, bins, n, rows, start, m, gh, 0, p, identity);
      return;
    }
    control[CONTROL.slot] = this.views.indexOf(hist);
    control[CONTROL.start] = start;
    control[CONTROL.end] = end;
    control[CONTROL.f0] = this.split;
    control[CONTROL.f1] = p;
    control[CONTROL.identity] = identity ? 1 : 0;
    const seq = ++this.seq;
    Atomics.store(control, CONTROL.job, seq);
    Atomics.notify(control, CONTROL.job);
    buildFeatures(hist, bins, n, rows, start, m, gh, 0, this.split, identity);
    while (Atomics.load(control, CONTROL.done) !== seq) Atomics.wait(control, CONTROL.done, Atomics.load(control, CONTROL.done));
    this.sharedBuilds++;
  }

  /** Blocks until the helper is up (tests); false without one or after `ms`. */
  waitReady(ms: number): boolean {
    if (!this.control) return false;
    Atomics.wait(this.control, CONTROL.ready, 0, ms);
    return Atomics.load(this.control, CONTROL.ready) === 1;
  }

  /** Stops the helper (the fit is over). */
  close(): void {
    if (!this.worker || !this.control) return;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.store(this.control, CONTROL.job, ++this.seq);
    Atomics.notify(this.control, CONTROL.job);
    void this.worker.terminate();
    this.worker = null;
  }
}
