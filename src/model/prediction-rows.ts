import { csvField } from '../data/csv-field.js';
import type { IdColumn } from '../data/id-column.js';
import { writeProbability } from './format-probability.js';

/**
 * The rows of `predict --out` (id,probability,prediction), formatted straight into a byte buffer:
 * ids copied as bytes from the id column, the probability written by writeProbability exactly as
 * String() prints it, no string per row. One function for both writers (in the process and on the
 * predictions thread), so the two cannot drift apart.
 */

export function predictionsHeader(idColumn: string): string {
  return `${csvField(idColumn)},probability,prediction\n`;
}

/** Room a row of an id of `idBytes` bytes may need: the id quoted (each byte doubled), a ' prefix, 26 for the probability, separators. */
export function rowRoom(idBytes: number): number {
  return 2 * idBytes + 64;
}

/**
 * Format rows [from, to) into `out` from `cursor.off`, as long as the next row surely fits
 * (rowRoom); returns the first row not written and leaves the end in `cursor.off`. A caller that
 * gets back `from` with cursor.off === 0 needs a buffer of at least rowRoom(that id) bytes.
 */
export function formatPredictionRows(ids: IdColumn, prob: Float64Array, threshold: number, from: number, to: number, out: Buffer, cursor: { off: number }): number {
  const bytes = ids.bytes;
  const starts = ids.starts;
  const lens = ids.lens;
  const limit = out.length;
  let off = cursor.off;
  let i = from;
  for (; i < to; i++) {
    const n = lens[i];
    if (off + 2 * n + 64 > limit) break;
    // Spreadsheet formula injection: an id starting with = + - @ (or tab / CR) is written as
    // text ('-prefixed), as GET /risk does; the dataset itself keeps ids exactly.
    const first = bytes[starts[i]];
    if (n > 0 && (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13)) off += out.write(csvField(`'${ids.get(i)}`), off);
    else off = ids.writeCsvField(i, out, off);
    out[off++] = 44;
    const p = prob[i];
    off = writeProbability(p, out, off);
    out[off++] = 44;
    out[off++] = p > threshold ? 49 : 48;
    out[off++] = 10;
  }
  cursor.off = off;
  return i;
}
