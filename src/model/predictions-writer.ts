import type { Worker } from 'node:worker_threads';
import type { IdColumn } from '../data/id-column.js';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AtomicFileWriter } from '../util/atomic.js';
import { DataError } from '../util/errors.js';
import { findWorkerFile, startWorker } from '../util/worker-file.js';
import { formatPredictionRows, predictionsHeader, rowRoom } from './prediction-rows.js';
import type { PredictionsReply, PredictionsRequest } from './predictions-worker.js';
import type { GbdtModel } from './gbdt/types.js';

/**
 * `predict --out`'s file, written atomically while the input is still being read: each batch of
 * predicted rows is pushed as soon as it is parsed. With a predictions thread (large input), the
 * batches are formatted and written there, beside the parsing on the main thread; without one,
 * here. The bytes are the same either way (formatPredictionRows).
 */
export interface PredictionsWriter {
  /**
   * Rows [0, rows) of `ids` with their probabilities; both may be reused once this resolves. With
   * `scoring`, `prob` is not filled yet: the writer has the rows scored, a share of them on the
   * predictions thread when it holds the trees.
   */
  push(ids: IdColumn, prob: Float64Array, rows: number, scoring?: BatchScoring): Promise<void>;
  /** Everything written, synced and renamed into place. */
  commit(): Promise<void>;
  /** Nothing is left behind (no temp file, no thread). */
  abort(): Promise<void>;
}

/** A batch whose probabilities are still to be computed (tree models: see GbdtFittedModel.kernel). */
export interface BatchScoring {
  /** The columns the trees read, rows [0, rows) of the batch. */
  columns: readonly Float64Array[];
  /** Probabilities of rows [from, to) into prob[from, to), on this thread. */
  score(from: number, to: number): void;
}

/** The trees, for the predictions thread to score its share of each batch with. */
export type ThreadTrees = Pick<GbdtModel, 'baseScore' | 'trees'>;

const BUFFER_BYTES = 4 << 20;
/**
 * Batches in flight to the thread: enough to ride out its start (40-60 ms, longer on a busy
 * machine) without stalling the parser. Slots are allocated on first use, and the one freed last
 * is reused first, so the ones beyond the steady state cost memory only when they were needed.
 */
const SLOTS = 8;

/**
 * The worker file: beside this module in the tsc output (dist/model) and under tsx (src/model,
 * .ts); from the CLI bundle, its own bundle dist/cli/predictions-worker.mjs (scripts/build.mjs),
 * found from the bundle (dist/cli) or from the chunk this module went into (dist/cli/chunks).
 */
function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./predictions-worker.js', './predictions-worker.ts', './predictions-worker.mjs', '../predictions-worker.mjs']);
}

/** Start the predictions thread early (it boots while the model is resolved); undefined when there is no worker file. */
export function startPredictionsThread(): Worker | undefined {
  const file = workerFile();
  if (!file) return undefined;
  return startWorker(file);
}

/**
 * Open `path`'s temp file; batches go to `thread` when given (it is then owned, and stopped, by
 * the writer). `slots`: batches in flight to the thread (tests use 1, to make the main thread
 * share the formatting).
 */
export async function openPredictionsWriter(path: string, idColumn: string, threshold: number, thread?: Worker, opts: { slots?: number; trees?: ThreadTrees } = {}): Promise<PredictionsWriter> {
  let w: AtomicFileWriter;
  try {
    // The folder must exist: a typo in --out is an error, not a new folder tree.
    w = await AtomicFileWriter.open(path, { createFolder: false });
  } catch (err) {
    await thread?.terminate();
    const e = err as NodeJS.ErrnoException;
    const folder = dirname(resolve(path));
    if ((e.code === 'ENOENT' || e.code === 'ENOTDIR') && !(await isFolder(folder))) throw new DataError(`${path}: the folder ${folder} does not exist; create it first`);
    if (typeof e.code === 'string') e.path = path; // the file asked for, not its temp file
    throw err;
  }
  if (thread) return new ThreadWriter(w, thread, predictionsHeader(idColumn), threshold, opts.slots ?? SLOTS, opts.trees);
  await w.write(predictionsHeader(idColumn));
  return new LocalWriter(w, threshold);
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((st) => st.isDirectory(), () => false);
}

/** Formats on the calling thread: small input, or no worker file. */
class LocalWriter implements PredictionsWriter {
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private readonly cursor = { off: 0 };

  constructor(
    private readonly w: AtomicFileWriter,
    private readonly threshold: number,
  ) {}

  async push(ids: IdColumn, prob: Float64Array, rows: number, scoring?: BatchScoring): Promise<void> {
    scoring?.score(0, rows);
    let i = 0;
    while ((i = formatPredictionRows(ids, prob, this.threshold, i, rows, this.buf, this.cursor)) < rows) {
      if (this.cursor.off === 0) this.buf = Buffer.allocUnsafe(rowRoom(ids.lens[i]));
      else await this.flush();
    }
  }

  private async flush(): Promise<void> {
    // write() has copied a small chunk, or finished writing a large one, once it resolves: the buffer is free again.
    await this.w.write(this.buf.subarray(0, this.cursor.off));
    this.cursor.off = 0;
  }

  async commit(): Promise<void> {
    await this.flush();
    await this.w.commit();
  }

  async abort(): Promise<void> {
    await this.w.abort();
  }
}

interface Slot {
  /** Rows the slot holds. */
  cap: number;
  prob: SharedArrayBuffer;
  starts: SharedArrayBuffer;
  lens: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
  /** The columns of the rows the thread scores, column f from f·cap (empty without trees). */
  cols: SharedArrayBuffer;
}

/** Formatted batches the main thread may have waiting for the thread to write. */
const TEXT_SLOTS = 2;

/**
 * Hands batches to the predictions thread through reused shared-memory slots (fresh memory costs
 * page faults here). When every slot is taken — the thread is behind, typically because another
 * process has the second core — the main thread formats the batch itself into a text slot, which
 * the thread writes in its turn, instead of waiting: with no core to spare this costs about what
 * formatting on one thread does, and the file's bytes are the same.
 */
class ThreadWriter implements PredictionsWriter {
  private readonly slots: (Slot | undefined)[];
  private readonly free: number[] = [];
  private readonly texts: (Buffer | undefined)[] = new Array(TEXT_SLOTS).fill(undefined);
  private readonly freeTexts: number[] = [];
  /** Batches the main thread formatted itself (tests check the path is taken). */
  sharedBatches = 0;
  private waiting: (() => void)[] = [];
  private error: Error | undefined;
  private onDone: (() => void) | undefined;
  private stopped = false;
  /**
   * With trees: the share of a batch's rows scored here, the rest on the thread (which also
   * formats and writes every row, while this thread parses). Balanced as the batches go: the
   * thread keeping up (most slots free) gets more rows, the thread behind fewer.
   */
  private share = 0.3;

  constructor(
    private readonly w: AtomicFileWriter,
    private readonly thread: Worker,
    header: string,
    private readonly threshold: number,
    slots: number,
    private readonly trees?: ThreadTrees,
  ) {
    this.slots = new Array(slots).fill(undefined);
    for (let k = slots - 1; k >= 0; k--) this.free.push(k);
    for (let k = TEXT_SLOTS - 1; k >= 0; k--) this.freeTexts.push(k);
    thread.on('message', (m: PredictionsReply) => {
      if (m.type === 'free') this.free.push(m.slot);
      else if (m.type === 'freeText') this.freeTexts.push(m.slot);
      else if (m.type === 'done') this.onDone?.();
      else this.fail(Object.assign(new Error(m.message), m.code ? { code: m.code, path: w.target } : {}));
      this.wake();
    });
    thread.on('error', (err) => this.fail(err));
    thread.on('exit', (code) => this.fail(new Error(`the predictions thread exited (code ${code}) before the file was written`)));
    this.send({ type: 'start', fd: w.fd, header, threshold, bufferBytes: BUFFER_BYTES, ...(trees && { trees }) });
  }

  private send(req: PredictionsRequest): void {
    this.thread.postMessage(req);
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.error ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.error) throw this.error;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.error) throw this.error;
  }

  async push(ids: IdColumn, prob: Float64Array, rows: number, scoring?: BatchScoring): Promise<void> {
    if (rows === 0) return;
    await this.until(() => this.free.length > 0 || this.freeTexts.length > 0);
    if (this.free.length === 0) {
      scoring?.score(0, rows);
      return this.formatHere(ids, prob, rows);
    }
    const k = this.free.pop()!;
    // Rows [0, here) are scored on this thread, [here, rows) on the predictions thread.
    let here = rows;
    if (scoring && this.trees) {
      const idle = this.free.length;
      if (idle >= this.slots.length - 2) this.share = Math.max(0, this.share - 0.02);
      else if (idle <= this.slots.length >> 1) this.share = Math.min(1, this.share + 0.02);
      here = Math.round(rows * this.share);
    }
    const width = here < rows ? scoring!.columns.length : 0;
    const idBytes = ids.end;
    let s = this.slots[k];
    if (!s || s.cap < rows || s.bytes.byteLength < idBytes || s.cols.byteLength < width * s.cap * 8) {
      // Sized with headroom so that batches of similar size reuse the slot.
      const cap = Math.max(rows, s?.cap ?? 0, Math.ceil(rows * 1.25));
      s = {
        cap,
        prob: new SharedArrayBuffer(cap * 8),
        starts: new SharedArrayBuffer(cap * 4),
        lens: new SharedArrayBuffer(cap * 4),
        bytes: new SharedArrayBuffer(Math.max(64, Math.ceil(idBytes * 1.25), s?.bytes.byteLength ?? 0)),
        cols: new SharedArrayBuffer((this.trees ? scoring?.columns.length ?? 0 : 0) * cap * 8),
      };
      this.slots[k] = s;
      this.send({ type: 'slot', slot: k, ...s });
    }
    scoring?.score(0, here);
    for (let f = 0; f < width; f++) new Float64Array(s.cols, f * s.cap * 8, rows - here).set(scoring!.columns[f].subarray(here, rows));
    new Float64Array(s.prob, 0, here).set(prob.subarray(0, here));
    new Uint32Array(s.starts, 0, rows).set(ids.starts.subarray(0, rows));
    new Uint32Array(s.lens, 0, rows).set(ids.lens.subarray(0, rows));
    new Uint8Array(s.bytes, 0, idBytes).set(ids.bytes.subarray(0, idBytes));
    this.send({ type: 'rows', slot: k, rows, idBytes, scoreFrom: here });
  }

  /** Format the batch on this thread into a free text slot; the predictions thread writes it in turn. */
  private formatHere(ids: IdColumn, prob: Float64Array, rows: number): void {
    const k = this.freeTexts.pop()!;
    // Room for every row at its widest (rowRoom): one call formats the whole batch. Pages beyond
    // what is written are never touched.
    const need = 2 * ids.end + 64 * rows;
    let text = this.texts[k];
    if (!text || text.length < need) {
      const sab = new SharedArrayBuffer(Math.ceil(need * 1.25));
      text = Buffer.from(sab);
      this.texts[k] = text;
      this.send({ type: 'textSlot', slot: k, text: sab });
    }
    const cursor = { off: 0 };
    if (formatPredictionRows(ids, prob, this.threshold, 0, rows, text, cursor) < rows) throw new Error('predictions: a batch did not fit its text slot'); // cannot happen: sized by rowRoom
    this.sharedBatches++;
    this.send({ type: 'text', slot: k, bytes: cursor.off });
  }

  async commit(): Promise<void> {
    try {
      let done = false;
      this.onDone = () => (done = true);
      this.send({ type: 'end' });
      await this.until(() => done);
      await this.stop();
    } catch (err) {
      await this.abort();
      throw err;
    }
    await this.w.commit();
  }

  /**
   * The thread is gone before the file is closed: no write can reach a reused descriptor. (On
   * abort, an early fdatasync of its may still sit in the thread pool: at worst it syncs whatever
   * file took the number, which changes nothing in it.)
   */
  private async stop(): Promise<void> {
    this.stopped = true;
    await this.thread.terminate();
  }

  async abort(): Promise<void> {
    await this.stop();
    await this.w.abort();
  }
}
