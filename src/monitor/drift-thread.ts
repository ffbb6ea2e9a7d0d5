import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ProfileComparison, ReferenceProfile } from '../stats/profile.js';
import { findWorkerFile, tryStartWorker } from '../util/worker-file.js';
import type { DriftReply, DriftRequest } from './drift-worker.js';

/** The worker file bundled beside the CLI (scripts/build.mjs), or beside this module (tsc .js, tsx .ts). */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./drift-worker.mjs', '../drift-worker.mjs', './drift-worker.js', './drift-worker.ts']);
}

/** A copy of `a` in shared memory (posted to the thread without another copy). */
function shared(a: Float64Array): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

/**
 * The numeric features' comparisons on a second thread (drift-worker.ts), for `riskwatch drift`:
 * `start` boots it before the data is read (its start-up overlaps the read); `compare` hands it
 * the columns and resolves with their comparisons, or undefined when the thread failed (the
 * caller then compares them itself: the same numbers either way). None on a single core.
 */
export class DriftThread {
  private constructor(private worker: Worker | undefined) {}

  static start(): DriftThread {
    return new DriftThread(tryStartWorker(availableParallelism() > 1 ? workerFile() : undefined));
  }

  /** The comparisons of `columns` with `profiles` (same order), or undefined: compare them yourself. */
  compare(profiles: ReferenceProfile[], columns: Float64Array[], ksAlpha: number): Promise<ProfileComparison[] | undefined> {
    const worker = this.worker;
    if (!worker || profiles.length === 0) return Promise.resolve(undefined);
    const reply = new Promise<DriftReply>((resolve) => {
      worker.once('message', (m: DriftReply) => resolve(m));
      worker.once('error', (err) => resolve({ type: 'error', message: err.message }));
      worker.once('exit', (code) => resolve({ type: 'error', message: `the drift thread exited (code ${code})` }));
    });
    worker.postMessage({ profiles, columns: columns.map(shared), ksAlpha } satisfies DriftRequest);
    return reply.then((r) => {
      this.close();
      return r.type === 'done' ? r.comparisons : undefined;
    });
  }

  /** Ends the thread (not needed, or done). */
  close(): void {
    if (!this.worker) return;
    void this.worker.terminate().catch(() => {});
    this.worker = undefined;
  }
}
