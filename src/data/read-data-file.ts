import { open, stat, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { CsvFormatError, CsvParser, ESCAPED_QUOTES, type CsvRecord } from './csv/parser.js';
import { EMPTY, INVALID, classifyCount, classifyNumber, parseCount, parseLabel, parseNumber, type RejectReason } from './csv/cells.js';
import { mapHeader, type ColumnMap, type TableSchema } from './columns.js';
import { NO_LABEL, type DatasetBuilder } from './dataset.js';
import { PartWorker } from './parse-worker-client.js';
import { hashRow } from './find-duplicates.js';

/** The file cannot be used at all; `reason` is one line for the user. Nothing from it was kept. */
export class FileRejectedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'FileRejectedError';
  }
}

/** A whole file's counts (RowCounts) with its identity. */
export interface FileReadResult extends RowCounts {
  size: number;
  sha256: string;
  /** hashRow of each accepted row, in order — when asked for (rowHashes) and the file was read in two parts. */
  rowHashes?: Uint32Array;
}

export interface ReadOptions {
  log?: Logger;
  /** Called with bytes read so far (progress bars). */
  onBytes?: (bytes: number) => void;
  /** Rejected rows logged one by one, per file; the rest are only counted. Default 20. */
  maxLoggedRejects?: number;
  chunkBytes?: number;
  /** Files at least this large are parsed in two parts, on two threads. Default 8 MiB. */
  parallelMinBytes?: number;
  /**
   * When the file is read in two parts, also return its rows' hashRow values (ingest's dedup):
   * each thread hashes its own rows, this one while it waits for the other.
   */
  rowHashes?: boolean;
}

/** Rows validated so far by a CsvRowSink; the same counts a file's ingest reports. */
export interface RowCounts {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  missing: Record<string, number>;
  extraColumns: string[];
}

/**
 * The one row builder every source feeds: CSV bytes in (a file's, or a database's rows as CSV),
 * validated rows appended to `builder`, rejects counted by reason. Header first, then rows.
 * `push` may throw FileRejectedError (unusable header) or CsvFormatError.
 */
export class CsvRowSink {
  private readonly parser: CsvParser;
  private readonly state: SinkState;
  private readonly missing: Float64Array;
  private readonly rejected: Partial<Record<RejectReason, number>> = {};

  constructor(
    readonly name: string,
    readonly schema: TableSchema,
    builder: DatasetBuilder,
    opts: SinkOptions = {},
  ) {
    const nf = schema.features.length;
    this.missing = new Float64Array(nf);
    this.state = { map: opts.map ?? null, rowsRead: 0, rowsRejected: 0, logged: 0 };
    this.parser = new CsvParser(rowHandler(name, schema, builder, opts, this.state, this.missing, this.rejected), { midFile: opts.map !== undefined });
  }

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  /** Flush the last record; false when no header was ever seen. */
  end(): boolean {
    this.parser.end();
    return this.state.map !== null;
  }

  /** The header's column positions, once the header row was read. */
  get map(): ColumnMap | null {
    return this.state.map;
  }

  /** 0 when the bytes pushed so far end exactly between two records (not inside a quoted field). */
  get pendingBytes(): number {
    return this.parser.pendingBytes;
  }

  /** The line the next record starts on. */
  get nextLine(): number {
    return this.parser.nextLine;
  }

  /** Rejects logged one by one so far (the rest were only counted). */
  get logged(): number {
    return this.state.logged;
  }

  /** Add the counts of rows validated elsewhere (the other part of a file parsed in two parts). */
  addCounts(c: { rowsRead: number; rowsRejected: number; rejectedByReason: Partial<Record<RejectReason, number>>; missing: ArrayLike<number> }, logged: number): void {
    this.state.rowsRead += c.rowsRead;
    this.state.rowsRejected += c.rowsRejected;
    this.state.logged += logged;
    for (const [k, v] of Object.entries(c.rejectedByReason) as Array<[RejectReason, number]>) this.rejected[k] = (this.rejected[k] ?? 0) + v;
    for (let j = 0; j < this.missing.length; j++) this.missing[j] += c.missing[j];
  }

  counts(): RowCounts {
    const missingOut: Record<string, number> = {};
    this.schema.features.forEach((f, j) => (missingOut[f] = this.missing[j]));
    const { rowsRead, rowsRejected, map } = this.state;
    return { rowsRead, rowsAccepted: rowsRead - rowsRejected, rowsRejected, rejectedByReason: this.rejected, missing: missingOut, extraColumns: map?.extra ?? [] };
  }
}

/** A rejected row as logged: `line` is the file's line (or, for a database source, row + 1). */
export interface LoggedReject {
  line: number;
  reason: RejectReason;
  column?: string;
  value?: string;
}

export interface SinkOptions extends Pick<ReadOptions, 'log' | 'maxLoggedRejects'> {
  where?: string;
  /** The header was read elsewhere: the input holds rows only, starting at a record boundary. */
  map?: ColumnMap;
  /** Receives the rejects that would be logged (up to maxLoggedRejects) instead of `log`. */
  onReject?: (r: LoggedReject) => void;
}

interface SinkState {
  map: ColumnMap | null;
  rowsRead: number;
  rowsRejected: number;
  logged: number;
}

/** One reject log line (shared by both parts of a file read in two parts, so they read the same). */
export function logReject(log: Logger, name: string, where: string, r: LoggedReject): void {
  const at = where === 'line' ? r.line : r.line - 1;
  const value = r.value && r.value.length > 80 ? r.value.slice(0, 80) + '…' : r.value;
  log.warn({ file: name, [where]: at, reason: r.reason, column: r.column, value }, `row rejected: ${name}${where === 'line' ? ':' : ' row '}${at}`);
}

function rowHandler(
  name: string,
  schema: TableSchema,
  builder: DatasetBuilder,
  opts: SinkOptions,
  state: SinkState,
  missing: Float64Array,
  rejected: Partial<Record<RejectReason, number>>,
): (rec: CsvRecord) => void {
  const maxLogged = opts.maxLoggedRejects ?? 20;
  const nf = schema.features.length;
  const counts = schema.features.map((f) => schema.featureTypes[f] !== 'number');
  let map: ColumnMap | null = null;
  const rowMissing = new Uint8Array(nf);
  // A file's rejects name its line; a database source's name the row of the result ("row").
  const where = opts.where ?? 'line';

  const reject = (rec: CsvRecord, reason: RejectReason, column?: string, value?: string) => {
    state.rowsRejected++;
    rejected[reason] = (rejected[reason] ?? 0) + 1;
    if (state.logged < maxLogged && (opts.log || opts.onReject)) {
      state.logged++;
      // Cut here too: a value sent to another thread need not be a whole 64 MiB field.
      const r = { line: rec.line, reason, column, value: value && value.length > 80 ? value.slice(0, 80) + '…' : value };
      if (opts.onReject) opts.onReject(r);
      else logReject(opts.log!, name, where, r);
    }
  };

  // Column positions, copied out of the header map into plain locals once it is known: this
  // callback runs once per row and property lookups through `map` showed in profiles.
  let fieldCount = 0;
  let featCols = new Int32Array(0);
  let idCol = -1;
  let targetCol = -1;
  const useMap = (m: ColumnMap) => {
    map = m;
    state.map = m;
    fieldCount = m.count;
    featCols = Int32Array.from(m.features);
    idCol = m.id;
    targetCol = m.target;
  };
  if (opts.map) useMap(opts.map);
  return (rec: CsvRecord) => {
    if (!map) {
      let m: ColumnMap;
      try {
        m = mapHeader(rec.texts(), schema);
      } catch (err) {
        throw new FileRejectedError(name, (err as Error).message, rec.line);
      }
      useMap(m);
      if (m.extra.length && opts.log) {
        // Bounded: a file with 10,000 columns must not put 10,000 names in one log line.
        const shown = m.extra.length <= 10 ? m.extra.join(', ') : `${m.extra.slice(0, 10).join(', ')} and ${m.extra.length - 10} more`;
        opts.log.warn({ file: name, columns: m.extra.slice(0, 10), extraColumns: m.extra.length }, `ignoring extra columns in ${name}: ${shown}`);
      }
      return;
    }
    state.rowsRead++;
    if (rec.count !== fieldCount) return reject(rec, 'field_count', undefined, `${rec.count} fields, header has ${fieldCount}`);
    if (rec.malformed) return reject(rec, 'malformed_quotes');
    const r = builder.next();
    const buf = rec.buf;
    const starts = rec.starts;
    const ends = rec.ends;
    const x = builder.x;
    for (let j = 0; j < nf; j++) {
      const c = featCols[j];
      let v: number;
      if (counts[j]) {
        v = parseCount(buf, starts[c], ends[c]);
        if (v === EMPTY) {
          v = Number.NaN;
          rowMissing[j] = 1;
        } else if (v === INVALID) {
          const text = rec.text(c);
          return reject(rec, classifyCount(text), schema.features[j], text);
        } else rowMissing[j] = 0;
      } else {
        const text = rec.text(c);
        if (text.trim() === '') {
          v = Number.NaN;
          rowMissing[j] = 1;
        } else {
          v = parseNumber(text);
          if (v !== v) return reject(rec, classifyNumber(text), schema.features[j], text);
          rowMissing[j] = 0;
        }
      }
      x[j][r] = v;
    }
    let label = NO_LABEL;
    if (targetCol >= 0) {
      label = parseLabel(buf, starts[targetCol], ends[targetCol]);
      if (label === EMPTY) {
        if (schema.requireTarget) return reject(rec, 'missing_label', schema.target);
        label = NO_LABEL;
      } else if (label === INVALID) {
        return reject(rec, 'invalid_label', schema.target, rec.text(targetCol));
      }
    }
    if (idCol >= 0 && ends[idCol] === starts[idCol] && schema.requireId) return reject(rec, 'missing_id', schema.id);
    builder.y[r] = label;
    for (let j = 0; j < nf; j++) missing[j] += rowMissing[j];
    // The id goes in as bytes straight from the record, unless quotes need unescaping.
    if (idCol < 0) builder.ids.pushString(`line-${rec.line}`);
    else if (rec.flags[idCol] & ESCAPED_QUOTES) builder.ids.pushString(rec.text(idCol));
    else builder.ids.pushBytes(buf, starts[idCol], ends[idCol]);
    builder.commit();
  };
}

/**
 * Files at least this large are parsed in two parts on two threads (the machine's second core):
 * 8 MiB, where the thread's start-up (~40 ms) is well repaid. RISKWATCH_PARALLEL_READ_BYTES
 * overrides it (the tests use small files; a huge value turns the split off).
 */
const PARALLEL_MIN_BYTES = byteCount(process.env.RISKWATCH_PARALLEL_READ_BYTES) ?? 8 << 20;
/** Where the second part starts, as a fraction of the file: the reader also hashes the whole file and takes the worker's rows in. */
const SPLIT_AT = 0.5;

function byteCount(v: string | undefined): number | undefined {
  const n = v === undefined || v.trim() === '' ? Number.NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Stream one data file into `builder`, validating every row against `schema`. All or nothing: if
 * the file turns out unusable the builder is truncated back and FileRejectedError names the reason.
 *
 * A large file (parallelMinBytes) is parsed in two parts: a worker thread parses the rows after
 * the first line break past the middle while this thread parses those before it, then hashes the
 * rest of the file; the worker's rows, counts and logged rejects (line numbers offset by this
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
  const before = await stat(path);
  const maxLogged = opts.maxLoggedRejects ?? 20;
  // Started first: its ~40 ms start-up overlaps this thread's first reads.
  const worker = before.size >= (opts.parallelMinBytes ?? PARALLEL_MIN_BYTES) ? PartWorker.start() : undefined;
  const hash = createHash('sha256');
  const sink = new CsvRowSink(name, schema, builder, opts);
  const fh = await open(path, 'r');
  let size = 0;
  let rowHashes: Uint32Array | undefined;
  try {
    const chunkBytes = opts.chunkBytes ?? 1 << 20;
    // Read-ahead: the next chunk is being read (in libuv's thread pool) while this one is parsed.
    // Two buffers, used in turn: the parser copies what it keeps, so a buffer is free again once
    // pushed. (A fresh buffer per chunk cost a page fault per 4 KiB of the file.)
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    /** Read bytes [from, stop) (or to the end), each chunk through `use`; returns the bytes read. */
    const pump = async (from: number, stop: number, use: (part: Buffer) => void): Promise<number> => {
      let pos = from;
      let turn = 0;
      const readChunk = (): Promise<Buffer> => {
        const want = Math.min(chunkBytes, stop - pos);
        if (want <= 0) return Promise.resolve(buffers[0].subarray(0, 0));
        const chunk = buffers[turn];
        turn ^= 1;
        const at = pos;
        pos += want;
        return fh.read(chunk, 0, want, at).then(({ bytesRead }) => chunk.subarray(0, bytesRead));
      };
      let pending = readChunk();
      let n = 0;
      for (;;) {
        const part = await pending;
        if (part.length === 0) break;
        pending = readChunk();
        pending.catch(() => {}); // surfaces at the next await; never an unhandled rejection
        n += part.length;
        use(part);
      }
      return n;
    };
    let reserved = false;
    const consume = (part: Buffer) => {
      hash.update(part);
      size += part.length;
      sink.push(part);
      if (!reserved && size < before.size) {
        // Size the columns for the whole file from the first chunk's rows, so they are not grown
        // by doubling (each doubling copies, and touches fresh memory). Only an estimate: they
        // still grow if the rest of the file has shorter rows.
        reserved = true;
        const rows = builder.rows - startRows;
        const scale = ((before.size - size) / size) * 1.1;
        if (rows > 0) builder.reserve(Math.ceil(rows * scale) + 64, Math.ceil((builder.ids.end - startIdBytes) * scale) + 1024);
      }
      opts.onBytes?.(size);
    };
    const split = worker ? await findSplit(fh, before.size) : -1;
    if (!worker || split < 0) {
      worker?.stop();
      await pump(0, Infinity, consume);
    } else {
      let parsing: ReturnType<PartWorker['parse']> | null = null;
      let usable = true;
      await pump(0, split, (part) => {
        consume(part);
        // The worker starts as soon as the header's column positions are known.
        if (!parsing && usable && sink.map) {
          if (sink.map.id < 0) usable = false;
          else parsing = worker.parse({ path, name, schema, map: sink.map, from: split, maxLoggedRejects: maxLogged, chunkBytes, hashes: opts.rowHashes === true });
        }
      });
      if (!parsing || sink.pendingBytes !== 0) {
        // No header yet, no id column, or the split fell inside a quoted field: one pass here.
        const why = !sink.map ? 'no header before the split' : !usable ? 'no id column' : 'split inside a quoted field';
        opts.log?.debug({ file: name, split }, `read ${name} in one part: ${why}`);
        worker.stop();
        await pump(split, Infinity, consume);
      } else {
        const lineOffset = sink.nextLine - 1;
        const rest = await pump(split, Infinity, (part) => {
          hash.update(part);
          size += part.length;
          opts.onBytes?.(size);
        });
        const mainHashes = opts.rowHashes ? hashRowsFrom(builder, startRows) : null;
        const r = await (parsing as ReturnType<PartWorker['parse']>);
        if ('error' in r) {
          // The worker failed (the part is unusable, or the thread could not run): parse it here,
          // which meets the same problem and reports it with the file's own line numbers.
          opts.log?.debug({ file: name, split, error: r.error }, `read ${name} in one part: the parse worker failed`);
          const again = await pump(split, Infinity, (part) => sink.push(part));
          if (again !== rest) throw changedError(name);
        } else {
          const p = r.part;
          if (p.bytes !== rest) throw changedError(name);
          builder.appendRows(p.x, p.y, p.ids, p.rows);
          if (mainHashes && p.hashes) {
            rowHashes = new Uint32Array(mainHashes.length + p.rows);
            rowHashes.set(mainHashes);
            rowHashes.set(p.hashes.subarray(0, p.rows), mainHashes.length);
          }
          const shown = opts.log ? p.rejects.slice(0, Math.max(0, maxLogged - sink.logged)) : [];
          for (const rej of shown) logReject(opts.log!, name, 'line', { ...rej, line: rej.line + lineOffset });
          sink.addCounts(p, shown.length);
          opts.log?.debug({ file: name, split, rows: [builder.rows - startRows - p.rows, p.rows] }, `read ${name} in two parts`);
        }
      }
    }
    if (!sink.end()) throw new FileRejectedError(name, size === 0 ? 'file is empty' : 'file has no header row (only blank lines)');
    const after = await stat(path);
    if (after.size !== size || after.mtimeMs !== before.mtimeMs) throw changedError(name);
  } catch (err) {
    builder.truncate(startRows);
    if (err instanceof FileRejectedError) throw err;
    if (err instanceof CsvFormatError) throw new FileRejectedError(name, err.message, err.line);
    throw err;
  } finally {
    worker?.stop();
    await fh.close();
  }
  return { size, sha256: hash.digest('hex'), ...sink.counts(), ...(rowHashes ? { rowHashes } : {}) };
}

function hashRowsFrom(builder: DatasetBuilder, from: number): Uint32Array {
  const ds = builder.build();
  const out = new Uint32Array(ds.rows - from);
  for (let r = from; r < ds.rows; r++) out[r - from] = hashRow(ds, r);
  return out;
}

function changedError(name: string): FileRejectedError {
  return new FileRejectedError(name, 'file changed while it was being read (still being written?); it will be read again next time');
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
