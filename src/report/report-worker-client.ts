import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReportData } from './data.js';
import { packageRoot } from './dependencies.js';
import type { ModelRule } from './render-files.js';
import type { ReportFile } from './report.js';
import type { RenderReply, RenderRequest } from './report-worker.js';

/**
 * The worker file: beside this module in the tsc output (dist/report) and under tsx (src/report,
 * .ts); from the CLI bundle (dist/cli), the tsc output's copy. Undefined when none is there.
 */
function workerFile(): URL | undefined {
  for (const name of ['report-worker.js', 'report-worker.ts']) {
    const url = new URL(`./${name}`, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  const built = join(packageRoot(), 'dist', 'report', 'report-worker.js');
  return existsSync(built) ? pathToFileURL(built) : undefined;
}

/**
 * A report renderer on its own thread, started before the report is due (when a run knows it will
 * complete) so that loading vega, vega-lite, pdfkit and resvg and compiling their hot code happen
 * while the pipeline's steps run on the main thread (the machine has two cores). It renders one
 * report into the folder it is given — files written atomically there, as in the process — and
 * exits. A process killed meanwhile takes the thread with it: the folder is a partial one that
 * the caller only renames into place after `render` resolved.
 */
export class ReportRenderer {
  private readonly exited: Promise<number>;
  private used = false;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((res) => worker.once('exit', res));
    // An error before `render` is asked for is reported by `render` (the exit it causes).
    worker.on('error', () => undefined);
  }

  /** Start the thread, or undefined when it cannot be (no worker file): the caller renders in process. */
  static start(): ReportRenderer | undefined {
    const file = workerFile();
    if (!file) return undefined;
    try {
      if (file.pathname.endsWith('.ts')) {
        // Running from source under tsx (the tests): a worker does not inherit tsx's loader, so
        // it registers it before importing the worker module.
        const tsx = import.meta.resolve('tsx/esm/api');
        return new ReportRenderer(new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(file.href)}))`, { eval: true }));
      }
      return new ReportRenderer(new Worker(file));
    } catch {
      return undefined;
    }
  }

  /** Render the report of `data` into `dir` (which must exist). Once per renderer. */
  render(data: ReportData, dir: string, modelRule: ModelRule): Promise<{ pdf: string; pages: string[]; files: ReportFile[] }> {
    if (this.used) return Promise.reject(new Error('a report renderer renders one report'));
    this.used = true;
    return new Promise((resolve, reject) => {
      let error: Error | undefined;
      this.worker.once('error', (err) => (error = err));
      this.worker.once('message', (reply: RenderReply) => (reply.ok ? resolve({ pdf: reply.pdf, pages: reply.pages, files: reply.files }) : reject(new Error(reply.error))));
      void this.exited.then((code) => reject(error ?? new Error(`the report worker exited (code ${code}) without a report`)));
      const req: RenderRequest = { data, dir, modelRule };
      this.worker.postMessage(req);
    });
  }

  /** Stop the thread (a run that will not report after all); resolves once it has exited. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
