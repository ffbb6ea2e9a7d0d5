import { stat, type FileHandle } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { basename } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { CsvFormatError } from './csv/parser.js';
import type { TableSchema } from './columns.js';
import type { DatasetBuilder } from './dataset.js';
import { PartWorker } from './parse-worker-client.js';
import { LineBuffer, type FormattedRows } from './csv-rows.js';
import { CsvRowSink, FileRejectedError, logFallback, logReject, type RowCounts } from './row-sink.js';
import type { ReadEncoding } from './csv/decode.js';
import { openRegular } from './open-regular.js';
import type { Confinement } from './confinement.js';

export { CsvRowSink, FileRejectedError, logReject, type LoggedReject, type RowCounts, type SinkOptions } from './row-sink.js';

/** A whole file's counts (RowCounts) with its identity. */
export interface FileReadResult extends RowCounts {
  size: number;
  sha256: string;
  /** The accepted rows as finaldata.csv lines, in order — when asked for (csvLines) and the file was read in two parts. */
  csvLines?: FormattedRows[];
  /** What the file was read as: UTF-8, the configured encoding, the one its byte-order mark declared, or Windows-1252 after "auto" fell back. */
  encoding: ReadEncoding;
  /** The first line that was not UTF-8, when input_encoding "auto" fell back to Windows-1252. */
  fallbackLine?: number;
  /**
   * With keepWorker, a file read in two parts into shared columns: the parse worker, still
   * running (unref'd) for PartWorker.compact. The caller stops it when done with it.
   */
  worker?: PartWorker;
}

export interface ReadOptions {
  log?: Logger;
  /** Called with bytes read so far (progress bars). */
  onBytes?: (bytes: number) => void;
  /** Rejected rows logged one by one, per file; the rest are only counted. Default 20. */
  maxLoggedRejects?: number;
  chunkBytes?: number;
  /**
   * Called after each chunk's rows went into the builder (the next chunk is being read
   * meanwhile); the file waits for it. A streaming reader takes the rows and truncates the
   * builder here, so the file is never held in memory whole. (Such a file is read in one part.)
   */
  onChunk?: () => void | Promise<void>;
  /** Size the builder for the whole file after the first chunk (default true); off when it is emptied per chunk. */
  reserve?: boolean;
  /** Compute the file's sha256 (default true); `sha256` is '' without. */
  hash?: boolean;
  /**
   * Files at least this large are parsed in two parts, on two threads. Default:
   * RISKWATCH_PARALLEL_READ_BYTES when set, else INGEST_TWO_PART_MIN_BYTES when csvLines is asked
   * (ingest), else none (one pass).
   */
  parallelMinBytes?: number;
  /** Likewise, the rows formatted as finaldata.csv lines (the dataset writer then copies them). */
  csvLines?: boolean;
  /** Keep the parse worker of a file read in two parts into shared columns (FileReadResult.worker). */
  keepWorker?: boolean;
  /** Read only a file inside these folders (checked on its real path and on the descriptor opened); OutsideError otherwise. */
  within?: Confinement;
  /**
   * Stop with TooManyRowsError once the file holds more data rows (valid or not) than this: the
   * reading stops within a chunk past the limit, so memory stays bounded by it, not by the file.
   */
  maxRows?: number;
}

import { TooManyRowsError } from './too-many-rows.js';
export { TooManyRowsError };

/**
 * Read a file in two parts on two threads (the second core) when it has at least this many
 * bytes: RISKWATCH_PARALLEL_READ_BYTES, or ReadOptions.parallelMinBytes.
 */
const PARALLEL_MIN_BYTES = byteCount(process.env.RISKWATCH_PARALLEL_READ_BYTES);

/**
 * Otherwise ingest (csvLines) reads files at least this large in two parts (with more than one
 * core). Measured (whole `ingest`, 2 cores, interleaved, BENCHMARKS.md issue 15): on the 79 MB
 * 1M-row client table with the second core free, two parts 1.58 s wall against 1.76 s for one part with the format
 * thread and 1.81 s without (+0.5 s CPU, 354 MB peak); with another process on a core one part
 * without any thread was faster (medians 2.0-2.3 s against 2.2-2.8 s). On the 26 MB
 * seed-shaped 1M-row file one part without a thread was as fast as two parts when quiet (0.63-0.65
 * against 0.64-0.70 s) and faster loaded (0.71-0.87 against 0.87-1.02 s): below ~32 MiB the
 * worker's start-up (~40 ms) and cold JIT weigh about as much as the half it takes.
 */
const INGEST_TWO_PART_MIN_BYTES = 32 << 20;

/**
 * Whether to read a file of `size` bytes in two parts (the split costs ~0.3-0.5 s more CPU per
 * million rows; it pays in wall time only when the second core is free).
 */
export function useTwoParts(size: number, minBytes: number | undefined): boolean {
  return minBytes !== undefined && size >= minBytes;
}

/**
 * The two-part threshold for a caller whose command waits on the whole file before anything else
 * (drift --data): `bytes` on a machine with a second core, none on one core; an explicit
 * RISKWATCH_PARALLEL_READ_BYTES still decides. (drift of 1,000,000 rows: see BENCHMARKS.md, issue 15.)
 */
export function twoPartsFrom(bytes: number): number | undefined {
  return PARALLEL_MIN_BYTES ?? (availableParallelism() > 1 ? bytes : undefined);
}

/** A file read in two parts: the bytes parsed before the worker is sent its part (the columns are sized by their rows). */
const FIRST_ROWS_BYTES = 64 << 10;

/** Where the second part starts, as a fraction of the file: the reader also hashes the whole file and takes the worker's rows in. */
const SPLIT_AT = 0.53;

function byteCount(v: string | undefined): number | undefined {
  const n = v === undefined || v.trim() === '' ? Number.NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Stream one data file into `builder`, validating every row against `schema`. All or nothing: if
 * the file turns out unusable the builder is truncated back and FileRejectedError names the reason.
 *
 * When asked (parallelMinBytes, RISKWATCH_PARALLEL_READ_BYTES), a file is parsed in two parts:
 * a worker thread parses the rows after the first line break past the middle while this thread
 * parses those before it, then hashes the rest of the file; the worker's rows, counts and logged rejects (line numbers offset by this
 * part's lines) are appended after this part's, so the result is the one a single pass gives.
 * The split holds only if this part ends between two records — not inside a quoted field that
 * spans a line break — and the file has an id column (rows without one are named by line); when
 * it does not hold, or the worker fails, the rest is parsed here as usual.
 */
export async function readDataFile(
  path: string,
  schema: TableSchema,
  builder: DatasetBuilder,
  opts: ReadOptions = {},
): Promise<FileReadResult> {
  const name = basename(path);
  const startRows = builder.rows;
  const startIdBytes = builder.ids.end;
  // Refuses what is not a regular file (a FIFO would block) and, when confined, what lies outside.
  const { fh, stat: before } = await openRegular(path, opts.within);
  const maxLogged = opts.maxLoggedRejects ?? 20;
  const maxRows = opts.maxRows ?? Infinity;
  // Started before the first read: its ~40 ms start-up overlaps this thread's first reads. (Not
  // with a row limit: the worker's half would be parsed whole.)
  const worker = !opts.onChunk && maxRows === Infinity && useTwoParts(before.size, opts.parallelMinBytes ?? PARALLEL_MIN_BYTES ?? (opts.csvLines && availableParallelism() > 1 ? INGEST_TWO_PART_MIN_BYTES : undefined)) ? PartWorker.start() : undefined;
  const hash = opts.hash === false ? undefined : createHash('sha256');
  const sink = new CsvRowSink(name, schema, builder, opts);
  const checkRows = () => {
    if (sink.rowsRead > maxRows) throw new TooManyRowsError(maxRows, name);
  };
  let size = 0;
  /** This thread hashes what it reads; off while the worker hashes the file (a file read in two parts). */
  let hashHere = true;
  /** The file's sha256 as the worker made it. */
  let digest: string | null = null;
  let csvLines: FormattedRows[] | undefined;
  /** Where "auto" fell back to Windows-1252 in the worker's part (the file's line), when only there. */
  let fallbackLine = 0;
  /** The worker handed to the caller (keepWorker), once the file is read. */
  let kept: PartWorker | undefined;
  try {
    const chunkBytes = opts.chunkBytes ?? 1 << 20;
    // Read-ahead: the next chunk is being read (in libuv's thread pool) while this one is parsed.
    // Two buffers, used in turn: the parser copies what it keeps, so a buffer is free again once
    // pushed. (A fresh buffer per chunk cost a page fault per 4 KiB of the file.)
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    /** Read bytes [from, stop) (or to the end), each chunk through `use`; returns the bytes read. */
    const pump = async (from: number, stop: number, use: (part: Buffer) => void | Promise<void>): Promise<number> => {
      let pos = from;
      let turn = 0;
      const readChunk = (): Promise<{ part: Buffer; full: boolean }> => {
        const want = Math.min(chunkBytes, stop - pos);
        if (want <= 0) return Promise.resolve({ part: buffers[0].subarray(0, 0), full: false });
        const chunk = buffers[turn];
        turn ^= 1;
        const at = pos;
        pos += want;
        return fh.read(chunk, 0, want, at).then(({ bytesRead }) => ({ part: chunk.subarray(0, bytesRead), full: bytesRead === want }));
      };
      let pending = readChunk();
      let n = 0;
      for (;;) {
        const { part, full } = await pending;
        if (part.length === 0) break;
        // A short read is the end of the file (as it is now): no read past it.
        pending = full ? readChunk() : Promise.resolve({ part: part.subarray(0, 0), full: false });
        pending.catch(() => {}); // surfaces at the next await; never an unhandled rejection
        n += part.length;
        await use(part);
      }
      return n;
    };
    let reserved = opts.reserve === false;
    const consume = async (part: Buffer) => {
      if (hashHere) hash?.update(part);
      size += part.length;
      sink.push(part);
      checkRows();
      if (!reserved && size < before.size) {
        // Size the columns for the whole file from the first chunk's rows, so they are not grown
        // by doubling (each doubling copies, and touches fresh memory). Only an estimate: they
        // still grow if the rest of the file has shorter rows.
        reserved = true;
        const rows = builder.rows - startRows;
        const scale = Math.min(((before.size - size) / size) * 1.1, (maxRows + 1) / Math.max(1, rows));
        if (rows > 0) builder.reserve(Math.ceil(rows * scale) + 64, Math.ceil((builder.ids.end - startIdBytes) * scale) + 1024);
      }
      opts.onBytes?.(size);
      if (opts.onChunk) await opts.onChunk();
    };
    const split = worker ? await findSplit(fh, before.size) : -1;
    if (!worker || split < 0) {
      worker?.stop();
      await pump(0, Infinity, consume);
    } else {
      let parsing: ReturnType<PartWorker['parse']> | null = null;
      let usable = true;
      // The worker hashes this part while this thread reads its first chunk, then its own part as
      // it parses it: this thread, which has more to do afterwards, hashes nothing.
      if (hash) {
        worker.hashFirst({ path, hashTo: split });
        hashHere = false;
      }
      // This part's finaldata.csv lines, made as its rows are read (the worker makes its part's).
      if (opts.csvLines) sink.keepLines(new LineBuffer(startRows, Math.ceil(split * 1.1) + 5 * chunkBytes, Math.ceil(split / 64)));
      // The columns are sized (shared with the worker, see startWorker) once the first rows are read.
      let sizeAll = !reserved;
      reserved = true;
      const startWorker = () => {
        if (parsing || !usable || !sink.map) return;
        // A UTF-16 file's line breaks are two bytes: the split (at a 0x0A byte) may fall inside one.
        if (sink.map.id < 0 || sink.encoding.startsWith('utf-16')) {
          usable = false;
          return;
        }
        // Read as the first part is now: a file "auto" already read as Windows-1252 goes on so.
        const encoding = sink.encoding === 'utf-8' ? schema.encoding : sink.encoding === 'windows-1252' || sink.encoding === 'latin1' ? sink.encoding : schema.encoding;
        // The worker writes its rows into the columns' shared memory, its dictionaries starting as these.
        const into = sizeAll ? shareColumns(builder, startRows, startIdBytes, size, split, before.size) : undefined;
        // No rows to size them by yet (very long rows): sized as a one-part read's, by the next chunk.
        if (sizeAll && !into) reserved = false;
        const levels = into ? builder.levels.map((l) => (l ? [...l.texts] : null)) : undefined;
        parsing = worker.parse({ path, name, schema: { ...schema, encoding }, map: sink.map, from: split, maxLoggedRejects: maxLogged, chunkBytes, hashes: builder.hashes !== null, csvLines: opts.csvLines === true, into, levels, stay: opts.keepWorker === true });
      };
      await pump(0, split, async (part) => {
        // The worker starts as soon as the header's column positions are known: after the first
        // rows (enough to size the columns by), not the whole first chunk (parsed while the code is cold).
        if (!parsing && usable && !sink.map && part.length > FIRST_ROWS_BYTES) {
          await consume(part.subarray(0, FIRST_ROWS_BYTES));
          startWorker();
          part = part.subarray(FIRST_ROWS_BYTES);
        }
        await consume(part);
        startWorker();
        if (sizeAll && !parsing && size < before.size && !usable) {
          // No second part after all: sized for the whole file, as a one-part read is.
          sizeAll = false;
          const rows = builder.rows - startRows;
          const scale = ((before.size - size) / size) * 1.1;
          if (rows > 0) builder.reserve(Math.ceil(rows * scale) + 64, Math.ceil((builder.ids.end - startIdBytes) * scale) + 1024);
        }
      });
      // "auto" fell back to Windows-1252 in this part after the worker started (in UTF-8, then):
      // its part is the one a single pass gives only if what it read as UTF-8 was all ASCII.
      const workerEncoding = async () => {
        if (!parsing || sink.fallbackLine === 0) return true;
        const r = await parsing;
        return 'error' in r || !r.part.sawNonAscii;
      };
      if (!parsing || sink.pendingBytes !== 0 || !(await workerEncoding())) {
        // No header yet, no id column, or the split fell inside a quoted field: one pass here.
        const why = !sink.map ? 'no header before the split' : !usable ? (sink.map.id < 0 ? 'no id column' : 'UTF-16') : sink.pendingBytes !== 0 ? 'split inside a quoted field' : 'the part was read as UTF-8, the file is Windows-1252';
        opts.log?.debug({ file: name, split }, `read ${name} in one part: ${why}`);
        worker.stop();
        sink.keepLines(null);
        await pump(split, Infinity, consume);
      } else {
        const lineOffset = sink.nextLine - 1;
        const mainLines = sink.csvLines();
        const r = await (parsing as ReturnType<PartWorker['parse']>);
        if ('error' in r) {
          // The worker failed (the part is unusable, or the thread could not run): parse it here,
          // which meets the same problem and reports it with the file's own line numbers.
          opts.log?.debug({ file: name, split, error: r.error }, `read ${name} in one part: the parse worker failed`);
          sink.keepLines(null);
          size += await pump(split, Infinity, (part) => sink.push(part));
        } else {
          const p = r.part;
          size += p.bytes;
          digest = p.sha256;
          // Its rows are in the shared columns, or (one side outgrew them) copied in.
          const shared = builder.takeShared(p.rows, p.ids.end, p.levels, p.inShared);
          if (!shared) builder.appendRows(p.x, p.y, p.ids, p.rows, p.hashes, p.levels);
          else if (opts.keepWorker) kept = worker;
          // Typed arrays cross threads as plain Uint8Arrays: wrap the bytes as a Buffer again.
          if (mainLines && p.lines) csvLines = [mainLines, { bytes: Buffer.from(p.lines.bytes.buffer, p.lines.bytes.byteOffset, p.lines.bytes.byteLength), ends: p.lines.ends }];
          const shown = opts.log ? p.rejects.slice(0, Math.max(0, maxLogged - sink.logged)) : [];
          for (const rej of shown) logReject(opts.log!, name, 'line', { ...rej, line: rej.line + lineOffset });
          sink.addCounts(p, shown.length);
          if (p.fallbackLine > 0 && sink.fallbackLine === 0) {
            // Only the worker's part was not UTF-8: the file's one warning, at the file's line.
            fallbackLine = p.fallbackLine + lineOffset;
            if (opts.log) logFallback(opts.log, name, fallbackLine, sink.sawNonAscii || p.sawNonAscii);
          }
          opts.log?.debug({ file: name, split, rows: [builder.rows - startRows - p.rows, p.rows], shared }, `read ${name} in two parts`);
        }
      }
    }
    if (!sink.end()) throw new FileRejectedError(name, size === 0 ? 'file is empty' : 'file has no header row (only blank lines)');
    checkRows();
    opts.onBytes?.(size);
    // The worker did not hash the file after all (it failed, or the file was read in one part): here.
    if (hash && !hashHere && digest === null) await hashRange(fh, hash, size);
    const after = await stat(path);
    if (after.size !== size || after.mtimeMs !== before.mtimeMs) throw changedError(name);
  } catch (err) {
    kept = undefined;
    builder.truncate(startRows);
    if (err instanceof FileRejectedError) throw err;
    if (err instanceof CsvFormatError) throw new FileRejectedError(name, err.message, err.line);
    throw err;
  } finally {
    if (kept) kept.idle();
    else worker?.stop();
    await fh.close();
  }
  const encoding = fallbackLine > 0 ? 'windows-1252' : sink.encoding;
  fallbackLine ||= sink.fallbackLine;
  return { size, sha256: digest ?? (hash ? hash.digest('hex') : ''), ...sink.counts(), ...(csvLines ? { csvLines } : {}), encoding, ...(fallbackLine > 0 ? { fallbackLine } : {}), ...(kept ? { worker: kept } : {}) };
}

/** Hash bytes [0, size) of an open file. */
async function hashRange(fh: FileHandle, hash: Hash, size: number): Promise<void> {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let at = 0; at < size; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - at), at);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    at += bytesRead;
  }
}

function changedError(name: string): FileRejectedError {
  return new FileRejectedError(name, 'file changed while it was being read (still being written?); it will be read again next time');
}

/**
 * Move the builder's columns into shared memory for a file read in two parts (DatasetBuilder.share),
 * sized from the rows and id bytes the first `read` bytes gave: this part's rest up to `split`,
 * then the worker's part to `size`, each with a margin (rows vary in length; pages never written
 * cost nothing). Undefined when the first bytes gave no row to go by.
 */
function shareColumns(builder: DatasetBuilder, startRows: number, startIdBytes: number, read: number, split: number, size: number) {
  const rows = builder.rows - startRows;
  if (rows === 0 || read >= split) return undefined;
  const perByte = rows / read;
  const idPerByte = (builder.ids.end - startIdBytes) / read;
  const margin = (bytes: number, per: number) => Math.ceil(bytes * per * 1.15) + 1024;
  return builder.share(margin(split - read, perByte), margin(split - read, idPerByte), margin(size - split, perByte), margin(size - split, idPerByte));
}

/**
 * Where the second part of a file read in two parts starts: just after the first line break at or
 * after SPLIT_AT of the file (searched up to 1 MiB on); -1 when there is none (one huge line).
 */
async function findSplit(fh: FileHandle, size: number): Promise<number> {
  const from = Math.floor(size * SPLIT_AT);
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, size - from));
  const { bytesRead } = await fh.read(buf, 0, buf.length, from);
  const lf = buf.subarray(0, bytesRead).indexOf(10);
  const split = lf < 0 ? -1 : from + lf + 1;
  return split > 0 && split < size ? split : -1;
}
