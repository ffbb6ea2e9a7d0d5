import { parentPort } from 'node:worker_threads';
import { compareToProfile, type ProfileComparison, type ReferenceProfile } from '../stats/profile.js';
import { SortScratch } from '../stats/sorted.js';

/**
 * The drift check's second thread (started by drift-thread.ts while `drift` reads its data):
 * compares the numeric features' columns with their reference profiles — sorting them is most of
 * the check — while the main thread predicts the rows and tests the categories. The columns are
 * in shared memory; the same function as on one thread, so the same numbers.
 */
export interface DriftRequest {
  profiles: ReferenceProfile[];
  columns: Float64Array[];
  ksAlpha: number;
}
export type DriftReply = { type: 'done'; comparisons: ProfileComparison[] } | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  port.once('message', (m: DriftRequest) => {
    try {
      const buffers = new SortScratch(m.columns.reduce((n, c) => Math.max(n, c.length), 0));
      const comparisons = m.profiles.map((p, k) => compareToProfile(p, m.columns[k], { ksAlpha: m.ksAlpha, buffers }));
      port.postMessage({ type: 'done', comparisons } satisfies DriftReply);
    } catch (err) {
      port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies DriftReply);
    }
  });
}
