import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from '../util/atomic.js';
import { DatasetBuilder, NO_LABEL, type Dataset } from './dataset.js';
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
  constructor(
    private readonly sink: AtomicFileWriter,
    private readonly hash: ReturnType<typeof createHash> | null,
    private readonly size = 4 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Make sure `n` more bytes fit. */
  async room(n: number): Promise<void> {
    if (this.off + n <= this.buf.length) return;
    await this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }
  async flush(): Promise<void> {
    if (this.off === 0) return;
    const part = this.buf.subarray(0, this.off);
    this.hash?.update(part);
    await this.sink.write(part); // written through before the buffer is reused
    this.off = 0;
  }
  str(s: string): void {
    this.off += this.buf.utf8Write(s, this.off);
  }
  byte(b: number): void {
    this.buf[this.off++] = b;
  }
  /** A non-negative integer below 2^53 in decimal, without a string. */
  uint(v: number): void {
    if (v < 10) {
      this.buf[this.off++] = 48 + v;
      return;
    }
    let digits = 0;
    for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
    let at = this.off + digits;
    this.off = at;
    while (v >= 1) {
      const q = Math.floor(v / 10);
      this.buf[--at] = 48 + (v - q * 10);
      v = q;
    }
  }
}

const COMMA = 44;
const LF = 10;

/** Write `ds` as finaldata.csv + finaldata.bin into `dir`; returns the dataset hash. */
export async function writeDataset(dir: string, ds: Dataset, cols: DatasetColumns): Promise<{ hash: string; csvPath: string; binPath: string }> {
  const csvPath = join(dir, DATASET_CSV);
  const binPath = join(dir, DATASET_BIN);
  const csv = await AtomicFileWriter.open(csvPath);
  const bin = await AtomicFileWriter.open(binPath);
  try {
    const hash = createHash('sha256');
    const out = new BufferedOut(csv, hash);
    // Id bytes for the .bin go to a second buffer in the same pass.
    const idLens = new Uint32Array(ds.rows);
    const idChunks: Buffer[] = [];
    let idBuf = Buffer.allocUnsafe(4 << 20);
    let idOff = 0;
    let idBytes = 0;

    const header = [cols.id, ...ds.features, cols.target].map(csvField).join(',') + '\n';
    await out.room(Buffer.byteLength(header));
    out.str(header);
    const nf = ds.features.length;
    for (let i = 0; i < ds.rows; i++) {
      const id = ds.ids[i];
      const maxIdBytes = id.length * 3;
      // Only await when the buffer is full: an await per row costs more than the row itself.
      const need = 2 * maxIdBytes + 2 + nf * 26 + 8;
      if (out.off + need > out.buf.length) await out.room(need);
      if (idOff + maxIdBytes > idBuf.length) {
        idChunks.push(idBuf.subarray(0, idOff));
        idBuf = Buffer.allocUnsafe(Math.max(4 << 20, maxIdBytes));
        idOff = 0;
      }
      const idLen = idBuf.utf8Write(id, idOff);
      idLens[i] = idLen;
      idBytes += idLen;
      // Copy the id's bytes by hand (ids are short; Buffer.copy's call costs more), watching
      // for a byte that needs quoting; such ids (rare) are written again, quoted.
      const o = out.buf;
      let plain = idLen > 0 && idBuf[idOff] !== 32 && idBuf[idOff + idLen - 1] !== 32;
      for (let k = 0; k < idLen; k++) {
        const c = idBuf[idOff + k];
        if (c === 44 || c === 34 || c === 10 || c === 13 || c === 9) plain = false;
        o[out.off + k] = c;
      }
      if (plain || idLen === 0) out.off += idLen;
      else out.str(csvField(id));
      idOff += idLen;
      for (let j = 0; j < nf; j++) {
        out.byte(COMMA);
        const v = ds.x[j][i];
        if (v !== v) continue;
        if (Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER) out.uint(v);
        else out.str(String(v));
      }
      out.byte(COMMA);
      if (ds.y[i] !== NO_LABEL) out.byte(48 + ds.y[i]);
      out.byte(LF);
    }
    await out.flush();
    idChunks.push(idBuf.subarray(0, idOff));
    const digest = hash.digest('hex');

    // Binary form: magic, header length, JSON header, then columns, labels, id lengths, id bytes.
    const head = Buffer.from(JSON.stringify({ hash: digest, rows: ds.rows, features: ds.features, id: cols.id, target: cols.target, idBytes }), 'utf8');
    const lenBuf = Buffer.alloc(4);
    lenBuf.writeUInt32LE(head.length);
    await bin.write(Buffer.concat([Buffer.from(MAGIC), lenBuf, head]));
    for (const col of ds.x) await bin.write(Buffer.from(col.buffer, col.byteOffset, ds.rows * 8));
    await bin.write(Buffer.from(ds.y.buffer, ds.y.byteOffset, ds.rows));
    await bin.write(Buffer.from(idLens.buffer, idLens.byteOffset, ds.rows * 4));
    for (const c of idChunks) await bin.write(c);

    // The .bin first: the .csv's rename is the commit point (see the note at the top).
    await bin.commit();
    await csv.commit();
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
  await readDataFile(csvPath, schema, b, null);
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
  const ids: string[] = withIds ? new Array<string>(n) : [];
  if (withIds) {
    for (let i = 0; i < n; i++) {
      ids[i] = buf.utf8Slice(off, off + lens[i]);
      off += lens[i];
    }
  }
  return { dataset: { features: h.features, rows: n, ids, x, y }, hash: h.hash };
}

export async function sha256File(path: string): Promise<string> {
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
