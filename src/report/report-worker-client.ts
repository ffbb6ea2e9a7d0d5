import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ReportData } from './data.js';
import { packageRoot } from './dependencies.js';
import type { ModelRule } from './render-files.js';
import type { ReportFile } from './report.js';
import { findWorkerFile, startWorker } from '../util/worker-file.js';
import type { RenderReply, RenderRequest } from './report-worker.js';

/**
 * The worker file: beside this module in the tsc output (dist/report) and under tsx (src/report,
 * .ts); from the CLI bundle (dist/cli), the tsc output's copy. Undefined when none is there.
 */
function workerFile(): URL | undefined {
  const here = findWorkerFile(import.meta.url, ['./report-worker.js', './report-worker.ts']);
  if (here) return here;
  const built = join(packageRoot(), 'dist', 'report', 'report-worker.js');
  return existsSync(built) ? pathToFileURL(built) : undefined;
}

type Pending = { resolve: (r: { pdf: string; pages: string[]; files: ReportFile[] }) => void; reject: (err: Error) => void };

let shared: ReportRenderer | undefined;

/**
 * The report renderer on its own thread, one per process, started before the first report is due
 * (when a run finds new data) so that loading vega, vega-lite, pdfkit and resvg and compiling
 * their hot code happen while the pipeline's steps run on the main thread (the machine has two
 * cores). It renders each report into the folder it is given — files written atomically there, as
 * in the process — and stays, warm, for the process's next reports. It never keeps the process
 * alive by itself (unref'd except while a render is pending). A process killed meanwhile takes the
 * thread with it: the folder is a partial one that the caller only renames into place after
 * `render` resolved.
 */
export class ReportRenderer {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead = false;

  private constructor(private readonly worker: Worker) {
    let error: Error | undefined;
    worker.on('error', (err) => (error = err));
    worker.on('message', (reply: RenderReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) p.resolve({ pdf: reply.pdf, pages: reply.pages, files: reply.files });
      else p.reject(new Error(reply.error));
    });
    worker.once('exit', (code) => {
      this.dead = true;
      if (shared === this) shared = undefined;
      for (const p of this.pending.values()) p.reject(error ?? new Error(`the report worker exited (code ${code}) without a report`));
      this.pending.clear();
    });
    // Last: on Node 20, adding a 'message' listener refs the worker's port again, so an unref
    // before the listeners kept a run that started the renderer but rendered nothing (new files,
    // no new rows) alive forever after it finished.
    worker.unref();
  }

  /** The process's renderer (started now if there is none, or the last one died); undefined when no worker file is found. */
  static shared(): ReportRenderer | undefined {
    if (!shared || shared.dead) shared = ReportRenderer.start();
    return shared;
  }

  /** A new renderer thread, or undefined when it cannot be started (no worker file). */
  static start(): ReportRenderer | undefined {
    const file = workerFile();
    if (!file) return undefined;
    try {
      return new ReportRenderer(startWorker(file));
    } catch {
      return undefined;
    }
  }

  /** Render the report of `data` into `dir` (which must exist). */
  render(data: ReportData, dir: string, modelRule: ModelRule): Promise<{ pdf: string; pages: string[]; files: ReportFile[] }> {
    if (this.dead) return Promise.reject(new Error('the report worker has stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref(); // a pending report keeps the process alive until it is written
      const req: RenderRequest = { id, data, dir, modelRule };
      this.worker.postMessage(req);
    });
  }

  /** Stop the thread; resolves once it has exited. */
  async close(): Promise<void> {
    this.dead = true;
    if (shared === this) shared = undefined;
    await this.worker.terminate();
  }
}
