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

function formatValue(v: number): string {
  return v !== v ? '' : String(v);
}

export interface DatasetColumns {
  id: string;
  target: string;
}

/** Write `ds` as finaldata.csv + finaldata.bin into `dir`; returns the dataset hash. */
export async function writeDataset(dir: string, ds: Dataset, cols: DatasetColumns): Promise<{ hash: string; csvPath: string; binPath: string }> {
  const csvPath = join(dir, DATASET_CSV);
  const binPath = join(dir, DATASET_BIN);
  const csv = await AtomicFileWriter.open(csvPath);
  const hash = createHash('sha256');
  const bin = await AtomicFileWriter.open(binPath);
  try {
    const put = async (s: string) => {
      const b = Buffer.from(s, 'utf8');
      hash.update(b);
      await csv.write(b);
    };
    await put([cols.id, ...ds.features, cols.target].map(csvField).join(',') + '\n');
    const nf = ds.features.length;
    const BATCH = 8192;
    const lines: string[] = [];
    for (let start = 0; start < ds.rows; start += BATCH) {
      const end = Math.min(ds.rows, start + BATCH);
      lines.length = 0;
      for (let i = start; i < end; i++) {
        let line = csvField(ds.ids[i]);
        for (let j = 0; j < nf; j++) line += ',' + formatValue(ds.x[j][i]);
        line += ',' + (ds.y[i] === NO_LABEL ? '' : ds.y[i]);
        lines.push(line);
      }
      await put(lines.join('\n') + '\n');
    }
    const digest = hash.digest('hex');

    // Binary form: magic, header length, JSON header, then columns.
    const idBufs = ds.ids.slice(0, ds.rows).map((s) => Buffer.from(s, 'utf8'));
    const idLens = new Uint32Array(ds.rows);
    let idBytes = 0;
    idBufs.forEach((b, i) => {
      idLens[i] = b.length;
      idBytes += b.length;
    });
    const header = Buffer.from(JSON.stringify({ hash: digest, rows: ds.rows, features: ds.features, id: cols.id, target: cols.target, idBytes }), 'utf8');
    const lenBuf = Buffer.alloc(4);
    lenBuf.writeUInt32LE(header.length);
    await bin.write(Buffer.concat([Buffer.from(MAGIC), lenBuf, header]));
    for (const col of ds.x) await bin.write(Buffer.from(col.buffer, col.byteOffset, ds.rows * 8));
    await bin.write(Buffer.from(ds.y.buffer, ds.y.byteOffset, ds.rows));
    await bin.write(Buffer.from(idLens.buffer, idLens.byteOffset, ds.rows * 4));
    await bin.write(Buffer.concat(idBufs, idBytes));

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
export async function readDataset(dir: string, schema: TableSchema): Promise<LoadedDataset | undefined> {
  const csvPath = join(dir, DATASET_CSV);
  const binPath = join(dir, DATASET_BIN);
  if (!existsSync(csvPath)) return undefined;
  const csvHash = await sha256File(csvPath);
  if (existsSync(binPath)) {
    const loaded = readBin(binPath);
    if (loaded && loaded.hash === csvHash && sameList(loaded.dataset.features, schema.features)) return { ...loaded, source: 'bin' };
  }
  const b = new DatasetBuilder(schema.features);
  await readDataFile(csvPath, schema, b, null);
  return { dataset: b.build(), hash: csvHash, source: 'csv' };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function readBin(path: string): { dataset: Dataset; hash: string } | undefined {
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
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    ids[i] = buf.utf8Slice(off, off + lens[i]);
    off += lens[i];
  }
  if (off !== buf.length) return undefined;
  return { dataset: { features: h.features, rows: n, ids, x, y }, hash: h.hash };
}

export async function sha256File(path: string): Promise<string> {
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
