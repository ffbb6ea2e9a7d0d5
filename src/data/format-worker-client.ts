import type { Worker } from 'node:worker_threads';
import { findWorkerFile, startWorker } from '../util/worker-file.js';
import type { FormattedRows } from './csv-rows.js';
import type { DatasetBuilder } from './dataset.js';
import type { FormatBatch, FormatReply } from './format-worker.js';

function workerFile(): URL | undefined {
  return findWorkerFile(import.meta.url, ['./format-worker.mjs', '../format-worker.mjs', './format-worker.js', './format-worker.ts']);
}

/**
 * finaldata.csv's lines formatted on a second thread while a file is still being parsed: after
 * each chunk the reader hands over the rows it added (`send`, a copy of those rows' cells), and
 * `finish` gives the lines of every row sent, in order, as the dataset writer's Preformatted
 * parts — or undefined when the thread failed (the writer then formats the rows itself).
 * Moves formatting (~0.3 s per million rows) off the reader's thread, which is the command's
 * critical path; a quiet machine's second core does it beside the parse.
 */
export class LineFormatter {
  private readonly replies: FormatReply[] = [];
  private waiting: (() => void) | null = null;
  private sent = 0;
  private failed: string | null = null;
  private sentRows: number;
  private sentLevels: number[];
  /** Batch blocks back from the thread, to be reused. */
  private readonly free: ArrayBuffer[] = [];

  private constructor(
    private readonly worker: Worker,
    private readonly builder: DatasetBuilder,
  ) {
    this.sentRows = builder.rows;
    this.sentLevels = builder.levels.map((l) => (l ? l.texts.length : 0));
    worker.on('message', (m: FormatReply) => this.take(m));
    worker.once('error', (err) => this.fail(err.message));
    worker.once('exit', (code) => this.fail(`the format worker exited (code ${code})`));
  }

  /** A formatter for the rows `builder` gains from now on, or undefined when no worker can start. */
  static start(builder: DatasetBuilder): LineFormatter | undefined {
    const file = workerFile();
    if (!file) return undefined;
    try {
      return new LineFormatter(startWorker(file), builder);
    } catch {
      return undefined;
    }
  }

  private take(m: FormatReply): void {
    if (m.ok && this.free.length < 4) this.free.push(m.mem);
    this.replies.push(m);
    this.wake();
  }

  private fail(error: string): void {
    this.failed ??= error;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /** Hand over the rows added to the builder since the last call. */
  send(): void {
    const b = this.builder;
    const from = this.sentRows;
    const to = b.rows;
    if (to <= from || this.failed !== null) return;
    this.sentRows = to;
    const rows = to - from;
    const nf = b.x.length;
    const base = b.ids.starts[from];
    const idEnd = b.ids.starts[to - 1] + b.ids.lens[to - 1];
    // One block per batch (one allocation, one transfer; separate arrays cost ~2 ms a message in
    // postMessage): the columns, then id starts and lengths, labels, id bytes.
    const need = rows * (nf * 8 + 8 + 1) + (idEnd - base);
    // A block the thread sent back when one is large enough: fresh memory costs a page fault per
    // 4 KiB and zeroing, about as much as the copy itself.
    const k = this.free.findIndex((m) => m.byteLength >= need);
    const mem = k >= 0 ? this.free.splice(k, 1)[0] : new ArrayBuffer(Math.ceil(need * 1.25));
    const x = b.x.map((c, j) => {
      const v = new Float64Array(mem, j * rows * 8, rows);
      v.set(c.subarray(from, to));
      return v;
    });
    const idStarts = new Uint32Array(mem, nf * rows * 8, rows);
    idStarts.set(b.ids.starts.subarray(from, to));
    if (base !== 0) for (let i = 0; i < rows; i++) idStarts[i] -= base;
    const idLens = new Uint32Array(mem, (nf * 8 + 4) * rows, rows);
    idLens.set(b.ids.lens.subarray(from, to));
    const y = new Uint8Array(mem, (nf * 8 + 8) * rows, rows);
    y.set(b.y.subarray(from, to));
    const idBytes = new Uint8Array(mem, (nf * 8 + 9) * rows, idEnd - base);
    idBytes.set(b.ids.bytes.subarray(base, idEnd));
    const newLevels = b.levels.map((l, j) => {
      if (!l) return null;
      const added = l.texts.slice(this.sentLevels[j]);
      this.sentLevels[j] = l.texts.length;
      return added;
    });
    const batch: FormatBatch = { rows, x, y, idStarts, idLens, idBytes, newLevels };
    this.worker.postMessage(batch, [mem]);
    this.sent++;
  }

  /** The lines of every row sent, in order; undefined if the thread failed (then it is stopped). */
  async finish(): Promise<FormattedRows[] | undefined> {
    while (this.replies.length < this.sent && this.failed === null) await new Promise<void>((r) => (this.waiting = r));
    this.stop();
    if (this.replies.length < this.sent) return undefined;
    const out: FormattedRows[] = [];
    for (const r of this.replies) {
      if (!r.ok) return undefined;
      // Typed arrays cross threads as plain Uint8Arrays: wrap the bytes as a Buffer again.
      out.push({ bytes: Buffer.from(r.lines.bytes.buffer, r.lines.bytes.byteOffset, r.lines.bytes.byteLength), ends: r.lines.ends });
    }
    return out;
  }

  stop(): void {
    this.worker.removeAllListeners('exit');
    void this.worker.terminate().catch(() => {});
  }
}
