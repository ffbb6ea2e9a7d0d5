import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, readFileSync, readSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from '../util/atomic.js';
import { csvField } from './csv-field.js';
import { DatasetBuilder, countMissing, type Dataset } from './dataset.js';
import { formatRowsInto, maxRowBytes, type FormattedRows } from './csv-rows.js';
import { PENDING_HASH, SegmentFile, decodeSegment, encodeSegmentHeader, writeSegment } from './dataset-bin.js';
import { hashRows } from './row-hash.js';
import { IdColumn } from './id-column.js';
import { readDataFile } from './read-data-file.js';
import { DEFAULT_LABELS } from './csv/labels.js';
import { openRegularSync } from './open-regular.js';
import { codedFeatures, type TableSchema } from './columns.js';
import { Levels, recode } from './kinds/levels.js';
import { parseCsv } from './csv/parser.js';

/**
 * The combined dataset on disk, in two forms written from the same rows:
 * - finaldata.csv — the seed's name and format, for people and other tools; its sha256 is the
 *   dataset's identity (the "dataset hash");
 * - finaldata.bin (+ append segments finaldata.bin.1, .2, …) — the same columns as raw arrays with
 *   each row's hash (see dataset-bin.ts), so train/drift load 1,000,000 rows in milliseconds and
 *   an ingest checks new rows for duplicates without re-hashing the old ones.
 * Two ways to write:
 * - writeDataset: both forms from scratch (first ingest, recovery, compaction);
 * - appendDataset: new rows only — the CSV is copied to a temp file in the kernel, the rows are
 *   appended, and the hash continues from the state left by reading it; the rows go to a new
 *   .bin segment. An ingest of 1,000 rows on a 1,000,000-row dataset then costs a file copy
 *   instead of re-formatting a million rows.
 * In both, everything goes to temp files first and is fsynced; the .bin parts are renamed before
 * the .csv, whose rename is the commit point. Each .bin part carries the CSV hash it belongs to,
 * so a crash between renames is detected (the chain does not reach the CSV's hash) and the CSV
 * wins.
 */
import { DATASET_CSV } from './dataset-layout.js';
export { DATASET_CSV };
export const DATASET_BIN = 'finaldata.bin';
/** Append segments after which the next ingest rewrites the dataset in one .bin (compaction). */
export const MAX_SEGMENTS = 16;

/** Re-exported: callers have long imported it from here. */
export { csvField };

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
  /** Start the writer's syncSoon once the write in flight is done (what was handed over so far goes to disk). */
  syncSoon(): void {
    this.sink.syncSoon();
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

/** Format rows from `start` into `out` until its buffer is nearly full; returns the next row. */
function formatRows(ds: Dataset, start: number, out: BufferedOut): number {
  const r = formatRowsInto(ds, start, ds.rows, out.buf, out.off);
  out.off = r.off;
  return r.row;
}

/** Write `ds` as finaldata.csv + finaldata.bin into `dir` (from scratch); returns the dataset hash. */
export async function writeDataset(dir: string, ds: Dataset, cols: DatasetColumns, rowHashes?: Uint32Array, pre?: Preformatted, missing?: Record<string, number>): Promise<{ hash: string; csvPath: string; binPath: string }> {
  const csvPath = join(dir, DATASET_CSV);
  const binPath = join(dir, DATASET_BIN);
  const hashes = rowHashes ?? hashRows(ds);
  const csv = await AtomicFileWriter.open(csvPath);
  const bin = await AtomicFileWriter.open(binPath);
  try {
    const hash = createHash('sha256');
    const out = new BufferedOut(csv, hash);
    const header = [cols.id, ...ds.features, cols.target].map(csvField).join(',') + '\n';
    await out.room(Buffer.byteLength(header));
    out.str(header);
    const head = { hash: PENDING_HASH, prev: null, id: cols.id, target: cols.target, missing: missing ?? countMissing(ds) };
    const digest = await writeBoth(out, hash, writeRows(ds, out, pre), bin, ds, hashes, head);

    // The .bin first: the .csv's rename is the commit point (see the note at the top).
    await Promise.all([bin.sync(), csv.sync()]);
    await bin.publish();
    await csv.publish();
    removeSegments(dir, 1);
    return { hash: digest, csvPath, binPath };
  } catch (err) {
    await csv.abort();
    await bin.abort();
    throw err;
  }
}

/**
 * The .bin segment written while the CSV rows are (`csvRows`, already started): the segment's
 * writes go to the thread pool while this thread formats CSV lines, instead of one after the
 * other. Its header names the CSV's hash, known only at the end: it is written with a
 * placeholder of the same length and filled in once the CSV is done. Returns the CSV's hash.
 */
async function writeBoth(
  out: BufferedOut,
  hash: Hash,
  csvRows: Promise<void>,
  bin: AtomicFileWriter,
  ds: Dataset,
  rowHashes: Uint32Array,
  head: Parameters<typeof writeSegment>[3],
): Promise<string> {
  const segment = writeSegment((part, position) => bin.writeAt(part, position), ds, rowHashes, head).then((h) => {
    // Its sections are written: to disk with them while the CSV is still being formatted; the
    // commit's fsync then has only the header left.
    bin.syncSoon();
    return h;
  });
  segment.catch(() => {}); // awaited below; never an unhandled rejection if the CSV fails first
  await csvRows;
  const digest = hash.digest('hex');
  const written = await segment;
  const final = encodeSegmentHeader({ ...written, hash: digest });
  if (final.length !== encodeSegmentHeader(written).length) throw new Error('segment header changed length'); // cannot happen: same-length hash
  await bin.writeAt(final, 0);
  return digest;
}

/**
 * Lines already formatted (FormattedRows, see csv-rows.ts) for the rows of a dataset before its
 * duplicates were dropped: `parts` cover those rows in order, `dropped` marks the ones not kept.
 */
export interface Preformatted {
  parts: FormattedRows[];
  dropped: Uint8Array;
}

/** Format every row of `ds` into `out` (or copy their preformatted lines), flushing as the buffer fills. */
async function writeRows(ds: Dataset, out: BufferedOut, pre?: Preformatted): Promise<void> {
  if (pre && keptRows(pre) === ds.rows) return copyLines(pre, out);
  let synced = false;
  for (let i = 0; i < ds.rows; ) {
    i = formatRows(ds, i, out);
    if (!synced && i >= ds.rows / 2 && ds.rows >= 100_000) {
      // Half-way through a large file: its first half to disk now, beside the formatting of the
      // second, so the commit's fsync has half as much left.
      synced = true;
      out.syncSoon();
    }
    // The buffer is full (or one row is larger than it): flush, growing it if needed.
    if (i < ds.rows) await out.room(maxRowBytes(ds, i) + ds.ids.lens[i] * 4);
  }
  await out.flush();
  await out.drain();
}

function keptRows(pre: Preformatted): number {
  let n = 0;
  for (const p of pre.parts) n += p.ends.length;
  if (n !== pre.dropped.length) return -1;
  let kept = n;
  for (let i = 0; i < n; i++) kept -= pre.dropped[i];
  return kept;
}

/** The kept rows' lines, copied a run of consecutive kept rows at a time. */
async function copyLines(pre: Preformatted, out: BufferedOut): Promise<void> {
  let r = 0;
  for (const { bytes, ends } of pre.parts) {
    const rows = ends.length;
    for (let k = 0; k < rows; ) {
      if (pre.dropped[r + k]) {
        k++;
        continue;
      }
      let from = k === 0 ? 0 : ends[k - 1];
      let e = k + 1;
      while (e < rows && !pre.dropped[r + e]) e++;
      const to = ends[e - 1];
      while (from < to) {
        if (out.off === out.buf.length) await out.flush();
        const n = Math.min(to - from, out.buf.length - out.off);
        bytes.copy(out.buf, out.off, from, from + n);
        out.off += n;
        from += n;
      }
      k = e;
    }
    r += rows;
  }
  await out.flush();
  await out.drain();
}

/**
 * The dataset on disk as an ingest sees it before appending: finaldata.csv hashed (with the hash
 * state kept, to continue), and — when its .bin chain is intact, current and holds row hashes —
 * the segment files opened in place (nothing loaded). `segments` is null when the dataset must
 * be rewritten instead (no usable chain: RWDS1 files, a crash between renames, a hand edit,
 * other feature columns).
 */
export interface DatasetOnDisk {
  hash: string;
  csvBytes: number;
  hashState: Hash;
  segments: SegmentFile[] | null;
  /** Rows and missing cells per feature, from the segment headers (when `segments`). */
  rows: number;
  missing: Record<string, number>;
  /** finaldata.csv copied to a temp file, ready for appendDataset (when `segments`). */
  copy: AtomicFileWriter | null;
  /** Close the segment files and drop the copy if appendDataset did not use it. */
  close(): Promise<void>;
}

/**
 * `coded`: per feature, whether it is a category column now (codedFeatures). Segments are
 * appended to only when they are RWDS3 with the same columns coded the same way: an RWDS2
 * dataset (written before categories) or one whose kinds changed is rewritten instead.
 */
export async function openDatasetOnDisk(dir: string, features: string[], coded: boolean[] = features.map(() => false)): Promise<DatasetOnDisk | undefined> {
  const csvPath = join(dir, DATASET_CSV);
  if (!existsSync(csvPath)) return undefined;
  // The kernel copies the CSV (for an append) on a libuv thread while this thread hashes it.
  const copying = existsSync(join(dir, DATASET_BIN)) ? AtomicFileWriter.openCopy(csvPath) : null;
  copying?.catch(() => {}); // a failed copy only means no append (awaited below)
  const { state, bytes } = hashFileState(csvPath);
  const hash = state.copy().digest('hex');
  const segments: SegmentFile[] = [];
  const dropCopy = async () => {
    const c = await copying?.catch(() => null);
    await c?.abort();
  };
  const none = async (): Promise<DatasetOnDisk> => {
    segments.forEach((s) => s.close());
    await dropCopy();
    return { hash, csvBytes: bytes, hashState: state, segments: null, rows: 0, missing: {}, copy: null, close: async () => {} };
  };
  try {
    let at: string | null = null;
    while (at !== hash) {
      const path = join(dir, segments.length === 0 ? DATASET_BIN : `${DATASET_BIN}.${segments.length}`);
      const seg = existsSync(path) ? SegmentFile.open(path) : undefined;
      if (!seg) break;
      segments.push(seg);
      const h = seg.header;
      if (h.prev !== at || !sameList(h.features, features) || !h.missing || seg.version !== 3 || !sameCoding(h.levels, coded)) break;
      at = h.hash;
    }
    if (at !== hash) return await none();
  } catch {
    return await none();
  }
  const copy = await copying!.catch(() => null);
  // The copy must hold the bytes that were hashed (nothing else writes the dataset while an
  // ingest holds the run lock; this catches a hand edit in between).
  if (!copy || copy.copiedBytes !== bytes) {
    await copy?.abort();
    return await none();
  }
  const missing: Record<string, number> = Object.fromEntries(features.map((f) => [f, 0]));
  for (const s of segments) for (const f of features) missing[f] += s.header.missing?.[f] ?? 0;
  const close = async () => {
    segments.forEach((s) => s.close());
    await copy.abort(); // removes the temp file unless appendDataset published it
  };
  return { hash, csvBytes: bytes, hashState: state, segments, rows: segments.reduce((n, s) => n + s.rows, 0), missing, copy, close };
}

/**
 * Append `added` (rows not yet in the dataset, already deduplicated) to the dataset on disk:
 * finaldata.csv gains the rows (copied to a temp file in the kernel, rows appended, hash
 * continued from the state left by reading it), and a new .bin segment holds them.
 */
export async function appendDataset(dir: string, base: DatasetOnDisk, added: Dataset, addedHashes: Uint32Array, cols: DatasetColumns, pre?: Preformatted, missing?: Record<string, number>): Promise<{ hash: string; csvPath: string }> {
  if (!base.segments || !base.copy) throw new Error('appendDataset needs the dataset\'s .bin chain and its copy');
  const csvPath = join(dir, DATASET_CSV);
  const segPath = join(dir, `${DATASET_BIN}.${base.segments.length}`);
  const csv = base.copy;
  const seg = await AtomicFileWriter.open(segPath);
  try {
    const hash = base.hashState.copy();
    const out = new BufferedOut(csv, hash);
    const head = { hash: PENDING_HASH, prev: base.hash, id: cols.id, target: cols.target, missing: missing ?? countMissing(added) };
    const digest = await writeBoth(out, hash, writeRows(added, out, pre), seg, added, addedHashes, head);
    await Promise.all([seg.sync(), csv.sync()]);
    await seg.publish();
    await csv.publish();
    // A stale segment from an earlier crash may sit past this one; it no longer chains, but
    // remove it so the folder shows only what the dataset is made of.
    removeSegments(dir, base.segments.length + 1);
    return { hash: digest, csvPath };
  } catch (err) {
    await csv.abort();
    await seg.abort();
    throw err;
  }
}

/** Delete append segments numbered `from` and up (after a rewrite, or stale ones). */
function removeSegments(dir: string, from: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `${DATASET_BIN}.`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const k = Number(name.slice(prefix.length));
    if (Number.isInteger(k) && k >= from) rmSync(join(dir, name), { force: true });
  }
}

export interface LoadedDataset {
  dataset: Dataset;
  hash: string;
  source: 'bin' | 'csv';
}

/**
 * Read the .bin chain when it matches finaldata.csv; else re-read the CSV. Undefined if neither.
 * `schema.features` may be some of the stored columns (the dataset also keeps value_column). A
 * column named in `optional` that the dataset does not hold (value_column set after the dataset
 * was written) is read as all missing instead of failing.
 */
export async function readDataset(dir: string, schema: TableSchema, opts: { ids?: boolean; optional?: readonly string[] } = {}): Promise<LoadedDataset | undefined> {
  const csvPath = join(dir, DATASET_CSV);
  if (!existsSync(csvPath)) return undefined;
  const csvHash = hashFileState(csvPath).state.digest('hex');
  const withIds = opts.ids !== false;
  const optional = new Set(opts.optional ?? []);
  let dataset: Dataset | undefined;
  try {
    dataset = readChain(dir, csvHash, schema.features, withIds, codedFeatures(schema), optional);
  } catch {
    dataset = undefined; // damaged or cut short: the CSV is the source of truth
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
 * The rows of the base .bin and the segments after it, up to the one whose hash is the CSV's;
 * undefined if the chain breaks or holds other features. RWDS2 segments are read column by
 * column straight into the joined arrays; an RWDS1 base (older versions) is decoded whole.
 */
function readChain(dir: string, csvHash: string, features: string[], withIds: boolean, coded: boolean[], optional: ReadonlySet<string> = new Set()): Dataset | undefined {
  const basePath = join(dir, DATASET_BIN);
  if (!existsSync(basePath)) return undefined;
  const base = SegmentFile.open(basePath);
  if (!base) {
    const old = decodeSegment(readFileSync(basePath));
    if (!old || old.header.prev !== null || old.header.hash !== csvHash || !sameList(old.header.features, features) || coded.some(Boolean)) return undefined;
    return { features, rows: old.header.rows, ids: withIds ? IdColumn.fromLengths(old.lens, old.idBytes) : new IdColumn(0), x: old.x, y: old.y };
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
      seg = existsSync(path) ? SegmentFile.open(path) : undefined;
      if (!seg) return undefined;
      chain.push(seg);
    }
    const rows = chain.reduce((n, s) => n + s.rows, 0);
    const x = features.map((_, j) => (cols[j] < 0 ? new Float64Array(rows).fill(Number.NaN) : new Float64Array(rows)));
    const y = new Uint8Array(rows);
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
    return { features, rows, ids, x, y, levels: levels.map((l) => (l ? l.texts : null)) };
  } finally {
    chain.forEach((s) => s.close());
  }
}


/**
 * A segment's columns are coded as the schema's now: categories where `coded`, numeric elsewhere
 * (absent levels: all numeric). With `wanted` (the stored columns a reader reads), only those are
 * compared: a column nobody reads may be coded any way.
 */
function sameCoding(levels: (string[] | null)[] | undefined, coded: boolean[], wanted?: readonly number[]): boolean {
  return coded.every((c, j) => (wanted && !wanted.includes(j)) || c === Boolean(levels?.[j]));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * sha256 of a file, left open (not digested) so a writer can continue it; and the bytes hashed.
 * Synchronous reads into one reused buffer: the file is usually in the page cache, and fresh
 * buffers per chunk cost more in page faults than the reads.
 */
function hashFileState(path: string): { state: Hash; bytes: number } {
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
