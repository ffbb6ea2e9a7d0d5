import { parentPort } from 'node:worker_threads';
import { TreeShap } from './tree-shap.js';
import type { ShapPart, ShapPartReply } from './tree-shap-threads.js';

/**
 * A TreeSHAP thread (tree-shap-threads.ts): receives the trees and its rows' columns once, builds
 * the explainer (its per-leaf tables) and explains its rows with the same code as one thread
 * (TreeShap.explain), then sends the contributions back and ends.
 */
parentPort!.once('message', (job: ShapPart) => {
  try {
    const shap = new TreeShap({ baseScore: job.baseScore, trees: job.trees }, job.features);
    const values = Array.from({ length: job.features }, () => new Float64Array(job.rows));
    shap.explain(job.columns, job.rows, values);
    const reply: ShapPartReply = { ok: true, base: shap.base, values };
    parentPort!.postMessage(reply, values.map((v) => v.buffer as ArrayBuffer));
  } catch (err) {
    const reply: ShapPartReply = { ok: false, error: (err as Error).message };
    parentPort!.postMessage(reply);
  }
});
