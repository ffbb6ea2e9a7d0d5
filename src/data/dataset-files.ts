import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from '../util/atomic.js';
import { DatasetBuilder, NO_LABEL, type Dataset } from './dataset.js';
import { IdColumn } from './id-column.js';
import { readDataFile } from './read-data-file.js';
import type { TableSchema } from './columns.js';

/**
 * The combined dataset on disk, in two forms written from the same rows:
 * - finaldata.csv — the seed's name and format, for people and other tools; its sha256 is the
 *   dataset's identity (the "dataset hash");
 * - finaldata.bin — the same columns as raw little-endian arrays, so train/drift load 1,000,000
 *   rows in milliseconds instead of re-parsing text.
 * Both are written to temp files first; the .bin is renamed before the .csv, and each carries the
 * hash, so a crash between the two renames is detected (the hashes differ) and the CSV wins.
 */
export const DATASET_CSV = 'finaldata.csv';
export const DATASET_BIN = 'finaldata.bin';
const MAGIC = 'RWDS1\n';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** RFC 4180 quoting, only where needed. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export interface DatasetColumns {
  id: string;
  target: string;
}

/**
 * Fills large buffers by hand and flushes them to an AtomicFileWriter: the dataset writer's hot
 * path, which would otherwise build millions of short-lived strings (one per line).
 */
class BufferedOut {
  buf: Buffer;
  off = 0;
  /** The previous buffer, being written while this one fills (double buffering hides the I/O). */
  private inflight: Promise<void> | null = null;
  private inflightBuf: Buffer | null = null;
  constructor(
    private readonly sink: AtomicFileWriter,
    private readonly hash: ReturnType<typeof createHash> | null,
    // Two of these, reused in turn; 2 MiB keeps every flush at or over AtomicFileWriter's 1 MiB
    // write-through size (smaller parts are copied there) while touching less fresh memory.
    private readonly size = 2 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Make sure `n` more bytes fit. */
  async room(n: number): Promise<void> {
    if (this.off + n <= this.buf.length) return;
    await this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }
  /** Hand the filled part to the writer and continue in the other buffer. */
  async flush(): Promise<void> {
    if (this.off === 0) return;
    const part = this.buf.subarray(0, this.off);
    this.hash?.update(part);
    await this.drain();
    const free = this.inflightBuf;
    this.inflightBuf = this.buf;
    this.inflight = this.sink.write(part);
    // Mark it handled now; the error still surfaces at the next drain(), which awaits it.
    this.inflight.catch(() => {});
    this.buf = free && free.length >= this.size ? free : Buffer.allocUnsafe(this.size);
    this.off = 0;
  }
  /** Wait for the write in flight (before commit). */
  async drain(): Promise<void> {
    if (this.inflight) await this.inflight;
    this.inflight = null;
  }
  str(s: string): void {
    this.off += this.buf.utf8Write(s, this.off);
  }
}

const COMMA = 44;
const LF = 10;

/**
 * Format rows from `start` into `out` until its buffer is nearly full; returns the next row.
 * Synchronous with everything in locals: this loop runs once per row of the dataset. Ids are
 * copied as bytes from the id column; an id that needs quoting (rare) is written as a string.
 */
function formatRows(ds: Dataset, start: number, out: BufferedOut): number {
  const o = out.buf;
  const limit = o.length;
  let off = out.off;
  const nf = ds.features.length;
  const x = ds.x;
  const y = ds.y;
  const ids = ds.ids;
  let i = start;
  for (; i < ds.rows; i++) {
    if (off + 2 * ids.lens[i] + 16 + nf * 26 > limit) break;
    off = ids.writeCsvField(i, o, off);
    for (let j = 0; j < nf; j++) {
      o[off++] = COMMA;
      const v = x[j][i];
      if (v !== v) continue;
      if (v >= 0 && v < 2147483648 && (v | 0) === v) {
        // Non-negative int32: digits by multiply-shift arithmetic, no string.
        let n = v | 0;
        const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
        let at = off + digits;
        off = at;
        do {
          const q = (n / 10) | 0;
          o[--at] = 48 + n - q * 10;
          n = q;
        } while (n > 0);
      } else {
        off += o.utf8Write(String(v), off);
      }
    }
    o[off++] = COMMA;
    if (y[i] !== NO_LABEL) o[off++] = 48 + y[i];
    o[off++] = LF;
  }
  out.off = off;
  return i;
}

/** Write `ds` as finaldata.csv + finaldata.bin into `dir`; returns the dataset hash. */
export async function writeDataset(dir: string, ds: Dataset, cols: DatasetColumns): Promise<{ hash: string; csvPath: string; binPath: string }> {
  const csvPath = join(dir, DATASET_CSV);
  const binPath = join(dir, DATASET_BIN);
  const csv = await AtomicFileWriter.open(csvPath);
  const bin = await AtomicFileWriter.open(binPath);
  try {
    const hash = createHash('sha256');
    const out = new BufferedOut(csv, hash);
    const header = [cols.id, ...ds.features, cols.target].map(csvField).join(',') + '\n';
    await out.room(Buffer.byteLength(header));
    out.str(header);
    for (let i = 0; i < ds.rows; ) {
      i = formatRows(ds, i, out);
      // The buffer is full (or one row is larger than it): flush, growing it if needed.
      if (i < ds.rows) await out.room(ds.ids.lens[i] * 6 + 16 + ds.features.length * 26);
    }
    await out.flush();
    await out.drain();
    const digest = hash.digest('hex');

    // Binary form: magic, header length, JSON header, then columns, labels, id lengths, id bytes
    // (row order, compacted: the id column's buffer may hold bytes of dropped rows).
    const ids = ds.ids;
    let idBytes = 0;
    for (let i = 0; i < ds.rows; i++) idBytes += ids.lens[i];
    const head = Buffer.from(JSON.stringify({ hash: digest, rows: ds.rows, features: ds.features, id: cols.id, target: cols.target, idBytes }), 'utf8');
    const lenBuf = Buffer.alloc(4);
    lenBuf.writeUInt32LE(head.length);
    await bin.write(Buffer.concat([Buffer.from(MAGIC), lenBuf, head]));
    for (const col of ds.x) await bin.write(Buffer.from(col.buffer, col.byteOffset, ds.rows * 8));
    await bin.write(Buffer.from(ds.y.buffer, ds.y.byteOffset, ds.rows));
    await bin.write(Buffer.from(ids.lens.buffer, ids.lens.byteOffset, ds.rows * 4));
    // Packed through the CSV writer's buffer, free again now: a buffer of its own (12 MB on
    // 1,000,000 rows) cost a page fault per 4 KiB, more than the copying.
    const packed = out.buf;
    let at = 0;
    for (let i = 0; i < ds.rows; i++) {
      const s = ids.starts[i];
      const n = ids.lens[i];
      if (at + n > packed.length) {
        await bin.write(packed.subarray(0, at)); // usually ≥ 1 MiB: written through, not copied
        at = 0;
        if (n > packed.length) {
          await bin.write(ids.bytes.subarray(s, s + n));
          continue;
        }
      }
      if (n < 32) for (let k = 0; k < n; k++) packed[at + k] = ids.bytes[s + k];
      else ids.bytes.copy(packed, at, s, s + n);
      at += n;
    }
    if (at > 0) await bin.write(packed.subarray(0, at));

    // The .bin first: the .csv's rename is the commit point (see the note at the top).
    await Promise.all([bin.sync(), csv.sync()]);
    await bin.publish();
    await csv.publish();
    return { hash: digest, csvPath, binPath };
  } catch (err) {
    await csv.abort();
    await bin.abort();
    throw err;
  }
}

export interface LoadedDataset {
  dataset: Dataset;
  hash: string;
  source: 'bin' | 'csv';
}

/** Read finaldata.bin when it matches finaldata.csv; else re-read the CSV. Undefined if neither. */
export async function readDataset(dir: string, schema: TableSchema, opts: { ids?: boolean } = {}): Promise<LoadedDataset | undefined> {
  const csvPath = join(dir, DATASET_CSV);
  const binPath = join(dir, DATASET_BIN);
  if (!existsSync(csvPath)) return undefined;
  const csvHash = await sha256File(csvPath);
  if (existsSync(binPath)) {
    let loaded: ReturnType<typeof readBin>;
    try {
      loaded = readBin(binPath, opts.ids !== false);
    } catch {
      loaded = undefined; // damaged or cut short: the CSV is the source of truth
    }
    if (loaded && loaded.hash === csvHash && sameList(loaded.dataset.features, schema.features)) return { ...loaded, source: 'bin' };
  }
  const b = new DatasetBuilder(schema.features);
  await readDataFile(csvPath, schema, b);
  return { dataset: b.build(), hash: csvHash, source: 'csv' };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** `withIds: false` leaves `ids` empty: training never looks at them, and decoding 1M strings costs. */
function readBin(path: string, withIds: boolean): { dataset: Dataset; hash: string } | undefined {
  const buf = readFileSync(path);
  if (buf.subarray(0, MAGIC.length).toString() !== MAGIC) return undefined;
  const hlen = buf.readUInt32LE(MAGIC.length);
  let off = MAGIC.length + 4;
  const h = JSON.parse(buf.subarray(off, off + hlen).toString('utf8')) as { hash: string; rows: number; features: string[]; idBytes: number };
  off += hlen;
  const n = h.rows;
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
  if (off + idBytes !== buf.length) return undefined;
  const ids = withIds ? IdColumn.fromLengths(lens, buf.subarray(off, off + idBytes)) : new IdColumn(0);
  return { dataset: { features: h.features, rows: n, ids, x, y }, hash: h.hash };
}

export async function sha256File(path: string): Promise<string> {
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
