import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { findWorkerFile, startWorker } from '../util/worker-file.js';
import type { HashRequest, PartRequest, PartResult } from './parse-part.js';
import type { CompactReply, CompactRequest, PartReply, ProbeRequest } from './parse-worker.js';

/**
 * The worker file: in the CLI bundle's folder (dist/cli/parse-worker.mjs, bundled by
 * scripts/build.mjs so that it loads as one module; this code is then in a chunk, in
 * dist/cli/chunks), beside this module in the tsc output (dist/data) or under tsx (src/data, .ts).
 * Undefined when none is there.
 */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./parse-worker.mjs', '../parse-worker.mjs', './parse-worker.js', './parse-worker.ts']);
}

/**
 * A thread that parses the second part of one file (parse-part.ts), started before the part is
 * known so that its start-up overlaps the reader's first reads. `parse` sends the request and
 * resolves with the part, or with an error message (the reader then parses the part itself);
 * `stop` ends the thread whatever its state.
 */
let spare: PartWorker | undefined;

export class PartWorker {
  private readonly reply: Promise<PartReply>;
  private exited = false;

  private constructor(private readonly worker: Worker) {
    worker.once('exit', () => {
      this.exited = true;
    });
    this.reply = new Promise<PartReply>((resolve) => {
      worker.once('message', (m: PartReply) => resolve(m));
      worker.once('error', (err) => resolve({ ok: false, error: err.message }));
      worker.once('exit', (code) => resolve({ ok: false, error: `the parse worker exited (code ${code})` }));
    });
  }

  /**
   * Start a worker now for the next start() to take: the ingest command calls this before it opens
   * the store, so the thread's own start-up (~0.2 s of its CPU at load 8: Node's bootstrap and the
   * module) runs meanwhile instead of after the file is opened. Unref'd until taken: a process
   * that reads no large file exits as if it had none.
   */
  static prestart(): void {
    if (spare || availableParallelism() < 2) return;
    spare = PartWorker.start();
    spare?.worker.unref();
  }

  /** A new worker (or the one prestart() started), or undefined when none can be started (no worker file). */
  static start(): PartWorker | undefined {
    if (spare) {
      const w = spare;
      spare = undefined;
      w.worker.ref();
      return w;
    }
    const file = workerFile();
    if (!file) return undefined;
    try {
      return new PartWorker(startWorker(file));
    } catch {
      return undefined;
    }
  }

  /** Hash the file's bytes before the part first (PartResult.sha256 is then the file's). */
  hashFirst(req: HashRequest): void {
    this.worker.postMessage(req);
  }

  async parse(req: PartRequest): Promise<{ part: PartResult } | { error: string }> {
    this.worker.postMessage(req);
    const r = await this.reply;
    return r.ok ? { part: r.part } : { error: r.error };
  }

  /**
   * Once the part is parsed (asked to stay: PartRequest.stay), compact shared columns in place on
   * the worker's thread alongside this one (compactShared): resolves when the worker has no column
   * left to take, or with an error (the thread failed; a column may then be half-compacted). The
   * worker then ends.
   */
  compact(req: CompactRequest): Promise<{ ok: true } | { error: string }> {
    return this.ask(req);
  }

  /**
   * Once the part is parsed (asked to stay), probe some buckets of a duplicate search on the
   * worker's thread (ProbeRequest): resolves when they are done, or with an error (the thread
   * failed; the caller probes them itself). The worker stays, for compact.
   */
  probe(req: ProbeRequest): Promise<{ ok: true } | { error: string }> {
    return this.ask(req);
  }

  private ask(req: CompactRequest | ProbeRequest): Promise<{ ok: true } | { error: string }> {
    const w = this.worker;
    if (this.exited) return Promise.resolve({ error: 'the parse worker has exited' });
    w.ref();
    return new Promise((resolve) => {
      const done = (r: CompactReply) => {
        w.off('message', done);
        w.off('error', failed);
        w.off('exit', exited);
        resolve(r.ok ? { ok: true } : { error: r.error });
      };
      const failed = (err: Error) => done({ ok: false, error: err.message });
      const exited = (code: number) => done({ ok: false, error: `the parse worker exited (code ${code})` });
      w.on('message', done);
      w.on('error', failed);
      w.on('exit', exited);
      w.postMessage(req);
    });
  }

  /** Kept waiting (after its part) without keeping the process alive. */
  idle(): void {
    this.worker.unref();
  }

  stop(): void {
    void this.worker.terminate().catch(() => {});
  }
}

/** PartWorker.prestart, for the library entry. */
export function prestartIngest(): void {
  PartWorker.prestart();
}
