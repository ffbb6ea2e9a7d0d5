import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { listDataFiles } from './list-files.js';
import { DataError } from '../util/errors.js';
import type { TableSchema } from './columns.js';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { FileRejectedError, TooManyRowsError, readDataFile } from './read-data-file.js';
import { OutsideError, type Confinement } from './confinement.js';
import { openRegular } from './open-regular.js';
import { noProgress, type Progress } from '../util/progress.js';

export interface Table {
  dataset: Dataset;
  /** sha256 over the files' hashes, in order: identifies the data scored. */
  hash: string;
  files: string[];
  rowsRejected: number;
  /** Valid rows read (streamed ones included: `dataset` holds none of those). */
  rows: number;
}

/** readTable's streaming mode: rows are handed over as they are parsed, never all held at once. */
export interface TableStream {
  /**
   * The rows read since the last call, in file order (a view: copy what is kept). They are
   * dropped once the returned promise settles, and the reading waits for it (backpressure).
   */
  onRows: (rows: Dataset) => void | Promise<void>;
  /** Bytes read per chunk (default readDataFile's 1 MiB); small in tests, to get many batches. */
  chunkBytes?: number;
  /** Hash the files (default true). Off, `hash` is '': predict does not use it, and sha256 over 26 MB is ~25 ms of the parsing thread. */
  hash?: boolean;
}

/** Limits on what readTable reads, for a caller that serves others (the API). */
export interface TableLimits {
  /** Every file read must lie inside these folders, after resolving symlinks: OutsideError otherwise. */
  within?: Confinement;
  /** At most this many data rows in all (valid or not): TooManyRowsError beyond, read no further. */
  maxRows?: number;
}

/** How readTable reads (not what it may read: that is TableLimits). */
export interface TableReadOptions {
  /** Files at least this large are parsed in two parts, on two threads (readDataFile's parallelMinBytes). */
  parallelMinBytes?: number;
}

/**
 * Read scoring or prediction input: one file, or every data file in a folder. Unlike ingest,
 * nothing is deduplicated (every row gets an answer) and an unusable file is an error — one that
 * is not a regular file (a FIFO, a device, a folder named like a data file) included.
 * With `stream`, the rows go to stream.onRows as each chunk is parsed and `dataset` ends empty
 * (`rows` counts them): predict --out scores and writes while the rest is still being read.
 */
export async function readTable(path: string, extension: string, schema: TableSchema, log?: Logger, progress: Progress = noProgress, stream?: TableStream, limits: TableLimits = {}, how: TableReadOptions = {}): Promise<Table> {
  const { within } = limits;
  const maxRows = limits.maxRows ?? Infinity;
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new DataError(`${path}: no such file or folder`);
  }
  let files = [path];
  if (st.isDirectory()) {
    const candidates = await listDataFiles(path, extension);
    // Confined, an entry pointing out is refused before anything else is said about it (that it
    // is missing, say): the answer must not depend on what exists outside.
    if (within) for (const c of candidates) if (!within.contains(await within.locate(c.path))) throw new OutsideError();
    const bad = candidates.find((c) => c.problem);
    if (bad) throw new DataError(`${bad.path}: ${bad.problem}`);
    files = candidates.map((c) => c.path);
  }
  if (!files.length) throw new DataError(`${path}: no .${extension} files in this folder`);
  const hash = createHash('sha256');
  let rowsRejected = 0;
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  // Streaming keeps one chunk's rows at a time: a small builder, reused (no whole-file reserve).
  const b = new DatasetBuilder(schema.features, stream ? 4096 : Math.min(maxRows + 1, await estimateRows(files[0], sizes, schema.features.length, within)));
  let streamed = 0;
  const handOver = async () => {
    if (!stream || b.rows === 0) return;
    const rows = b.rows;
    await stream.onRows(b.build());
    streamed += rows;
    b.truncate(0);
  };
  let done = 0;
  let rowsRead = 0;
  progress.start(sizes.reduce((s, v) => s + v, 0), 'read');
  for (const [k, f] of files.entries()) {
    try {
      const r = await readDataFile(f, schema, b, {
        log,
        onBytes: (n) => progress.update(done + n),
        within,
        maxRows: maxRows - rowsRead,
        parallelMinBytes: how.parallelMinBytes,
        ...(stream ? { onChunk: handOver, reserve: false, chunkBytes: stream.chunkBytes, hash: stream.hash } : {}),
      });
      await handOver(); // the file's last record, completed at its end
      done += sizes[k];
      rowsRead += r.rowsRead;
      rowsRejected += r.rowsRejected;
      hash.update(r.sha256);
    } catch (err) {
      if (err instanceof FileRejectedError) throw new DataError(`${f}${err.line ? `:${err.line}` : ''}: ${err.reason}`);
      if (err instanceof TooManyRowsError) throw new TooManyRowsError(maxRows, path);
      throw err;
    }
  }
  progress.stop();
  if (rowsRejected) log?.warn({ rowsRejected }, `${rowsRejected} invalid rows skipped in ${path}`);
  return { dataset: b.build(), hash: stream?.hash === false ? '' : hash.digest('hex'), files, rowsRejected, rows: streamed + b.rows };
}

const SAMPLE_BYTES = 64 << 10;

/**
 * Rows to reserve up front, from the line length in the first 64 KiB of the first file: growing
 * the columns by doubling copied (and page-faulted) about twice the final dataset, which on
 * 1,000,000 rows cost more than scoring them. An estimate only — a low one still grows as before,
 * and it is capped at the most rows the bytes could hold (each row has a comma per feature), so a
 * misleading sample cannot reserve more than the file could fill.
 */
async function estimateRows(first: string, sizes: number[], features: number, within?: Confinement): Promise<number> {
  const total = sizes.reduce((s, v) => s + v, 0);
  if (total <= SAMPLE_BYTES) return 1024;
  const buf = Buffer.allocUnsafe(Math.min(SAMPLE_BYTES, sizes[0]));
  let got = 0;
  try {
    const { fh } = await openRegular(first, within);
    try {
      got = (await fh.read(buf, 0, buf.length, 0)).bytesRead;
    } finally {
      await fh.close();
    }
  } catch {
    return 1024; // unreadable: readDataFile reports it in its own words
  }
  let lines = 0;
  for (let at = buf.indexOf(10, 0); at >= 0 && at < got; at = buf.indexOf(10, at + 1)) lines++;
  if (lines < 2) return 1024;
  const estimate = Math.ceil((total / got) * lines * 1.02) + 1024;
  return Math.min(estimate, Math.floor(total / (features + 1)) + 1024);
}
