import type { Logger } from 'pino';
import { CsvParser, ESCAPED_QUOTES, type CsvRecord } from './csv/parser.js';
import { EMPTY, INVALID, REJECT_REASONS, parseLabel, type RejectReason } from './csv/cells.js';
import { DEFAULT_LABELS, expectedLabels, isDefaultLabels, labelOf } from './csv/labels.js';
import { REJECTED, kindOf } from './kinds/index.js';
import { mapHeader, type ColumnMap, type TableSchema } from './columns.js';
import { NO_LABEL, type DatasetBuilder } from './dataset.js';
import { FastRows } from './fast-row.js';
import type { ReadEncoding } from './csv/decode.js';
import type { FormattedRows, LineBuffer } from './csv-rows.js';

// The row validator every source feeds (files, database rows as CSV, the second part of a file
// on the parse worker's thread). Kept apart from read-data-file.ts so the worker's bundle holds
// no file-reading or hashing code it does not run.

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
  private fastRows: FastRows | null = null;
  private lines: LineBuffer | null = null;
  private readonly builder: DatasetBuilder;

  constructor(
    readonly name: string,
    readonly schema: TableSchema,
    builder: DatasetBuilder,
    opts: SinkOptions = {},
  ) {
    const nf = schema.features.length;
    this.missing = new Float64Array(nf);
    this.state = { map: opts.map ?? null, rowsRead: 0, rowsRejected: 0, logged: 0 };
    // Once the header is known, the usual rows take the fast path (fast-row.ts); the rest go
    // through rowHandler.
    const useFastPath = (m: ColumnMap) => {
      if (opts.fastPath !== false) this.parser.fast = this.fastRows = FastRows.for(m, schema, builder, this.missing);
      if (this.fastRows) this.fastRows.lines = this.lines;
    };
    const onFallback =
      opts.onFallback ??
      ((e: { line: number; utf8Before: boolean }) => {
        if (opts.log) logFallback(opts.log, name, e.line, e.utf8Before);
      });
    this.parser = new CsvParser(rowHandler(name, schema, builder, opts, this.state, this.missing, this.rejected, useFastPath), { midFile: opts.map !== undefined, encoding: schema.encoding ?? 'utf-8', onFallback });
    if (opts.map) useFastPath(opts.map);
    this.builder = builder;
  }

  /**
   * Make each row's finaldata.csv line as the rows come in (see LineBuffer; the fast path writes
   * them while it reads); `csvLines()` then gives them. Rows added before are formatted too.
   * null: no more lines.
   */
  keepLines(lines: LineBuffer | null): void {
    this.lines = lines;
    if (this.fastRows) this.fastRows.lines = lines;
  }

  /** The lines of every row added since keepLines' buffer began (after end()). */
  csvLines(): FormattedRows | null {
    return this.lines ? this.lines.finish(this.builder) : null;
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

  /** What the input is being read as (UTF-8, or the encoding it fell back to or its byte-order mark declared). */
  get encoding(): ReadEncoding {
    return this.parser.encoding;
  }

  /** The line input_encoding "auto" fell back to Windows-1252 at; 0 if it did not. */
  get fallbackLine(): number {
    return this.parser.fallbackLine;
  }

  /** Lines read as UTF-8 held characters beyond ASCII (input_encoding "auto" only). */
  get sawNonAscii(): boolean {
    return this.parser.sawNonAscii;
  }

  /** The line the next record starts on. */
  get nextLine(): number {
    return this.parser.nextLine;
  }

  /** Data rows read so far, valid or not (cheaper than counts()). */
  get rowsRead(): number {
    return this.state.rowsRead + (this.fastRows?.total ?? 0);
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
    const { rowsRejected, map } = this.state;
    const rowsRead = this.rowsRead;
    return { rowsRead, rowsAccepted: rowsRead - rowsRejected, rowsRejected, rejectedByReason: this.rejected, missing: missingOut, extraColumns: map?.extra ?? [] };
  }
}

/** A rejected row as logged: `line` is the file's line (or, for a database source, row + 1). */
export interface LoggedReject {
  line: number;
  reason: RejectReason;
  column?: string;
  value?: string;
  /** What the cell should have held, where the reason alone does not say (the label values). */
  expected?: string;
}

export interface SinkOptions {
  log?: Logger;
  /** Rejected rows logged one by one; the rest are only counted. Default 20. */
  maxLoggedRejects?: number;
  where?: string;
  /** The header was read elsewhere: the input holds rows only, starting at a record boundary. */
  map?: ColumnMap;
  /** Receives the rejects that would be logged (up to maxLoggedRejects) instead of `log`. */
  onReject?: (r: LoggedReject) => void;
  /** Take the usual rows by the fast path (fast-row.ts). Default true; false (tests) keeps every row on the general path. */
  fastPath?: boolean;
  /** Told instead of `log` when input_encoding "auto" falls back to Windows-1252 (the parse worker reports it back). */
  onFallback?: (e: { line: number; utf8Before: boolean }) => void;
}

interface SinkState {
  map: ColumnMap | null;
  rowsRead: number;
  rowsRejected: number;
  logged: number;
}

/**
 * The one warning for a file input_encoding "auto" read as Windows-1252: the file and the first
 * line that was not UTF-8. (`line` here is the file's own.)
 */
export function logFallback(log: Logger, name: string, line: number, utf8Before: boolean): void {
  const before = utf8Before ? '; the lines before it were valid UTF-8 and were read as UTF-8' : '';
  log.warn({ file: name, line, encoding: 'windows-1252' }, `${name} is not UTF-8 from line ${line} on: read as Windows-1252${before} (input_encoding "auto"; set input_encoding to the files' encoding to silence this)`);
}

/** One reject log line (shared by both parts of a file read in two parts, so they read the same). */
export function logReject(log: Logger, name: string, where: string, r: LoggedReject): void {
  const at = where === 'line' ? r.line : r.line - 1;
  const value = r.value && r.value.length > 80 ? r.value.slice(0, 80) + '…' : r.value;
  log.warn({ file: name, [where]: at, reason: r.reason, column: r.column, value, ...(r.expected !== undefined && { expected: r.expected }) }, `row rejected: ${name}${where === 'line' ? ':' : ' row '}${at}: ${rejectDetail(r.reason, r.column, value, r.expected)}`);
}

/** The reject's one line after its place: the column, what is wrong, what was there and, where it helps, what was expected. */
export function rejectDetail(reason: RejectReason, column: string | undefined, value: string | undefined, expected: string | undefined): string {
  const what = `${column !== undefined ? `column ${JSON.stringify(column)}: ` : ''}${REJECT_REASONS[reason]}`;
  const got = value !== undefined ? ` (got ${JSON.stringify(value)})` : '';
  return `${what}${got}${expected !== undefined ? `; expected ${expected}` : ''}`;
}

function rowHandler(
  name: string,
  schema: TableSchema,
  builder: DatasetBuilder,
  opts: SinkOptions,
  state: SinkState,
  missing: Float64Array,
  rejected: Partial<Record<RejectReason, number>>,
  onHeader: (m: ColumnMap) => void,
): (rec: CsvRecord) => void {
  const maxLogged = opts.maxLoggedRejects ?? 20;
  const nf = schema.features.length;
  // Each feature's kind reads its cells (kinds/): a number, a dictionary code, NaN or REJECTED.
  const kinds = schema.features.map((f) => kindOf(schema.featureTypes[f]));
  builder.useLevels(kinds.map((k) => k.storage === 'code'));
  const labels = schema.labels ?? DEFAULT_LABELS;
  const defaultLabels = isDefaultLabels(labels);
  const expected = expectedLabels(labels);
  let map: ColumnMap | null = null;
  const rowMissing = new Uint8Array(nf);
  // A file's rejects name its line; a database source's name the row of the result ("row").
  const where = opts.where ?? 'line';

  const reject = (rec: CsvRecord, reason: RejectReason, column?: string, value?: string, expected?: string) => {
    state.rowsRejected++;
    rejected[reason] = (rejected[reason] ?? 0) + 1;
    if (state.logged < maxLogged && (opts.log || opts.onReject)) {
      state.logged++;
      // Cut here too: a value sent to another thread need not be a whole 64 MiB field.
      const r: LoggedReject = { line: rec.line, reason, column, value: value && value.length > 80 ? value.slice(0, 80) + '…' : value };
      if (expected !== undefined) r.expected = expected;
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
      onHeader(m);
      if (m.extra.length && opts.log) {
        // Bounded: a file with 10,000 columns must not put 10,000 names in one log line.
        // A repeated name is listed once; the count says how many columns are ignored.
        const shown = m.extra.length <= 10 ? m.extra.join(', ') : `${m.extra.slice(0, 10).join(', ')} and ${m.extra.length - 10} more`;
        const columns = m.extraCount > m.extra.length ? ` (${m.extraCount} columns)` : '';
        opts.log.warn({ file: name, columns: m.extra.slice(0, 10), extraColumns: m.extraCount }, `ignoring extra columns in ${name}: ${shown}${columns}`);
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
      const kind = kinds[j];
      const v = kind.readCell(rec, c, builder.levels[j]);
      if (v === REJECTED) {
        const text = rec.text(c);
        return reject(rec, kind.rejectReason(text), schema.features[j], text);
      }
      rowMissing[j] = v !== v ? 1 : 0;
      x[j][r] = v;
    }
    let label = NO_LABEL;
    if (targetCol >= 0) {
      // "1" / "0" straight from the bytes; other labels (and odd white space) compared as text.
      label = defaultLabels ? parseLabel(buf, starts[targetCol], ends[targetCol]) : INVALID;
      if (label === INVALID) label = labelOf(rec.text(targetCol), labels);
      if (label === EMPTY) {
        if (schema.requireTarget) return reject(rec, 'missing_label', schema.target);
        label = NO_LABEL;
      } else if (label === INVALID) {
        return reject(rec, 'invalid_label', schema.target, rec.text(targetCol), expected);
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

