import { csvField } from './csv-field.js';
import { NO_LABEL, type Dataset, type DatasetBuilder } from './dataset.js';
import { writeDecimal } from './decimal-text.js';

/**
 * finaldata.csv's row format (id, features, label; RFC 4180 quoting only where needed), written
 * by hand into a byte buffer: the dataset writer's hot path, which would otherwise build millions
 * of short-lived strings (one per line). Its own module so the parse worker can format the rows
 * it parsed (see preformatRows) without loading the dataset writer.
 */

/** "00" to "99" as ASCII bytes: PAIRS[2n], PAIRS[2n + 1] are n's two digits. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

const COMMA = 44;
const LF = 10;

/**
 * Per feature, each code's text as finaldata.csv writes it (UTF-8, quoted where needed) for a
 * category column, null for a numeric one; null as a whole when no column is a category. Kept per
 * dictionary (a builder's grows: only the new texts are encoded) so that formatting a dataset in
 * many buffers' worth of calls encodes each text once.
 */
type EncodedLevels = (Buffer[] | null)[] | null;
const encodedCache = new WeakMap<readonly string[], Buffer[]>();

function encodedLevels(ds: Dataset): EncodedLevels {
  const levels = ds.levels;
  if (!levels || levels.every((l) => !l)) return null;
  return levels.map((texts) => {
    if (!texts) return null;
    let enc = encodedCache.get(texts);
    if (!enc) encodedCache.set(texts, (enc = []));
    for (let c = enc.length; c < texts.length; c++) enc.push(Buffer.from(csvField(texts[c]), 'utf8'));
    return enc;
  });
}

/** Bytes of row i's category cells (0 without categories). */
function categoryBytes(enc: EncodedLevels, x: Float64Array[], i: number): number {
  if (enc === null) return 0;
  let n = 0;
  for (let j = 0; j < enc.length; j++) {
    const e = enc[j];
    const v = x[j][i];
    if (e !== null && v === v) n += e[v].length;
  }
  return n;
}

/** Bytes one row can take at most: a quoted id doubles its bytes, a number is ≤ 25 characters, a category its text. */
export function maxRowBytes(ds: Dataset, i: number, enc: EncodedLevels = encodedLevels(ds)): number {
  return 2 * ds.ids.lens[i] + 16 + ds.features.length * 26 + categoryBytes(enc, ds.x, i);
}

/** Bytes any row can take beyond its id's: every number at its longest, every category at its longest text. */
function rowRoomOf(ds: Dataset, enc: EncodedLevels): number {
  let room = 16 + ds.features.length * 26;
  if (enc !== null) for (const texts of enc) if (texts !== null) room += texts.reduce((m, t) => Math.max(m, t.length), 0);
  return room;
}

/**
 * Format rows from `start` (to `end`) into `o` at `off` until it is nearly full. Returns the
 * next row and offset; when `ends` is given, ends[i - start] is where row i's line ends.
 * Synchronous with everything in locals: this loop runs once per row of the dataset. Ids are
 * copied as bytes from the id column; an id that needs quoting (rare) is written quoted.
 */
export function formatRowsInto(ds: Dataset, start: number, end: number, o: Buffer, off: number, ends?: Uint32Array, endsAt = 0): { row: number; off: number } {
  const limit = o.length;
  const nf = ds.features.length;
  const x = ds.x;
  const y = ds.y;
  const ids = ds.ids;
  const enc = encodedLevels(ds);
  // Room any row needs beyond its id: every number at its longest, every category at its longest
  // text — computed once, where the row's own bound (maxRowBytes) reads its category cells an extra
  // time. Only near the buffer's end is the row's own bound asked (what the writer makes room for).
  const rowRoom = rowRoomOf(ds, enc);
  let i = start;
  for (; i < end; i++) {
    if (off + 2 * ids.lens[i] + rowRoom > limit && off + 2 * ids.lens[i] + 16 + nf * 26 + categoryBytes(enc, x, i) > limit) break;
    off = ids.writeCsvField(i, o, off);
    for (let j = 0; j < nf; j++) {
      o[off++] = COMMA;
      const v = x[j][i];
      if (v !== v) continue;
      const texts = enc === null ? null : enc[j];
      if (texts !== null) {
        // Byte by byte: Buffer#copy is a call into C++ per cell, which cost more than the copy
        // of these few bytes (5 category columns: ~0.2 s per million rows).
        const t = texts[v];
        for (let k = 0; k < t.length; k++) o[off + k] = t[k];
        off += t.length;
      } else if (v >= 0 && v < 10000 && (v | 0) === v) {
        // The usual count: two digits at a time from a table; n / 100 as a multiply and shift
        // (exact below 43,699), not a float division per digit.
        const n = v | 0;
        if (n < 10) o[off++] = 48 + n;
        else if (n < 100) {
          o[off++] = PAIRS[2 * n];
          o[off++] = PAIRS[2 * n + 1];
        } else {
          const hi = (n * 5243) >>> 19;
          const lo = n - hi * 100;
          if (hi < 10) o[off++] = 48 + hi;
          else {
            o[off++] = PAIRS[2 * hi];
            o[off++] = PAIRS[2 * hi + 1];
          }
          o[off++] = PAIRS[2 * lo];
          o[off++] = PAIRS[2 * lo + 1];
        }
      } else if (v >= 0 && v < 2147483648 && (v | 0) === v) {
        // Larger non-negative int32: a digit at a time, still no string.
        let n = v | 0;
        const digits = n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
        let at = off + digits;
        off = at;
        do {
          const q = (n / 10) | 0;
          o[--at] = 48 + n - q * 10;
          n = q;
        } while (n > 0);
      } else {
        // A decimal (a `number` column): written as String(v) would, without the string.
        const e = writeDecimal(v, o, off);
        off = e >= 0 ? e : off + o.utf8Write(String(v), off);
      }
    }
    o[off++] = COMMA;
    if (y[i] !== NO_LABEL) o[off++] = 48 + y[i];
    o[off++] = LF;
    if (ends) ends[endsAt + i - start] = off;
  }
  return { row: i, off };
}

/**
 * Rows [from, to) of `ds` already formatted as finaldata.csv lines: row k's line is
 * bytes[k === 0 ? 0 : ends[k - 1], ends[k]). Made while the other thread still parses (ingest of
 * a file read in two parts); the dataset writer then copies the lines of the rows it keeps
 * instead of formatting them.
 */
export interface FormattedRows {
  bytes: Buffer;
  ends: Uint32Array;
}

export function preformatRows(ds: Dataset, from: number, to: number): FormattedRows {
  // Sized for the worst case: every id quoted, every number and category at its longest (a bound
  // without a pass over the rows, which cost ~1/10 of the formatting). Pages past what is written
  // are never touched (no cost).
  const lens = ds.ids.lens;
  let idBytes = 0;
  for (let i = from; i < to; i++) idBytes += lens[i];
  const size = 2 * idBytes + (to - from) * rowRoomOf(ds, encodedLevels(ds));
  const bytes = Buffer.allocUnsafeSlow(Math.max(1, size));
  const ends = new Uint32Array(to - from);
  const r = formatRowsInto(ds, from, to, bytes, 0, ends);
  if (r.row !== to) throw new Error('preformatRows: buffer too small'); // cannot happen: sized for the worst case
  return { bytes, ends };
}

/**
 * The finaldata.csv lines of a file's rows, made as the rows are read (ingest of a file read in
 * two parts, each thread its own): the CSV fast path writes each row's line while its bytes are
 * at hand (fast-row.ts: the cells' own bytes where they are already written as finaldata.csv
 * writes them, which for the usual row is all of them), and rows the fast path left to the
 * general path are formatted from the builder's columns before the next fast row (catchUp). Row
 * k of the file (builder row firstRow + k) ends at ends[k]. The same bytes formatRowsInto gives:
 * test/data/fast-row-lines.test.ts holds them to it.
 */
export class LineBuffer {
  bytes: Buffer;
  /** Bytes in use. */
  off = 0;
  ends: Uint32Array;
  /** Rows with a line so far. */
  rows = 0;
  /** A Dataset view of the builder for catchUp, remade when the builder's arrays change. */
  private view: Dataset | null = null;

  /** `bytes` and `rows`: the expected size (room grows past it; pages never written cost nothing). */
  constructor(
    readonly firstRow: number,
    bytes: number,
    rows = 1024,
  ) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(64, bytes));
    this.ends = new Uint32Array(Math.max(16, rows));
  }

  /** Room for `bytes` more bytes and `rows` more lines. */
  room(bytes: number, rows: number): void {
    if (this.off + bytes > this.bytes.length) {
      const b = Buffer.allocUnsafeSlow(Math.max(this.off + bytes, this.bytes.length * 2));
      this.bytes.copy(b, 0, 0, this.off);
      this.bytes = b;
    }
    if (this.rows + rows > this.ends.length) {
      const e = new Uint32Array(Math.max(this.rows + rows, this.ends.length * 2));
      e.set(this.ends.subarray(0, this.rows));
      this.ends = e;
    }
  }

  /** Format the builder's rows that have no line yet (those the general path added). */
  catchUp(b: DatasetBuilder): void {
    const to = b.rows - this.firstRow;
    if (this.rows >= to) return;
    let v = this.view;
    if (v === null || v.x !== b.x || v.y !== b.y || v.ids !== b.ids) {
      v = this.view = { features: b.features, rows: 0, ids: b.ids, x: b.x, y: b.y, levels: b.levels.map((l) => (l ? l.texts : null)) };
    }
    for (let i = this.firstRow + this.rows; i < b.rows; ) {
      this.room(maxRowBytes(v, i) + b.ids.lens[i] * 4, b.rows - i);
      const r = formatRowsInto(v, i, b.rows, this.bytes, this.off, this.ends, this.rows);
      this.rows += r.row - i;
      this.off = r.off;
      i = r.row;
    }
  }

  /** Every row of the builder from firstRow on, formatted (views of this buffer). */
  finish(b: DatasetBuilder): FormattedRows {
    this.catchUp(b);
    return { bytes: this.bytes.subarray(0, this.off), ends: this.ends.subarray(0, this.rows) };
  }
}
