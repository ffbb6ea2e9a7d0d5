import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { SegmentFile, decodeSegment } from './dataset-bin.js';
import { IdColumn } from './id-column.js';
import { readDataFile } from './read-data-file.js';
import { DEFAULT_LABELS } from './csv/labels.js';
import { openRegularSync } from './open-regular.js';
import { codedFeatures, type TableSchema } from './columns.js';
import { Levels, recode } from './kinds/levels.js';
import { parseCsv } from './csv/parser.js';
import { DATASET_BIN, DATASET_CSV } from './dataset-layout.js';
import { hashFileAside } from './hash-aside.js';

/** Reading the combined dataset back (train, drift, reports): the .bin chain when it matches finaldata.csv, else the CSV. See dataset-files.ts. */

export interface LoadedDataset {
  dataset: Dataset;
  hash: string;
  source: 'bin' | 'csv';
}

/**
 * Read the .bin chain when it matches finaldata.csv; else re-read the CSV. Undefined if neither.
 * `shared`: the columns read from the .bin are allocated in shared memory (SharedArrayBuffer), for
 * a worker thread to read without a copy (training's reference thread); the CSV is then hashed on
 * a thread of its own while the .bin is read (hash-aside.ts).
 * `schema.features` may be some of the stored columns (the dataset also keeps value_column). A
 * column named in `optional` that the dataset does not hold (value_column set after the dataset
 * was written) is read as all missing instead of failing.
 */
export async function readDataset(dir: string, schema: TableSchema, opts: { ids?: boolean; optional?: readonly string[]; shared?: boolean } = {}): Promise<LoadedDataset | undefined> {
  const csvPath = join(dir, DATASET_CSV);
  if (!existsSync(csvPath)) return undefined;
  const withIds = opts.ids !== false;
  const optional = new Set(opts.optional ?? []);
  const chainOf = (hash: string | undefined) => {
    try {
      return readChain(dir, hash, schema.features, withIds, codedFeatures(schema), optional, opts.shared === true);
    } catch {
      return undefined; // damaged or cut short: the CSV is the source of truth
    }
  };
  let csvHash: string;
  let dataset: Dataset | undefined;
  const aside = opts.shared ? hashFileAside(csvPath).catch(() => undefined) : undefined;
  if (aside) {
    // The CSV hashed on another thread while the chain is read up to its last segment; kept when
    // that segment is the CSV's (as always but after a crash between renames), else read again
    // up to the hash.
    const read = chainOf(undefined);
    csvHash = (await aside) ?? hashFileState(csvPath).state.digest('hex');
    dataset = read && read.hash === csvHash ? read.dataset : chainOf(csvHash)?.dataset;
  } else {
    csvHash = hashFileState(csvPath).state.digest('hex');
    dataset = chainOf(csvHash)?.dataset;
  }
  if (dataset) return { dataset, hash: csvHash, source: 'bin' };
  const header = optional.size ? csvHeader(csvPath) : [];
  const absent = schema.features.filter((f) => optional.has(f) && !header.includes(f));
  const present = schema.features.filter((f) => !absent.includes(f));
  const b = new DatasetBuilder(present);
  // finaldata.csv is riskwatch's own file: UTF-8, labels 1 / 0, whatever the input files are.
  await readDataFile(csvPath, { ...schema, features: present, labels: DEFAULT_LABELS, encoding: 'utf-8' }, b);
  const read = b.build();
  if (!absent.length) return { dataset: read, hash: csvHash, source: 'csv' };
  const x = schema.features.map((f) => (absent.includes(f) ? new Float64Array(read.rows).fill(Number.NaN) : read.x[present.indexOf(f)]));
  const levels = schema.features.map((f) => (absent.includes(f) ? null : (read.levels?.[present.indexOf(f)] ?? null)));
  return { dataset: { ...read, features: schema.features, x, levels }, hash: csvHash, source: 'csv' };
}

/** finaldata.csv's column names (its first line; riskwatch writes it, so a plain CSV line). */
function csvHeader(path: string): string[] {
  const { fd } = openRegularSync(path);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const end = text.indexOf('\n');
    return (parseCsv(end < 0 ? text : text.slice(0, end))[0]?.fields ?? []).map((f) => f.trim());
  } finally {
    closeSync(fd);
  }
}

/**
 * The rows of the base .bin and the segments after it, up to the one whose hash is the CSV's
 * (`csvHash` undefined: up to the last segment there is, the caller checking the hash it
 * returns); undefined if the chain breaks or holds other features. RWDS2 segments are read column
 * by column straight into the joined arrays; an RWDS1 base (older versions) is decoded whole.
 */
function readChain(dir: string, csvHash: string | undefined, features: string[], withIds: boolean, coded: boolean[], optional: ReadonlySet<string> = new Set(), shared = false): { hash: string | null; dataset: Dataset } | undefined {
  const basePath = join(dir, DATASET_BIN);
  if (!existsSync(basePath)) return undefined;
  const base = SegmentFile.open(basePath);
  if (!base) {
    const old = decodeSegment(readFileSync(basePath));
    if (!old || old.header.prev !== null || (csvHash !== undefined && old.header.hash !== csvHash) || !sameList(old.header.features, features) || coded.some(Boolean)) return undefined;
    return { hash: old.header.hash, dataset: { features, rows: old.header.rows, ids: withIds ? IdColumn.fromLengths(old.lens, old.idBytes) : new IdColumn(0), x: old.x, y: old.y } };
  }
  const chain: SegmentFile[] = [base];
  // Which stored column each wanted feature is (the chain may hold more: value_column); -1 an
  // optional column the dataset does not have, read as missing.
  const stored = base.header.features;
  const cols = features.map((f) => stored.indexOf(f));
  if (cols.some((c, j) => c < 0 && !optional.has(features[j]))) return undefined;
  const storedCoded = stored.map((_, c) => { const j = cols.indexOf(c); return j >= 0 && coded[j]; });
  try {
    let at: string | null = null;
    for (let seg: SegmentFile | undefined = base; ; ) {
      if (seg.header.prev !== at || !sameList(seg.header.features, stored) || !sameCoding(seg.header.levels, storedCoded, cols)) return undefined;
      at = seg.header.hash;
      if (at === csvHash) break;
      const path = join(dir, `${DATASET_BIN}.${chain.length}`);
      if (csvHash === undefined && !existsSync(path)) break;
      seg = existsSync(path) ? SegmentFile.open(path) : undefined;
      if (!seg) return undefined;
      chain.push(seg);
    }
    const rows = chain.reduce((n, s) => n + s.rows, 0);
    // `shared`: the columns and labels in shared memory, which another thread then reads as they are.
    const column = () => (shared ? new Float64Array(new SharedArrayBuffer(rows * 8)) : new Float64Array(rows));
    const x = features.map((_, j) => (cols[j] < 0 ? column().fill(Number.NaN) : column()));
    const y = shared ? new Uint8Array(new SharedArrayBuffer(rows)) : new Uint8Array(rows);
    // One dictionary per category column for the whole chain; each segment's codes recoded into it.
    const levels = features.map((_, j) => (coded[j] ? new Levels() : null));
    let row = 0;
    for (const seg of chain) {
      seg.readColumnsInto(x, y, row, cols);
      levels.forEach((into, j) => {
        if (!into) return;
        const map = recode(seg.levelsOf(cols[j]) ?? [], into);
        const col = x[j];
        for (let r = row; r < row + seg.rows; r++) {
          const v = col[r];
          if (v === v) col[r] = map[v];
        }
      });
      row += seg.rows;
    }
    let ids = new IdColumn(0);
    if (withIds) {
      const starts = new Uint32Array(rows);
      const lens = new Uint32Array(rows);
      const bytes = Buffer.allocUnsafe(chain.reduce((n, s) => n + s.header.idBytes, 0));
      let r = 0;
      let b = 0;
      for (const seg of chain) {
        seg.readIdsInto(starts, lens, bytes, r, b);
        r += seg.rows;
        b += seg.header.idBytes;
      }
      ids = IdColumn.fromParts(starts, lens, bytes);
    }
    return { hash: at, dataset: { features, rows, ids, x, y, levels: levels.map((l) => (l ? l.texts : null)) } };
  } finally {
    chain.forEach((s) => s.close());
  }
}


/**
 * A segment's columns are coded as the schema's now: categories where `coded`, numeric elsewhere
 * (absent levels: all numeric). With `wanted` (the stored columns a reader reads), only those are
 * compared: a column nobody reads may be coded any way.
 */
export function sameCoding(levels: (string[] | null)[] | undefined, coded: boolean[], wanted?: readonly number[]): boolean {
  return coded.every((c, j) => (wanted && !wanted.includes(j)) || c === Boolean(levels?.[j]));
}

export function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * sha256 of a file, left open (not digested) so a writer can continue it; and the bytes hashed.
 * Synchronous reads into one reused buffer: the file is usually in the page cache, and fresh
 * buffers per chunk cost more in page faults than the reads.
 */
export function hashFileState(path: string): { state: Hash; bytes: number } {
  const state = createHash('sha256');
  const { fd } = openRegularSync(path); // a FIFO would block this thread for good
  let bytes = 0;
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      state.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { state, bytes };
}

export async function sha256File(path: string): Promise<string> {
  return hashFileState(path).state.digest('hex');
}
