import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { findWorkerFile, startWorker } from '../../util/worker-file.js';
import type { GbdtTree } from './types.js';

/** What a TreeSHAP thread receives: the trees once, then jobs (a part's rows, as the trees' codes). */
export type ShapMessage = { kind: 'trees'; baseScore: number; trees: readonly GbdtTree[]; features: number } | { kind: 'rows'; id: number; columns: Float64Array[]; rows: number };

/** Its answer to a job: per feature, the part's contributions; or why it could not. */
export type ShapReply = { id: number; ok: true; base: number; values: Float64Array[] } | { id: number; ok: false; error: string };

/**
 * Rows per thread below which another thread is not worth using: a part costs a message each way
 * and the copies of its columns, and a thread started for it ~0.1–0.2 s more (start-up, tables).
 */
export const ROWS_PER_THREAD = 2_000;

/** Rows per part a thread is sent at a time (see explain): small enough to even out the threads, large enough that a part's messages cost little. */
export const PART_ROWS = 1_000;

/** Idle threads end after this long; the next job starts them again. */
const IDLE_MS = 60_000;

/** The worker file beside this module (tsc output .js, tsx .ts) or bundled beside the CLI (scripts/build.mjs). */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./tree-shap-worker.js', './tree-shap-worker.ts', './gbdt-tree-shap-worker.mjs', '../gbdt-tree-shap-worker.mjs']);
}

interface Thread {
  worker: Worker;
  pending: Map<number, (r: ShapReply) => void>;
}

/**
 * Path-dependent TreeSHAP (tree-shap.ts) on worker threads, none of it on the calling thread, so a
 * server's event loop stays free while thousands of clients are explained. The threads (as many as
 * cores) get the trees when they start and build their explainer tables at once — `start()` ahead
 * of the rows overlaps that with whatever the caller does meanwhile — and are kept for later jobs
 * until idle for a minute (unref'd: they never keep a process alive). A job's rows are split into
 * contiguous parts of about PART_ROWS rows, handed to the threads (at most one per ROWS_PER_THREAD
 * rows) one at a time as each is done with its last; every thread runs the same code on the same
 * trees and a row's contributions do not depend on the other rows, so the result is bit for bit
 * what one thread computes.
 */
export class TreeShapThreads {
  private threads: Thread[] | undefined;
  private seq = 0;
  private busy = 0;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: { baseScore: number; trees: readonly GbdtTree[] },
    private readonly features: number,
    private readonly count = availableParallelism(),
  ) {}

  /** Whether threads can run here (the worker file is there). */
  static available(): boolean {
    return workerFile() !== undefined;
  }

  /** Start the threads (they build their tables) unless they run; throws when none can start. */
  start(): void {
    if (this.threads) return;
    const file = workerFile();
    if (!file) throw new Error('the TreeSHAP worker file is not there');
    const threads: Thread[] = [];
    this.threads = threads;
    for (let k = 0; k < Math.max(1, this.count); k++) {
      const worker = startWorker(file);
      const t: Thread = { worker, pending: new Map() };
      const fail = (error: string) => {
        if (this.threads === threads) this.stop(); // the next job starts afresh
        for (const [id, settle] of t.pending) settle({ id, ok: false, error });
        t.pending.clear();
      };
      worker.on('message', (r: ShapReply) => {
        const settle = t.pending.get(r.id);
        t.pending.delete(r.id);
        settle?.(r);
      });
      worker.on('error', (err) => fail(err.message));
      worker.on('exit', (code) => fail(`the TreeSHAP thread exited (code ${code})`));
      const trees: ShapMessage = { kind: 'trees', baseScore: this.model.baseScore, trees: this.model.trees, features: this.features };
      worker.postMessage(trees);
      worker.unref();
      threads.push(t);
    }
    this.idleAfter();
  }

  /** End the threads (a job under way is answered with an error). */
  stop(): void {
    const threads = this.threads;
    this.threads = undefined;
    if (this.idle) clearTimeout(this.idle);
    for (const t of threads ?? []) void t.worker.terminate().catch(() => {});
  }

  /**
   * Contributions of rows [0, rows) of `columns` (the trees' codes) into out[j][0..rows); resolves
   * with the explainer's base (TreeShap.base). Rejects when a thread fails (the caller may then
   * compute on its own thread: the same numbers). `onPart(from, to, base)`: rows [from, to) of
   * `out` are final — told as each part comes back, so in no fixed order.
   */
  async explain(columns: readonly Float64Array[], rows: number, out: readonly Float64Array[], onPart?: (from: number, to: number, base: number) => void): Promise<number> {
    this.start();
    const threads = this.threads!;
    const used = threads.slice(0, Math.max(1, Math.min(threads.length, Math.ceil(rows / ROWS_PER_THREAD))));
    // Parts of PART_ROWS rows, each thread sent the next part as it answers its last: a thread
    // that runs slower (another process on its core, code compiled later) takes fewer parts
    // instead of the job waiting for its half.
    const parts = Math.max(used.length, Math.ceil(rows / PART_ROWS));
    this.busy++;
    for (const t of threads) t.worker.ref(); // a job under way keeps the process alive
    try {
      let next = 0;
      let base = Number.NaN;
      const work = async (t: Thread): Promise<void> => {
        while (next < parts) {
          const k = next++;
          const from = Math.floor((rows * k) / parts);
          const to = Math.floor((rows * (k + 1)) / parts);
          const id = ++this.seq;
          const answer = new Promise<ShapReply>((resolve) => t.pending.set(id, resolve));
          // Copies of the part's rows, transferred: the caller's columns stay as they are.
          const job: ShapMessage = { kind: 'rows', id, columns: columns.map((c) => c.slice(from, to)), rows: to - from };
          t.worker.postMessage(job, job.columns.map((c) => c.buffer as ArrayBuffer));
          const a = await answer;
          if (!a.ok) {
            next = parts; // the other threads stop taking parts
            throw new Error(`TreeSHAP thread: ${a.error}`);
          }
          a.values.forEach((v, j) => out[j].set(v, from));
          base = a.base;
          onPart?.(from, to, base);
        }
      };
      const settled = await Promise.allSettled(used.map(work));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return base;
    } finally {
      if (--this.busy === 0) {
        for (const t of threads) t.worker.unref();
        this.idleAfter();
      }
    }
  }

  private idleAfter(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.busy === 0) this.stop();
    }, IDLE_MS);
    this.idle.unref();
  }
}
