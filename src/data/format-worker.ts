import { parentPort } from 'node:worker_threads';
import { preformatRows, type FormattedRows } from './csv-rows.js';
import { IdColumn } from './id-column.js';
import type { Dataset } from './dataset.js';

/**
 * The line formatter thread (started by format-worker-client.ts while a large file is read for
 * ingest): takes each chunk's parsed rows as the reader hands them over, formats them as
 * finaldata.csv lines (preformatRows) and sends the lines back, their memory moved. It runs
 * beside the parsing, so the dataset writer only copies the kept rows' lines afterwards.
 */

/** One chunk's rows, copied out of the reader's builder: every array a view of one block. */
export interface FormatBatch {
  rows: number;
  x: Float64Array[];
  y: Uint8Array;
  /** Row starts relative to `idBytes` and lengths of the ids. */
  idStarts: Uint32Array;
  idLens: Uint32Array;
  idBytes: Uint8Array;
  /** Per feature, the dictionary texts added since the previous batch (null: a numeric column). */
  newLevels: (string[] | null)[];
}

/** The lines, and the batch's memory back for the next batch. */
export type FormatReply = { ok: true; lines: FormattedRows; mem: ArrayBuffer } | { ok: false; error: string };

const port = parentPort;
if (port) {
  // The dictionaries grow batch by batch; the same arrays throughout, so csv-rows.ts encodes each text once.
  let levels: string[][] | null = null;
  let features: string[] = [];
  port.on('message', (m: FormatBatch | null) => {
    if (m === null) {
      port.close();
      return;
    }
    let reply: FormatReply;
    try {
      if (!levels) {
        levels = m.newLevels.map(() => []);
        features = m.x.map((_, j) => `f${j}`);
      }
      m.newLevels.forEach((t, j) => {
        if (t) for (const s of t) levels![j].push(s);
      });
      const ds: Dataset = {
        features,
        rows: m.rows,
        x: m.x,
        y: m.y,
        ids: IdColumn.fromParts(m.idStarts, m.idLens, Buffer.from(m.idBytes.buffer, m.idBytes.byteOffset, m.idBytes.byteLength)),
        levels: m.newLevels.map((t, j) => (t ? levels![j] : null)),
      };
      reply = { ok: true, lines: preformatRows(ds, 0, m.rows), mem: m.y.buffer as ArrayBuffer };
    } catch (err) {
      reply = { ok: false, error: (err as Error)?.message ?? String(err) };
    }
    port.postMessage(reply, reply.ok ? [reply.lines.bytes.buffer as ArrayBuffer, reply.lines.ends.buffer as ArrayBuffer, reply.mem] : []);
  });
}
