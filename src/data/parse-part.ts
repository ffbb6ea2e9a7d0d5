import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import type { RejectReason } from './csv/cells.js';
import type { ColumnMap, TableSchema } from './columns.js';
import { DatasetBuilder, type SharedColumns } from './dataset.js';
import { LineBuffer, type FormattedRows } from './csv-rows.js';
import { CsvRowSink, type LoggedReject } from './row-sink.js';

/**
 * The second part of a data file read in two parts (see readDataFile): the rows of bytes
 * [from, end of file), which start at a record boundary, validated exactly as the first part's
 * rows are, into columns of their own. Runs on the parse worker's thread (parse-worker.ts).
 * Line numbers in `rejects` count from the part's first line (1); the reader adds its offset.
 */
export interface PartRequest {
  path: string;
  name: string;
  schema: TableSchema;
  map: ColumnMap;
  from: number;
  maxLoggedRejects: number;
  chunkBytes: number;
  /** Also compute each row's hashRow (dedup), on this thread. */
  hashes: boolean;
  /** Also format each row as its finaldata.csv line, on this thread. */
  csvLines: boolean;
  /**
   * The reader's columns in shared memory: the rows go into their region for this part (see
   * DatasetBuilder.share), the dictionaries start as `levels` (the reader's so far).
   */
  into?: SharedColumns;
  levels?: (string[] | null)[];
  /** Stay after replying, for a CompactRequest (parse-worker.ts) or until stopped. */
  stay?: boolean;
}

export interface PartResult {
  /** Bytes parsed: from `from` to the end of the file as this thread saw it. */
  bytes: number;
  rows: number;
  x: Float64Array[];
  y: Uint8Array;
  ids: { starts: Uint32Array; lens: Uint32Array; bytes: Uint8Array; end: number };
  rowsRead: number;
  rowsRejected: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  missing: Float64Array;
  /** The first maxLoggedRejects rejects, lines relative to the part. */
  rejects: LoggedReject[];
  /** hashRow of each row, when asked for. */
  hashes: Uint32Array | null;
  /** The rows as finaldata.csv lines, when asked for. */
  lines: FormattedRows | null;
  /** Per feature, the part's own dictionary of a category column (its codes in x); the reader recodes them. */
  levels: (string[] | null)[];
  /** input_encoding "auto" fell back to Windows-1252 at this line of the part (0: it did not). */
  fallbackLine: number;
  /** Lines of the part read as UTF-8 held characters beyond ASCII (so reading them as Windows-1252 would differ). */
  sawNonAscii: boolean;
  /** The rows are all in the shared region they were asked into (`into`): nothing to copy. */
  inShared: boolean;
  /** The whole file's sha256 (hex), when the first part was hashed here first (hashFirstPart). */
  sha256: string | null;
}

/** Hash the file's bytes [0, hashTo) here, before the part is parsed (the reader then hashes nothing). */
export interface HashRequest {
  path: string;
  hashTo: number;
}

export interface FirstPartHash {
  hash: Hash;
  bytes: number;
}

/** The sha256 of bytes [0, hashTo) of the file so far; parsePart goes on with the bytes of its part. */
export function hashFirstPart(req: HashRequest): FirstPartHash {
  const hash = createHash('sha256');
  const fd = openSync(req.path, 'r');
  let bytes = 0;
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    while (bytes < req.hashTo) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, req.hashTo - bytes), bytes);
      if (n === 0) break;
      hash.update(n === chunk.length ? chunk : chunk.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { hash, bytes };
}

/** `first`: the file's first part hashed (ending where this part starts): its bytes are hashed on, and the file's sha256 returned. */
export function parsePart(req: PartRequest, first: FirstPartHash | null = null): PartResult {
  const hash = first && first.bytes === req.from ? first.hash : null;
  const builder = req.into ? DatasetBuilder.over(req.schema.features, req.into, req.levels ?? []) : new DatasetBuilder(req.schema.features, 1024, { hashes: req.hashes });
  const rejects: LoggedReject[] = [];
  let fallbackLine = 0;
  const sink = new CsvRowSink(req.name, req.schema, builder, { map: req.map, maxLoggedRejects: req.maxLoggedRejects, onReject: (r) => rejects.push(r), onFallback: (e) => (fallbackLine = e.line) });
  // Synchronous reads: this thread has nothing else to do meanwhile, and fs/promises' file
  // handles would cost the thread's start-up more module loading than the reads take.
  const fd = openSync(req.path, 'r');
  let bytes = 0;
  try {
    const size = fstatSync(fd).size;
    const part = Math.max(0, size - req.from);
    if (req.csvLines) sink.keepLines(new LineBuffer(0, Math.ceil(part * 1.1) + 5 * req.chunkBytes, Math.ceil(part / 64)));
    const chunk = Buffer.allocUnsafe(req.chunkBytes);
    // Columns in shared memory come sized for the part.
    let reserved = req.into !== undefined;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, req.from + bytes);
      if (n === 0) break;
      bytes += n;
      const read = n === chunk.length ? chunk : chunk.subarray(0, n);
      hash?.update(read);
      sink.push(read);
      if (!reserved && req.from + bytes < size && builder.rows > 0) {
        // Columns sized for the whole part from the first chunk's rows (as readDataFile does).
        reserved = true;
        const scale = ((size - req.from - bytes) / bytes) * 1.1;
        builder.reserve(Math.ceil(builder.rows * scale) + 64, Math.ceil(builder.ids.end * scale) + 1024);
      }
    }
    sink.end();
  } finally {
    closeSync(fd);
  }
  const c = sink.counts();
  const missing = new Float64Array(req.schema.features.map((f) => c.missing[f]));
  const ids = builder.ids;
  // The row hashes were made as the rows were added (the builder keeps them when asked).
  const hashes = builder.hashes ? builder.hashes.subarray(0, builder.rows) : null;
  const lines = sink.csvLines();
  return {
    bytes,
    rows: builder.rows,
    x: builder.x,
    y: builder.y,
    ids: { starts: ids.starts, lens: ids.lens, bytes: ids.bytes, end: ids.end },
    rowsRead: c.rowsRead,
    rowsRejected: c.rowsRejected,
    rejectedByReason: c.rejectedByReason,
    missing,
    rejects,
    hashes,
    lines,
    levels: builder.levels.map((l) => (l ? l.texts : null)),
    fallbackLine,
    sawNonAscii: sink.sawNonAscii,
    inShared: builder.inShared(),
    sha256: hash ? hash.digest('hex') : null,
  };
}
