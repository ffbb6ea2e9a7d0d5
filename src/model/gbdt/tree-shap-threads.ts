import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { findWorkerFile, startWorker } from '../../util/worker-file.js';
import type { GbdtTree } from './types.js';

/** What one TreeSHAP thread receives: the trees and its own rows' columns (the trees' codes). */
export interface ShapPart {
  baseScore: number;
  trees: readonly GbdtTree[];
  features: number;
  columns: Float64Array[];
  rows: number;
}

/** Its answer: per feature, its rows' contributions; or why it could not. */
export type ShapPartReply = { ok: true; base: number; values: Float64Array[] } | { ok: false; error: string };

/**
 * Rows per thread below which another thread is not worth starting: a thread's start-up and its
 * own explainer tables cost ~0.1–0.2 s, the time of ~1,000–2,000 rows of a 100-tree model.
 */
export const ROWS_PER_THREAD = 2_000;

/** The worker file beside this module (tsc output .js, tsx .ts) or bundled beside the CLI (scripts/build.mjs). */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./tree-shap-worker.js', './tree-shap-worker.ts', './gbdt-tree-shap-worker.mjs', '../gbdt-tree-shap-worker.mjs']);
}

/** Whether explainInThreads can run here (its worker file is there). */
export function canExplainInThreads(): boolean {
  return workerFile() !== undefined;
}

/**
 * Path-dependent TreeSHAP (tree-shap.ts) of rows [0, rows) on worker threads, none of it on the
 * calling thread, so a server's event loop stays free while thousands of clients are explained.
 * The rows are split into contiguous parts, one per thread (as many threads as cores, at most
 * one per ROWS_PER_THREAD rows); each thread builds the same explainer from the same trees and
 * runs the same code, and a row's contributions do not depend on the other rows, so the result is
 * bit for bit what one thread computes. Rejects when a thread cannot be started or fails (the
 * caller may then compute on its own thread). Resolves with the explainer's base (TreeShap.base).
 */
export async function explainInThreads(model: { baseScore: number; trees: readonly GbdtTree[] }, features: number, columns: readonly Float64Array[], rows: number, out: readonly Float64Array[], threads = availableParallelism()): Promise<number> {
  const file = workerFile();
  if (!file) throw new Error('the TreeSHAP worker file is not there');
  const parts = Math.max(1, Math.min(threads, Math.ceil(rows / ROWS_PER_THREAD)));
  const workers: Worker[] = [];
  try {
    const answers = Array.from({ length: parts }, (_, k) => {
      const from = Math.floor((rows * k) / parts);
      const to = Math.floor((rows * (k + 1)) / parts);
      const w = startWorker(file);
      workers.push(w);
      const answer = new Promise<ShapPartReply>((resolve) => {
        w.once('message', (m: ShapPartReply) => resolve(m));
        w.once('error', (err) => resolve({ ok: false, error: err.message }));
        w.once('exit', (code) => resolve({ ok: false, error: `the TreeSHAP thread exited (code ${code})` }));
      });
      // Copies of the part's rows (transferred, not cloned again): the caller's columns stay as they are.
      const part: ShapPart = { baseScore: model.baseScore, trees: model.trees, features, columns: columns.map((c) => c.slice(from, to)), rows: to - from };
      w.postMessage(part, part.columns.map((c) => c.buffer as ArrayBuffer));
      return answer.then((a) => ({ a, from }));
    });
    let base = Number.NaN;
    for (const { a, from } of await Promise.all(answers)) {
      if (!a.ok) throw new Error(`TreeSHAP thread: ${a.error}`);
      a.values.forEach((v, j) => out[j].set(v, from));
      base = a.base;
    }
    return base;
  } finally {
    for (const w of workers) void w.terminate().catch(() => {});
  }
}
