import { fdatasync, writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { IdColumn } from '../data/id-column.js';
import { formatPredictionRows, rowRoom } from './prediction-rows.js';
import { GbdtPredictor } from './gbdt/predict.js';
import type { GbdtModel } from './gbdt/types.js';

/**
 * The predictions thread (started by predictions-writer.ts for `predict --out` on large input):
 * formats each batch of predicted rows it is sent and writes it to the output's temp file, while the
 * main thread parses the next part of the CSV (the machine has two cores). Batches arrive in
 * shared memory slots, in order; a slot is handed back as soon as its rows are formatted. A batch
 * the main thread formatted itself (this thread was behind) arrives as text, written in its turn. The
 * main thread owns the temp file (open, fsync, rename, remove): this thread only writes to its
 * descriptor, and is terminated before the file is closed or removed. Given the trees (a tree
 * model), it also scores a share of each batch's rows — [scoreFrom, rows), whose columns the slot
 * holds — before formatting it: the scoring is most of such a command's work.
 */
export type PredictionsRequest =
  | { type: 'start'; fd: number; header: string; threshold: number; bufferBytes: number; trees?: Pick<GbdtModel, 'baseScore' | 'trees'> }
  | { type: 'slot'; slot: number; cap: number; prob: SharedArrayBuffer; starts: SharedArrayBuffer; lens: SharedArrayBuffer; bytes: SharedArrayBuffer; cols: SharedArrayBuffer }
  | { type: 'rows'; slot: number; rows: number; idBytes: number; scoreFrom: number }
  | { type: 'textSlot'; slot: number; text: SharedArrayBuffer }
  | { type: 'text'; slot: number; bytes: number }
  | { type: 'end' };
export type PredictionsReply = { type: 'free'; slot: number } | { type: 'freeText'; slot: number } | { type: 'done' } | { type: 'error'; message: string; code?: string };

const SYNC_BYTES = 8 << 20;

const port = parentPort;
if (port) {
  let fd = -1;
  let threshold = 0.5;
  let out = Buffer.alloc(0);
  const cursor = { off: 0 };
  // Slots are sent once (and again only when one grows): posting shared buffers with every batch
  // cost the main thread ~5 ms a message.
  const slots: { cap: number; prob: SharedArrayBuffer; starts: SharedArrayBuffer; lens: SharedArrayBuffer; bytes: SharedArrayBuffer; cols: SharedArrayBuffer }[] = [];
  let predictor: GbdtPredictor | undefined;
  /** Batches the main thread formatted itself (while this thread was behind): bytes to write in turn. */
  const texts: SharedArrayBuffer[] = [];
  let failed = false;

  // Writeback starts while the rest is formatted: every SYNC_BYTES, an fdatasync in the thread
  // pool (one at a time), so the main thread's final fsync has only the tail left to flush (it
  // was ~35 ms of the command for 35 MB). An error there fails the file as a write error would.
  let unsynced = 0;
  let syncing = false;
  let onSynced: (() => void) | undefined;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    const e = err as NodeJS.ErrnoException;
    port.postMessage({ type: 'error', message: e?.message ?? String(err), code: typeof e?.code === 'string' ? e.code : undefined } satisfies PredictionsReply);
  };
  const writeAll = (buf: Buffer, n: number) => {
    let at = 0;
    while (at < n) at += writeSync(fd, buf, at, n - at);
    unsynced += n;
  };
  const writeOut = () => {
    writeAll(out, cursor.off);
    cursor.off = 0;
    if (unsynced >= SYNC_BYTES && !syncing) {
      unsynced = 0;
      syncing = true;
      fdatasync(fd, (err) => {
        syncing = false;
        if (err) fail(err);
        else onSynced?.();
      });
    }
  };

  const handle = (req: PredictionsRequest) => {
    if (req.type === 'start') {
      fd = req.fd;
      threshold = req.threshold;
      out = Buffer.allocUnsafe(req.bufferBytes);
      cursor.off = out.write(req.header, 0);
      if (req.trees) predictor = new GbdtPredictor(req.trees);
      return;
    }
    if (req.type === 'end') {
      writeOut();
      // No sync of ours may still be running once the main thread closes the file.
      const done = () => port.postMessage({ type: 'done' } satisfies PredictionsReply);
      if (syncing) onSynced = done;
      else done();
      return;
    }
    if (req.type === 'slot') {
      slots[req.slot] = req;
      return;
    }
    if (req.type === 'textSlot') {
      texts[req.slot] = req.text;
      return;
    }
    if (req.type === 'text') {
      // In order: what this thread formatted before goes out first.
      writeAll(out, cursor.off);
      cursor.off = 0;
      writeAll(Buffer.from(texts[req.slot], 0, req.bytes), req.bytes);
      port.postMessage({ type: 'freeText', slot: req.slot } satisfies PredictionsReply);
      writeOut(); // nothing left to write: only the writeback check
      return;
    }
    const rows = req.rows;
    const s = slots[req.slot];
    const ids = IdColumn.fromParts(new Uint32Array(s.starts, 0, rows), new Uint32Array(s.lens, 0, rows), Buffer.from(s.bytes, 0, req.idBytes));
    const prob = new Float64Array(s.prob, 0, rows);
    if (req.scoreFrom < rows) {
      const n = rows - req.scoreFrom;
      const width = s.cols.byteLength / (s.cap * 8);
      const cols = Array.from({ length: width }, (_, f) => new Float64Array(s.cols, f * s.cap * 8, n));
      predictor!.predictProba(cols, prob.subarray(req.scoreFrom));
    }
    let i = 0;
    while ((i = formatPredictionRows(ids, prob, threshold, i, rows, out, cursor)) < rows) {
      if (cursor.off > 0) writeOut();
      else out = Buffer.allocUnsafe(rowRoom(ids.lens[i])); // one id longer than the whole buffer
    }
    port.postMessage({ type: 'free', slot: req.slot } satisfies PredictionsReply);
    // Written once the buffer is nearly full, not per batch: fewer, larger writes.
    if (cursor.off > out.length >> 1) writeOut();
  };

  port.on('message', (req: PredictionsRequest) => {
    if (failed) return;
    try {
      handle(req);
    } catch (err) {
      fail(err);
    }
  });
}
