import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { CsvFormatError, CsvParser, ESCAPED_QUOTES, type CsvRecord } from './csv/parser.js';
import { EMPTY, INVALID, classifyCount, classifyNumber, parseCount, parseLabel, parseNumber, type RejectReason } from './csv/cells.js';
import { mapHeader, type ColumnMap, type TableSchema } from './columns.js';
import { NO_LABEL, type DatasetBuilder } from './dataset.js';

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
   * builder here, so the file is never held in memory whole.
   */
  onChunk?: () => void | Promise<void>;
  /** Size the builder for the whole file after the first chunk (default true); off when it is emptied per chunk. */
  reserve?: boolean;
  /** Compute the file's sha256 (default true); `sha256` is '' without. */
  hash?: boolean;
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
  private readonly state: { map: ColumnMap | null; rowsRead: number; rowsRejected: number };
  private readonly missing: Float64Array;
  private readonly rejected: Partial<Record<RejectReason, number>> = {};

  constructor(
    readonly name: string,
    readonly schema: TableSchema,
    builder: DatasetBuilder,
    opts: Pick<ReadOptions, 'log' | 'maxLoggedRejects'> & { where?: string } = {},
  ) {
    const nf = schema.features.length;
    this.missing = new Float64Array(nf);
    this.state = { map: null, rowsRead: 0, rowsRejected: 0 };
    this.parser = new CsvParser(rowHandler(name, schema, builder, opts, this.state, this.missing, this.rejected));
  }

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  /** Flush the last record; false when no header was ever seen. */
  end(): boolean {
    this.parser.end();
    return this.state.map !== null;
  }

  counts(): RowCounts {
    const missingOut: Record<string, number> = {};
    this.schema.features.forEach((f, j) => (missingOut[f] = this.missing[j]));
    const { rowsRead, rowsRejected, map } = this.state;
    return { rowsRead, rowsAccepted: rowsRead - rowsRejected, rowsRejected, rejectedByReason: this.rejected, missing: missingOut, extraColumns: map?.extra ?? [] };
  }
}

function rowHandler(
  name: string,
  schema: TableSchema,
  builder: DatasetBuilder,
  opts: Pick<ReadOptions, 'log' | 'maxLoggedRejects'> & { where?: string },
  state: { map: ColumnMap | null; rowsRead: number; rowsRejected: number },
  missing: Float64Array,
  rejected: Partial<Record<RejectReason, number>>,
): (rec: CsvRecord) => void {
  const maxLogged = opts.maxLoggedRejects ?? 20;
  const nf = schema.features.length;
  const counts = schema.features.map((f) => schema.featureTypes[f] !== 'number');
  let map: ColumnMap | null = null;
  let logged = 0;
  const rowMissing = new Uint8Array(nf);
  // A file's rejects name its line; a database source's name the row of the result ("row").
  const where = opts.where ?? 'line';

  const reject = (rec: CsvRecord, reason: RejectReason, column?: string, value?: string) => {
    state.rowsRejected++;
    rejected[reason] = (rejected[reason] ?? 0) + 1;
    if (logged < maxLogged && opts.log) {
      logged++;
      const at = where === 'line' ? rec.line : rec.line - 1;
      opts.log.warn({ file: name, [where]: at, reason, column, value: value && value.length > 80 ? value.slice(0, 80) + '…' : value }, `row rejected: ${name}${where === 'line' ? ':' : ' row '}${at}`);
    }
  };

  // Column positions, copied out of the header map into plain locals once it is known: this
  // callback runs once per row and property lookups through `map` showed in profiles.
  let fieldCount = 0;
  let featCols = new Int32Array(0);
  let idCol = -1;
  let targetCol = -1;
  return (rec: CsvRecord) => {
    if (!map) {
      try {
        map = mapHeader(rec.texts(), schema);
      } catch (err) {
        throw new FileRejectedError(name, (err as Error).message, rec.line);
      }
      state.map = map;
      fieldCount = map.count;
      featCols = Int32Array.from(map.features);
      idCol = map.id;
      targetCol = map.target;
      if (map.extra.length && opts.log) {
        // Bounded: a file with 10,000 columns must not put 10,000 names in one log line.
        const shown = map.extra.length <= 10 ? map.extra.join(', ') : `${map.extra.slice(0, 10).join(', ')} and ${map.extra.length - 10} more`;
        opts.log.warn({ file: name, columns: map.extra.slice(0, 10), extraColumns: map.extra.length }, `ignoring extra columns in ${name}: ${shown}`);
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
 * Stream one data file into `builder`, validating every row against `schema`. All or nothing: if
 * the file turns out unusable the builder is truncated back and FileRejectedError names the reason.
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
  const hash = opts.hash === false ? undefined : createHash('sha256');
  const sink = new CsvRowSink(name, schema, builder, opts);
  const fh = await open(path, 'r');
  let size = 0;
  try {
    const chunkBytes = opts.chunkBytes ?? 1 << 20;
    // Read-ahead: the next chunk is being read (in libuv's thread pool) while this one is parsed.
    // Two buffers, used in turn: the parser copies what it keeps, so a buffer is free again once
    // pushed. (A fresh buffer per chunk cost a page fault per 4 KiB of the file.)
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    let turn = 0;
    const readChunk = () => {
      const chunk = buffers[turn];
      turn ^= 1;
      return fh.read(chunk, 0, chunkBytes, null).then(({ bytesRead }) => (bytesRead === chunkBytes ? chunk : chunk.subarray(0, bytesRead)));
    };
    let pending = readChunk();
    let reserved = opts.reserve === false;
    for (;;) {
      const part = await pending;
      if (part.length === 0) break;
      pending = readChunk();
      pending.catch(() => {}); // surfaces at the next await; never an unhandled rejection
      hash?.update(part);
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
      if (opts.onChunk) await opts.onChunk();
    }
    if (!sink.end()) throw new FileRejectedError(name, size === 0 ? 'file is empty' : 'file has no header row (only blank lines)');
    const after = await stat(path);
    if (after.size !== size || after.mtimeMs !== before.mtimeMs) {
      throw new FileRejectedError(name, 'file changed while it was being read (still being written?); it will be read again next time');
    }
  } catch (err) {
    builder.truncate(startRows);
    if (err instanceof FileRejectedError) throw err;
    if (err instanceof CsvFormatError) throw new FileRejectedError(name, err.message, err.line);
    throw err;
  } finally {
    await fh.close();
  }
  return { size, sha256: hash ? hash.digest('hex') : '', ...sink.counts() };
}
