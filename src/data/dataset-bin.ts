import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ROW_HASH_VERSION } from './find-duplicates.js';
import type { Dataset } from './dataset.js';

/**
 * finaldata.bin and its append segments (finaldata.bin.1, .2, …): the dataset's rows as raw
 * little-endian columns, so train/drift load 1,000,000 rows in milliseconds instead of
 * re-parsing finaldata.csv, and an ingest checks new rows for duplicates by reading only the
 * stored row hashes.
 *
 * Layout (RWDS2): magic, u32 header length, JSON header padded with spaces to a multiple of 8
 * bytes, then per feature `rows` f64, the id end offsets (u32, cumulative), the rows' hashRow
 * values (u32), labels (u8), id bytes. Every typed section starts aligned, so a full load views
 * the columns in the file's buffer instead of copying them, and one row can be read on its own
 * (SegmentFile.readRow).
 * RWDS3 (current): the same layout; the header's `levels` gives, per feature, a category
 * column's dictionary (code -> text; the column holds codes into it) or null for a numeric one.
 * Each segment has its own dictionary; readers recode the segments into one.
 * RWDS2 (before categories): no `levels` — every column numeric. It still loads; an ingest
 * rewrites it as RWDS3 instead of appending to it.
 * RWDS1 (older): no padding, no row hashes, labels then id lengths (u32) then id bytes.
 *
 * The header's `hash` is the sha256 of finaldata.csv once these rows are in it; an append
 * segment's `prev` is the hash before them. The segments form a chain from the base file to the
 * CSV's current hash; any break (a crash between writing a segment and the CSV, a hand-edited
 * CSV) makes readers fall back to the CSV, which is always the source of truth.
 */
export const MAGIC_V1 = 'RWDS1\n';
export const MAGIC_V2 = 'RWDS2\n';
/** RWDS3: RWDS2's layout; the header adds `levels` (category columns hold codes of the segment's own dictionary). */
export const MAGIC_V3 = 'RWDS3\n';
const PRELUDE = MAGIC_V2.length + 4;

export interface SegmentHeader {
  /** sha256 of finaldata.csv with this segment's rows. */
  hash: string;
  /** sha256 of finaldata.csv before this segment's rows; null for the base file. */
  prev: string | null;
  rows: number;
  features: string[];
  id: string;
  target: string;
  idBytes: number;
  /** ROW_HASH_VERSION of the stored row hashes; absent in RWDS1 files (no hashes). */
  rowHash?: string;
  /** Missing cells per feature in these rows (RWDS2). */
  missing?: Record<string, number>;
  /** Per feature: a category column's dictionary, null for a numeric one (RWDS3; absent before: all numeric). */
  levels?: (string[] | null)[];
}

export interface Segment {
  header: SegmentHeader;
  x: Float64Array[];
  y: Uint8Array;
  lens: Uint32Array;
  /** The id bytes, in row order (a view into the file's buffer). */
  idBytes: Buffer;
  /** Row hashes when stored with the current ROW_HASH_VERSION. */
  rowHashes: Uint32Array | null;
}

/** Byte offsets of an RWDS2 file's sections. */
interface Layout {
  x: number;
  ends: number;
  hashes: number;
  y: number;
  ids: number;
  size: number;
}

function layoutOf(bodyStart: number, h: SegmentHeader): Layout {
  const n = h.rows;
  const x = bodyStart;
  const ends = x + n * 8 * h.features.length;
  const hashes = ends + n * 4;
  const y = hashes + n * 4;
  const ids = y + n;
  return { x, ends, hashes, y, ids, size: ids + h.idBytes };
}

/**
 * Write a segment file through `writeAt(part, position)`: every section at its own offset, all
 * at once (the writes run in the thread pool, side by side, while the caller goes on — the
 * dataset writer formats the CSV meanwhile). Columns, hashes and labels go out as views of the
 * dataset's arrays, and so do the ids (packed in place) and their end offsets.
 */
export async function writeSegment(
  writeAt: (part: Buffer, position: number) => Promise<void>,
  ds: Dataset,
  rowHashes: Uint32Array,
  head: Omit<SegmentHeader, 'rows' | 'features' | 'idBytes' | 'rowHash'>,
): Promise<SegmentHeader> {
  const n = ds.rows;
  // The ids' bytes packed in place (no 10 MB copy on 1,000,000 rows: fresh memory costs a page
  // fault per 4 KiB here); each row's end offset is then the next row's start.
  ds.ids.truncate(n);
  const packed = ds.ids.pack();
  const idBytes = packed.length;
  const ends = idEnds(ds.ids.starts, n, idBytes);

  const levels = ds.features.map((_, j) => (ds.levels?.[j] ? [...ds.levels[j]!] : null));
  const header: SegmentHeader = { ...head, rows: n, features: ds.features, idBytes, rowHash: ROW_HASH_VERSION, levels };
  const parts = [
    encodeSegmentHeader(header),
    ...ds.x.map((col) => Buffer.from(col.buffer, col.byteOffset, n * 8)),
    ...ends,
    Buffer.from(rowHashes.buffer, rowHashes.byteOffset, n * 4),
    Buffer.from(ds.y.buffer, ds.y.byteOffset, n),
    packed,
  ];
  let position = 0;
  const writes = parts.map((part) => {
    const w = writeAt(part, position);
    position += part.length;
    return w;
  });
  await Promise.all(writes);
  return header;
}

/** The id end offsets section (u32 LE, cumulative) of packed ids, in parts: starts[1..n), then the total. */
function idEnds(starts: Uint32Array, n: number, total: number): Buffer[] {
  if (n === 0) return [];
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(total);
  // A view of the starts array where the host is little-endian (the file's order): no copy.
  if (LITTLE_ENDIAN) return [Buffer.from(starts.buffer, starts.byteOffset + 4, (n - 1) * 4), tail];
  const out = Buffer.allocUnsafe((n - 1) * 4);
  for (let k = 1; k < n; k++) out.writeUInt32LE(starts[k], (k - 1) * 4);
  return [out, tail];
}

/**
 * A segment's first bytes: magic, header length, header JSON padded to a multiple of 8. Its
 * length depends on the hash only through the hash's length (always 64 hex digits), so a writer
 * that learns the CSV hash last can write a placeholder first and this over it at the end.
 */
export function encodeSegmentHeader(header: SegmentHeader): Buffer {
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - ((PRELUDE + json.length) % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const lenBuf = Buffer.alloc(4);
  lenBuf.writeUInt32LE(json.length);
  return Buffer.concat([Buffer.from(MAGIC_V3), lenBuf, json]);
}

/** The placeholder hash a segment is written with before the CSV's hash is known (see encodeSegmentHeader). */
export const PENDING_HASH = '0'.repeat(64);

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function parseHeader(buf: Buffer): { magic: string; header: SegmentHeader; bodyStart: number } | undefined {
  if (buf.length < PRELUDE) return undefined;
  const magic = buf.subarray(0, MAGIC_V2.length).toString('latin1');
  if (magic !== MAGIC_V1 && magic !== MAGIC_V2 && magic !== MAGIC_V3) return undefined;
  const hlen = buf.readUInt32LE(MAGIC_V2.length);
  if (PRELUDE + hlen > buf.length) return undefined;
  const header = JSON.parse(buf.subarray(PRELUDE, PRELUDE + hlen).toString('utf8')) as SegmentHeader;
  if (magic === MAGIC_V1) header.prev = null;
  return { magic, header, bodyStart: PRELUDE + hlen };
}

/** Decode a whole segment file; undefined when it is not one, or is cut short or padded. */
export function decodeSegment(file: Buffer): Segment | undefined {
  const parsed = parseHeader(file);
  if (!parsed) return undefined;
  const { magic, header: h, bodyStart } = parsed;
  if (magic === MAGIC_V1) return decodeV1(file, bodyStart, h);
  const at = layoutOf(bodyStart, h);
  if (bodyStart % 8 !== 0 || at.size !== file.length) return undefined;
  const n = h.rows;
  // Views need an 8-byte aligned start; a small file may sit unaligned in Node's buffer pool.
  const buf = file.byteOffset % 8 === 0 ? file : alignedCopy(file);
  const ab = buf.buffer;
  const base = buf.byteOffset;
  const x = h.features.map((_, j) => new Float64Array(ab, base + at.x + j * n * 8, n));
  const ends = new Uint32Array(ab, base + at.ends, n);
  const lens = new Uint32Array(n);
  for (let i = 0, prev = 0; i < n; i++) {
    if (ends[i] < prev) return undefined;
    lens[i] = ends[i] - prev;
    prev = ends[i];
  }
  if (n > 0 && ends[n - 1] !== h.idBytes) return undefined;
  const hashes = new Uint32Array(ab, base + at.hashes, n);
  const y = new Uint8Array(ab, base + at.y, n);
  return { header: h, x, y, lens, idBytes: buf.subarray(at.ids, at.ids + h.idBytes), rowHashes: h.rowHash === ROW_HASH_VERSION ? hashes : null };
}

/** RWDS1: unaligned, no row hashes — columns are copied out. */
function decodeV1(buf: Buffer, off: number, h: SegmentHeader): Segment | undefined {
  const n = h.rows;
  if (off + n * 8 * h.features.length + n + n * 4 + h.idBytes !== buf.length) return undefined;
  const x: Float64Array[] = [];
  for (let j = 0; j < h.features.length; j++) {
    const col = new Float64Array(n);
    Buffer.from(col.buffer).set(buf.subarray(off, off + n * 8));
    x.push(col);
    off += n * 8;
  }
  const y = new Uint8Array(n);
  y.set(buf.subarray(off, off + n));
  off += n;
  const lens = new Uint32Array(n);
  Buffer.from(lens.buffer).set(buf.subarray(off, off + n * 4));
  off += n * 4;
  let idBytes = 0;
  for (let i = 0; i < n; i++) idBytes += lens[i];
  if (idBytes !== h.idBytes) return undefined;
  return { header: h, x, y, lens, idBytes: buf.subarray(off, off + idBytes), rowHashes: null };
}

function alignedCopy(file: Buffer): Buffer {
  const copy = Buffer.from(new ArrayBuffer(file.length));
  file.copy(copy);
  return copy;
}

/** One stored row, read on its own. */
export interface StoredRow {
  x: Float64Array;
  y: number;
  id: Buffer;
}

/**
 * An RWDS2 segment read in place: its header, its row hashes streamed through one small buffer,
 * and single rows by position. An ingest that appends 1,000 rows to a 1,000,000-row dataset
 * touches 4 MB of hashes and a few rows this way, instead of loading (and page-faulting in)
 * 40 MB of columns it does not need.
 */
export class SegmentFile {
  private constructor(
    private readonly fd: number,
    readonly header: SegmentHeader,
    private readonly at: Layout,
    /** The format: 2 (RWDS2, all columns numeric) or 3 (RWDS3, with `levels`). */
    readonly version: 2 | 3,
  ) {}

  /** Per feature, this segment's dictionary (null: numeric column). */
  levelsOf(j: number): readonly string[] | null {
    return this.header.levels?.[j] ?? null;
  }

  /** Undefined when the file is not a complete RWDS2/RWDS3 segment with current row hashes. */
  static open(path: string): SegmentFile | undefined {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.allocUnsafe(64 * 1024);
      let n = readSync(fd, head, 0, head.length, 0);
      let buf = head.subarray(0, n);
      if (n >= PRELUDE) {
        const need = PRELUDE + buf.readUInt32LE(MAGIC_V2.length);
        if (need > n && need < 64 << 20) {
          buf = Buffer.allocUnsafe(need);
          n = readSync(fd, buf, 0, need, 0);
          buf = buf.subarray(0, n);
        }
      }
      const parsed = parseHeader(buf);
      if (!parsed || (parsed.magic !== MAGIC_V2 && parsed.magic !== MAGIC_V3) || parsed.header.rowHash !== ROW_HASH_VERSION) return close(fd);
      const at = layoutOf(parsed.bodyStart, parsed.header);
      if (fstatSync(fd).size !== at.size) return close(fd);
      return new SegmentFile(fd, parsed.header, at, parsed.magic === MAGIC_V3 ? 3 : 2);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  get rows(): number {
    return this.header.rows;
  }

  /** Call `visit` with consecutive slices of the row hashes (`first` = row index of slice[0]). */
  scanHashes(visit: (slice: Uint32Array, first: number) => void): void {
    const chunkRows = 1 << 16;
    const buf = new Uint32Array(chunkRows);
    const bytes = Buffer.from(buf.buffer);
    for (let first = 0; first < this.rows; first += chunkRows) {
      const count = Math.min(chunkRows, this.rows - first);
      this.readAt(bytes, count * 4, this.at.hashes + first * 4);
      visit(buf.subarray(0, count), first);
    }
  }

  readRow(i: number): StoredRow {
    const n = this.rows;
    const nf = this.header.features.length;
    const x = new Float64Array(nf);
    const xb = Buffer.from(x.buffer);
    for (let j = 0; j < nf; j++) this.readAt(xb.subarray(j * 8), 8, this.at.x + (j * n + i) * 8);
    const small = Buffer.allocUnsafe(8);
    this.readAt(small, 1, this.at.y + i);
    const y = small[0];
    let start = 0;
    if (i > 0) {
      this.readAt(small, 8, this.at.ends + (i - 1) * 4);
      start = small.readUInt32LE(0);
    } else {
      this.readAt(small, 4, this.at.ends);
    }
    const end = small.readUInt32LE(i > 0 ? 4 : 0);
    const id = Buffer.allocUnsafe(end - start);
    this.readAt(id, end - start, this.at.ids + start);
    return { x, y, id };
  }

  /**
   * Read this segment's feature columns (all, or those `cols` names) and labels straight into `x`/`y` from row `at` on: no
   * intermediate buffer, so a full load touches each byte of memory once (first touches of
   * fresh memory are what loading costs on a VM: ~3 ms per MB measured here).
   */
  readColumnsInto(x: Float64Array[], y: Uint8Array, at: number, cols?: readonly number[]): void {
    const n = this.rows;
    // `cols[j]`: which of this segment's columns goes to x[j] (a reader may want some of them; -1: none, left as is).
    x.forEach((col, j) => {
      const c = cols ? cols[j] : j;
      if (c >= 0) this.readAt(Buffer.from(col.buffer, col.byteOffset + at * 8, n * 8), n * 8, this.at.x + c * n * 8);
    });
    this.readAt(Buffer.from(y.buffer, y.byteOffset + at, n), n, this.at.y);
  }

  /**
   * Read this segment's ids into an id column's arrays from row `rowAt` and byte `byteAt` on
   * (the end offsets are read into `starts` and turned into starts and lengths in place).
   */
  readIdsInto(starts: Uint32Array, lens: Uint32Array, bytes: Buffer, rowAt: number, byteAt: number): void {
    const n = this.rows;
    this.readAt(Buffer.from(starts.buffer, starts.byteOffset + rowAt * 4, n * 4), n * 4, this.at.ends);
    // Backwards, so each end is still there when the next row needs it as its start.
    for (let i = n - 1; i >= 0; i--) {
      const end = starts[rowAt + i];
      const start = i > 0 ? starts[rowAt + i - 1] : 0;
      if (end < start || end > this.header.idBytes) throw new Error('segment id offsets out of order');
      lens[rowAt + i] = end - start;
      starts[rowAt + i] = byteAt + start;
    }
    this.readAt(bytes.subarray(byteAt), this.header.idBytes, this.at.ids);
  }

  close(): void {
    closeSync(this.fd);
  }

  private readAt(buf: Buffer, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) throw new Error(`segment file ended early at byte ${position + done}`);
      done += n;
    }
  }
}

function close(fd: number): undefined {
  closeSync(fd);
  return undefined;
}
