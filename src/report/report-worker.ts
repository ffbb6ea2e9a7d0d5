import { parentPort } from 'node:worker_threads';
import type { ReportData } from './data.js';
import { renderReportFiles, type ModelRule } from './render-files.js';
import { warmUp } from './warm-up.js';

/**
 * The report worker (started by report-worker-client.ts): warms the report libraries up as soon
 * as it starts, then renders the reports it is sent, one at a time, for as long as the process
 * lives (a process that runs the pipeline again — the demo, `serve` with a schedule — renders its
 * next reports warm). A failed warm-up is not an error by itself: the render that follows meets
 * the same problem and reports it.
 */
export interface RenderRequest {
  id: number;
  data: ReportData;
  dir: string;
  modelRule: ModelRule;
}
export type RenderReply = { id: number } & ({ ok: true; pdf: string; pages: string[]; files: Awaited<ReturnType<typeof renderReportFiles>>['files'] } | { ok: false; error: string });

const port = parentPort;
if (port) {
  let due = false;
  let queue: Promise<unknown> = warmUp(() => due).catch(() => undefined);
  port.on('message', (req: RenderRequest) => {
    due = true;
    queue = queue.then(async () => {
      let reply: RenderReply;
      try {
        reply = { id: req.id, ok: true, ...(await renderReportFiles(req.data, req.dir, req.modelRule)) };
      } catch (err) {
        reply = { id: req.id, ok: false, error: (err as Error).message ?? String(err) };
      }
      port.postMessage(reply);
    });
  });
}
