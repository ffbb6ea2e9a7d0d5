import { parentPort } from 'node:worker_threads';
import type { ReportData } from './data.js';
import { renderReportFiles, type ModelRule } from './render-files.js';
import { warmUp } from './warm-up.js';

/**
 * The report worker (started by report-worker-client.ts): warms the report libraries up as soon
 * as it starts, then renders the one report it is sent and exits. A failed warm-up is not an
 * error by itself: the render that follows meets the same problem and reports it.
 */
export interface RenderRequest {
  data: ReportData;
  dir: string;
  modelRule: ModelRule;
}
export type RenderReply = { ok: true; pdf: string; pages: string[]; files: Awaited<ReturnType<typeof renderReportFiles>>['files'] } | { ok: false; error: string };

const port = parentPort;
if (port) {
  let due = false;
  const warm = warmUp(() => due).catch(() => undefined);
  port.once('message', async (req: RenderRequest) => {
    due = true;
    await warm;
    let reply: RenderReply;
    try {
      reply = { ok: true, ...(await renderReportFiles(req.data, req.dir, req.modelRule)) };
    } catch (err) {
      reply = { ok: false, error: (err as Error).message ?? String(err) };
    }
    port.postMessage(reply);
    port.close();
  });
}
