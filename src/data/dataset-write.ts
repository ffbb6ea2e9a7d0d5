import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AtomicFileWriter } from '../util/atomic.js';
import { csvField } from './csv-field.js';
import { countMissing, type Dataset } from './dataset.js';
import { formatRowsInto, maxRowBytes, type FormattedRows } from './csv-rows.js';
import { PENDING_HASH, encodeSegmentHeader, writeSegment } from './dataset-bin.js';
import { hashRows } from './row-hash.js';
import { removeSegments, type DatasetOnDisk } from './dataset-on-disk.js';
import { DATASET_BIN, DATASET_CSV } from './dataset-layout.js';

/** Writing the combined dataset: from scratch (writeDataset) or by appending (appendDataset). See dataset-files.ts. */

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
    readonly sink: AtomicFileWriter,
    readonly hash: ReturnType<typeof createHash> | null,
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

/**
 * Write `ds` as finaldata.csv + finaldata.bin into `dir` (from scratch); returns the dataset hash.
 * With `ahead` (writeCsvAhead, for these rows), the CSV's lines are already on their way and only
 * the .bin and the commit are left; on failure `ahead` is aborted here too.
 */
export async function writeDataset(dir: string, ds: Dataset, cols: DatasetColumns, rowHashes?: Uint32Array, pre?: Preformatted, missing?: Record<string, number>, ahead?: CsvAhead): Promise<{ hash: string; csvPath: string; binPath: string }> {
  const csvPath = join(dir, DATASET_CSV);
  const binPath = join(dir, DATASET_BIN);
  let csv: AtomicFileWriter | undefined = ahead?.csv;
  let bin: AtomicFileWriter | undefined = ahead?.bin;
  try {
    if (ahead && ahead.rows !== ds.rows) throw new Error(`finaldata.csv written ahead for ${ahead.rows} rows, the dataset has ${ds.rows}`);
    const hashes = rowHashes ?? hashRows(ds);
    csv ??= await AtomicFileWriter.open(csvPath);
    bin ??= await AtomicFileWriter.open(binPath);
    const head = { hash: PENDING_HASH, prev: null, id: cols.id, target: cols.target, missing: missing ?? countMissing(ds) };
    let digest: string;
    if (ahead) digest = await writeBoth(ahead.lines, bin, ds, hashes, head, ahead.digest, ahead.out);
    else {
      const hash = createHash('sha256');
      const out = new BufferedOut(csv, hash);
      await writeHeader(out, ds.features, cols);
      digest = await writeBoth(writeRows(ds, out, pre, true), bin, ds, hashes, head, () => hash.digest('hex'));
    }

    // The .bin first: the .csv's rename is the commit point (see the note at the top).
    await Promise.all([bin.sync(), csv.sync()]);
    await bin.publish();
    await csv.publish();
    removeSegments(dir, 1);
    return { hash: digest, csvPath, binPath };
  } catch (err) {
    if (ahead) await ahead.abort();
    else {
      await csv?.abort();
      await bin?.abort();
    }
    throw err;
  }
}

async function writeHeader(out: BufferedOut, features: string[], cols: DatasetColumns): Promise<void> {
  const header = [cols.id, ...features, cols.target].map(csvField).join(',') + '\n';
  await out.room(Buffer.byteLength(header));
  out.str(header);
}

/**
 * finaldata.csv's lines written ahead of the dataset they belong to: lines preformatted before
 * dedup need only the duplicate mask, so their writes are in flight before the caller compacts
 * the columns; writeDataset(…, ahead) then adds the .bin, hashes the lines (see writeBoth) and
 * commits.
 * Nothing is visible until then; a caller that does not get that far calls abort().
 */
export interface CsvAhead {
  /** The kept rows: the dataset passed to writeDataset must have as many. */
  readonly rows: number;
  readonly csv: AtomicFileWriter;
  /**
   * finaldata.bin's temp file, opened before the lines' writes are queued: opened later, its
   * open() would wait in the thread pool behind them, and the .bin's writes with it.
   */
  readonly bin: AtomicFileWriter;
  readonly out: BufferedOut;
  /** The lines' writes. */
  readonly lines: Promise<void>;
  /** The sha256 of the file's bytes (header and kept lines), made on this call: the same bytes the writes hold. */
  digest(): string;
  /** Wait for the writes in flight and remove the temp files. */
  abort(): Promise<void>;
}

/** Start finaldata.csv in `dir` from `pre` (a fresh file, header for `features`); see CsvAhead. */
export async function writeCsvAhead(dir: string, features: string[], cols: DatasetColumns, pre: Preformatted): Promise<CsvAhead> {
  const rows = keptRows(pre);
  if (rows < 0) throw new Error('preformatted lines do not cover the rows they are for');
  const csv = await AtomicFileWriter.open(join(dir, DATASET_CSV));
  let bin: AtomicFileWriter | undefined;
  // No hash on the way (see digest): the writes are all issued at once.
  const out = new BufferedOut(csv, null);
  let lines: Promise<void>;
  let head: Buffer;
  try {
    bin = await AtomicFileWriter.open(join(dir, DATASET_BIN));
    await writeHeader(out, features, cols);
    head = Buffer.from(out.buf.subarray(0, out.off));
    // No yield first: the writes are issued before this returns.
    lines = writeLinesAt(pre, out, false);
  } catch (err) {
    await csv.abort();
    await bin?.abort();
    throw err;
  }
  lines.catch(() => {}); // awaited by writeDataset or abort()
  const binFile = bin;
  const digest = () => {
    const hash = createHash('sha256').update(head);
    for (const run of keptRuns(pre)) hash.update(run);
    return hash.digest('hex');
  };
  return {
    rows,
    csv,
    bin: binFile,
    out,
    digest,
    lines,
    abort: async () => {
      await lines.catch(() => {});
      await csv.abort();
      await binFile.abort();
    },
  };
}

/**
 * The .bin segment written while the CSV rows are (`csvRows`, already started): the segment's
 * writes go to the thread pool while this thread formats CSV lines, instead of one after the
 * other. Its header names the CSV's hash (`digestOf`), known only at the end: it is written with a
 * placeholder of the same length and filled in once the CSV is done. Returns the CSV's hash.
 * With `ahead` (lines written ahead, not hashed yet), the lines are hashed once every write is
 * done and both files' datasyncs are under way: the hash's CPU time (~55 ms for 74 MB) then
 * overlaps the disk's, where before it came ahead of the writes, on the way to the commit.
 */
async function writeBoth(
  csvRows: Promise<void>,
  bin: AtomicFileWriter,
  ds: Dataset,
  rowHashes: Uint32Array,
  head: Parameters<typeof writeSegment>[3],
  digestOf: () => string,
  ahead?: BufferedOut,
): Promise<string> {
  const segment = writeSegment((part, position) => bin.writeAt(part, position), ds, rowHashes, head).then((h) => {
    // Its sections are written: to disk with them while the CSV is still being formatted; the
    // commit's fsync then has only the header left.
    bin.syncSoon();
    return h;
  });
  segment.catch(() => {}); // awaited below; never an unhandled rejection if the CSV fails first
  await csvRows;
  let digest = ahead ? '' : digestOf();
  const written = await segment;
  if (ahead) {
    // Started only now: a datasync beside the .bin's writes slowed them more than it gained.
    ahead.syncSoon();
    digest = digestOf();
  }
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
async function writeRows(ds: Dataset, out: BufferedOut, pre?: Preformatted, positional = false): Promise<void> {
  if (pre && keptRows(pre) === ds.rows) return positional ? writeLinesAt(pre, out) : copyLines(pre, out);
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

/**
 * The kept rows' lines written to a fresh file (`out` holds only the header so far) straight from
 * the buffers they were formatted in: runs of consecutive kept rows gathered into writev calls at
 * offsets known in advance, all in flight at once on the thread pool while this thread hashes the
 * next runs (when `out` has a hash; writeCsvAhead's hashes them later) — no copy into the out
 * buffer, no waiting for one write before the next.
 */
async function writeLinesAt(pre: Preformatted, out: BufferedOut, binFirst = true): Promise<void> {
  const { sink, hash } = out;
  // Let the .bin segment's writes be issued first (writeBoth starts them after this call returns).
  if (binFirst) await new Promise<void>((resolve) => setImmediate(resolve));
  const head = out.buf.subarray(0, out.off);
  out.buf = Buffer.alloc(0);
  out.off = 0;
  hash?.update(head);
  const writes: Promise<void>[] = [];
  let batch: Buffer[] = [head];
  let batchBytes = head.length;
  let position = 0;
  const send = () => {
    const w = sink.writevAt(batch, position);
    w.catch(() => {}); // awaited below
    writes.push(w);
    position += batchBytes;
    batch = [];
    batchBytes = 0;
  };
  for (const run of keptRuns(pre)) {
    hash?.update(run);
    batch.push(run);
    batchBytes += run.length;
    // IOV_MAX is 1024 on Linux; ~4 MiB per write keeps a few writes in flight.
    if (batch.length === 1024 || batchBytes >= 4 << 20) send();
  }
  if (batchBytes > 0) send();
  // Once the first half is written, to disk with it while the rest is written: the commit's fsync
  // then has about half of the file left (the .bin starts its own when its sections are written).
  // Written ahead (binFirst false), writeBoth starts it once the .bin's writes are done too.
  const half = writes.slice(0, Math.ceil(writes.length / 2));
  if (binFirst && writes.length > 1) void Promise.all(half).then(() => sink.syncSoon(), () => {});
  const settled = await Promise.allSettled(writes);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
}

/** The lines of each run of consecutive kept rows, in order: views onto the buffers they were formatted in. */
function* keptRuns(pre: Preformatted): Generator<Buffer> {
  let r = 0;
  for (const { bytes, ends } of pre.parts) {
    const rows = ends.length;
    for (let k = 0; k < rows; ) {
      if (pre.dropped[r + k]) {
        k++;
        continue;
      }
      let e = k + 1;
      while (e < rows && !pre.dropped[r + e]) e++;
      yield bytes.subarray(k === 0 ? 0 : ends[k - 1], ends[e - 1]);
      k = e;
    }
    r += rows;
  }
}

/** The kept rows' lines, copied a run of consecutive kept rows at a time. */
async function copyLines(pre: Preformatted, out: BufferedOut): Promise<void> {
  for (const run of keptRuns(pre)) {
    for (let from = 0; from < run.length; ) {
      if (out.off === out.buf.length) await out.flush();
      const n = Math.min(run.length - from, out.buf.length - out.off);
      run.copy(out.buf, out.off, from, from + n);
      out.off += n;
      from += n;
    }
  }
  await out.flush();
  await out.drain();
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
    const digest = await writeBoth(writeRows(added, out, pre), seg, added, addedHashes, head, () => hash.digest('hex'));
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
