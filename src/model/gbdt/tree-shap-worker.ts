import { parentPort } from 'node:worker_threads';
import { TreeShap } from './tree-shap.js';
import type { ShapMessage, ShapReply } from './tree-shap-threads.js';

/**
 * A TreeSHAP thread (tree-shap-threads.ts): receives the trees first and builds the explainer (its
 * per-leaf tables) at once, then explains the rows of each job it is sent with the same code as
 * one thread (TreeShap.explain) and sends their contributions back. One job at a time, in order.
 */
let shap: TreeShap | undefined;
let failure: string | undefined;
parentPort!.on('message', (m: ShapMessage) => {
  if (m.kind === 'trees') {
    try {
      shap = new TreeShap({ baseScore: m.baseScore, trees: m.trees }, m.features);
    } catch (err) {
      failure = (err as Error).message;
    }
    return;
  }
  if (!shap) {
    const reply: ShapReply = { id: m.id, ok: false, error: failure ?? 'no trees' };
    parentPort!.postMessage(reply);
    return;
  }
  const values = Array.from({ length: shap.features }, () => new Float64Array(m.rows));
  shap.explain(m.columns, m.rows, values);
  const reply: ShapReply = { id: m.id, ok: true, base: shap.base, values };
  parentPort!.postMessage(reply, values.map((v) => v.buffer as ArrayBuffer));
});
