import { join } from 'node:path';
import type { Context } from '../context.js';
import { codedFeatures, datasetSchema } from '../data/columns.js';
import { warnManyCategories } from './category-warnings.js';
import type { ReadEncoding } from '../data/csv/decode.js';
import { DatasetBuilder, countMissing } from '../data/dataset.js';
import { MAX_SEGMENTS, appendDataset, openDatasetOnDisk, readDataset, sha256File, writeCsvAhead, writeDataset, type DatasetOnDisk, type Preformatted } from '../data/dataset-files.js';
import type { FormattedRows } from '../data/csv-rows.js';
import { compactRows, compactShared, markDuplicates } from '../data/find-duplicates.js';
import type { PartWorker } from '../data/parse-worker-client.js';
import { findNewDuplicates } from '../data/find-new-duplicates.js';
import { FileRejectedError, readDataFile } from '../data/read-data-file.js';
import type { IngestedFileRecord, SourceReadRecord } from '../store/types.js';
import type { SourceConfig } from '../config/load.js';
import { openDatabaseSource } from '../data/sources/open-source.js';
import type { SourceRead } from '../data/sources/types.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { nowIso } from '../util/time.js';
import { listDataFiles } from '../data/list-files.js';
import { rejectUnreadable, unreadable } from './unreadable.js';

/** What a file or a source contributed to an ingest. */
export interface IngestCounts {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  duplicates: number;
  /** Rows added to the dataset (accepted minus duplicates). */
  rowsAdded: number;
  rejectedByReason: Record<string, number>;
  missing: Record<string, number>;
}

export interface IngestFileResult extends IngestCounts {
  name: string;
  status: 'ingested' | 'skipped' | 'rejected';
  size?: number;
  sha256?: string;
  reason?: string;
  /** Set when the file was not read as UTF-8: the encoding it was read in (input_encoding, its byte-order mark, or "auto"'s fallback). */
  encoding?: ReadEncoding;
  /** input_encoding "auto" read the file as Windows-1252 from this line on: the first line that was not UTF-8. */
  notUtf8Line?: number;
}

/** One configured source's part in an ingest (`sources` in `ingest --json`). */
export interface IngestSourceResult extends IngestCounts {
  name: string;
  type: SourceConfig['type'];
  status: 'ingested' | 'unchanged' | 'failed';
  /** Folder path, SQLite file, or PostgreSQL URL with the password masked. */
  location: string;
  /** Folder sources: files read this time. */
  files?: number;
  /** Database sources with a watermark column: where the next read starts. */
  watermark?: string | null;
  /** Why the source failed (or a note, e.g. ignored columns); never holds a password. */
  error?: string;
}

export interface IngestResult {
  files: IngestFileResult[];
  /** Every configured source, in config order, with its status and counts. */
  sources: IngestSourceResult[];
  sourcesFailed: number;
  /** Rows in the combined dataset after this ingest. */
  rowsTotal: number;
  rowsAdded: number;
  duplicatesDropped: number;
  rowsRejected: number;
  /** True when this ingest added rows: the dataset changed. */
  newData: boolean;
  datasetHash: string | null;
  datasetPath: string | null;
}

const INGESTED_FILES_JSON = 'ingestedfiles.json';

/**
 * Read every new or changed data file in the input folder into the combined dataset. Files are
 * all-or-nothing; the dataset only grows (nothing ingested before is lost) and is replaced
 * atomically; the store records each file by name, size and sha256 so an unchanged file is not
 * read twice and a changed one is.
 */
export async function ingest(ctx: Context): Promise<IngestResult> {
  const { config, store } = ctx;
  const startedAt = nowIso();
  const schema = datasetSchema(config);
  const known = new Map((await store.latestFileRecords()).map((r) => [r.name, r]));
  const sourceStates = new Map((await store.latestSourceReads()).map((r) => [r.source, r]));

  const onDisk = await openDatasetOnDisk(config.outputFolder, schema.features, codedFeatures(schema));
  const helper: Helper = {};
  try {
    return await ingestInto(ctx, startedAt, schema, known, sourceStates, onDisk, helper);
  } finally {
    helper.worker?.stop();
    await onDisk?.close();
  }
}

async function ingestInto(
  ctx: Context,
  startedAt: string,
  schema: ReturnType<typeof datasetSchema>,
  known: Map<string, IngestedFileRecord>,
  sourceStates: Map<string, SourceReadRecord>,
  onDisk: DatasetOnDisk | undefined,
  helper: Helper,
): Promise<IngestResult> {
  const { config, store, log } = ctx;
  const recorded = await store.latestDataset();
  let recovering = false;
  if (recorded && onDisk?.hash !== recorded.hash) {
    recovering = true;
    // The dataset on disk is not the one the store last recorded (deleted, replaced, or a crash
    // between writing it and recording it): read every source again, from the start. Dedup makes
    // this exact, and rows already on disk are kept, so nothing ingested before is lost.
    log.warn({ onDisk: onDisk?.hash ?? null, recorded: recorded.hash }, 'dataset on disk differs from the last recorded one; re-reading every source');
    known.clear();
    sourceStates.clear();
  }

  // Append (the usual case): the builder holds only the rows read now, which are checked against
  // the stored rows' hashes and appended as a new segment. Otherwise (first ingest, recovery, a
  // dataset read back from its CSV, or MAX_SEGMENTS reached) the builder starts with the existing
  // rows and the whole dataset is deduplicated and rewritten — which also compacts the segments.
  const segments = !recovering && onDisk?.segments && onDisk.segments.length < MAX_SEGMENTS ? onDisk.segments : null;
  const append = segments !== null;
  // A value_column set after the dataset was written: its older rows have no value (missing).
  const existing = onDisk && !append ? await readDataset(config.outputFolder, schema, { optional: config.valueColumn ? [config.valueColumn] : [] }) : undefined;
  const previousRows = existing?.dataset.rows ?? 0;
  // The builder keeps each row's hash as rows come in (the CSV fast path makes it while parsing).
  const builder = existing ? DatasetBuilder.from(existing.dataset, { hashes: true }) : new DatasetBuilder(schema.features, 1024, { hashes: true });
  const results: IngestFileResult[] = [];
  const sources: IngestSourceResult[] = [];
  const records: IngestedFileRecord[] = [];
  // Rows appended per file and per database source, to count their duplicates afterwards.
  const read: FolderWork['read'] = [];
  const dbReads: Array<{ res: IngestSourceResult; start: number; end: number; read: SourceRead | null }> = [];

  // Sources in config order, each all-or-nothing; one that fails is reported and the others go on.
  let firstFolder = true;
  for (const src of config.sources) {
    if (src.type === 'folder') {
      // The first folder source's files keep their bare names (as before `sources` existed).
      const prefix = firstFolder ? '' : `${src.name}/`;
      firstFolder = false;
      const res = emptySource(src.name, 'folder', src.path, schema.features);
      sources.push(res);
      try {
        await ingestFolder(ctx, src.path, src.extension, prefix, { known, builder, results, records, read, source: res, schema, helper });
      } catch (err) {
        res.status = 'failed';
        res.error = `folder ${src.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        log.error({ source: src.name }, `source failed: ${src.name}: ${res.error}`);
      }
      continue;
    }
    const source = await openDatabaseSource(src);
    const res = emptySource(src.name, src.type, source.location, schema.features);
    sources.push(res);
    const start = builder.rows;
    const state = sourceStates.get(src.name) ?? null;
    try {
      const t0 = performance.now();
      const r = await source.read(state, schema, builder, log);
      Object.assign(res, { rowsRead: r.rowsRead, rowsAccepted: r.rowsAccepted, rowsRejected: r.rowsRejected, rejectedByReason: r.rejectedByReason as Record<string, number>, missing: r.missing });
      res.status = r.unchanged ? 'unchanged' : 'ingested';
      if (src.watermark) res.watermark = r.watermark;
      if (r.extraColumns.length) log.info({ source: src.name, columns: r.extraColumns.slice(0, 10) }, `source ${src.name}: columns not read: ${namesShort(r.extraColumns)}`);
      dbReads.push({ res, start, end: builder.rows, read: r });
      log.debug({ source: src.name, ms: Math.round(performance.now() - t0) }, `read source ${src.name}`);
    } catch (err) {
      builder.truncate(start);
      res.status = 'failed';
      res.error = (err as Error).message;
      log.error({ source: src.name }, `source failed: ${res.error}`);
      dbReads.push({ res, start, end: start, read: null });
    } finally {
      await source.close();
    }
  }

  // Duplicates are found in one pass over the whole dataset (existing rows first, then sources in
  // config order, a folder's files in name order), so the first occurrence is the one kept.
  // Dedup works on the hashes the builder made as the rows were read (compacted with the rows below).
  let rowHashes: Uint32Array = builder.hashes!.subarray(0, builder.rows);
  const duplicate = append ? findNewDuplicates(segments, builder.build(), rowHashes) : markDuplicates(builder.build(), rowHashes);
  const countIn = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) n += duplicate[i];
    return n;
  };
  const existingDuplicates = countIn(0, previousRows);
  if (existingDuplicates) log.warn({ duplicates: existingDuplicates }, `existing dataset held ${existingDuplicates} duplicate rows; dropped`);
  for (const { res, start, end, path, mtimeMs, ingestedAt, source } of read) {
    res.duplicates = countIn(start, end);
    res.rowsAdded = res.rowsAccepted - res.duplicates;
    source.duplicates += res.duplicates;
    source.rowsAdded += res.rowsAdded;
    log.info({ file: res.name, rowsRead: res.rowsRead, rowsAdded: res.rowsAdded, rejected: res.rowsRejected, duplicates: res.duplicates }, `ingested ${res.name}`);
    records.push({ ...toRecord(res, path, ingestedAt), mtimeMs });
  }
  for (const { res, start, end } of dbReads) {
    res.duplicates = countIn(start, end);
    res.rowsAdded = res.rowsAccepted - res.duplicates;
    if (res.status === 'ingested') log.info({ source: res.name, rowsRead: res.rowsRead, rowsAdded: res.rowsAdded, rejected: res.rowsRejected, duplicates: res.duplicates }, `ingested source ${res.name}`);
  }
  warnManyCategories(log, config, builder, segments);
  const pre = preformattedLines(read, builder.rows, duplicate);
  const cols = { id: config.id, target: config.target };
  // The kept parse worker starts compacting the shared columns now, beside the CSV's start below.
  const compaction = startCompaction(builder, duplicate, helper);
  // A fresh finaldata.csv from preformatted lines needs only the duplicate mask: its writes go out
  // now, while the columns are compacted (aborted below if the dataset is not written after all).
  const ahead = pre && !append ? await writeCsvAhead(config.outputFolder, builder.features, cols, pre) : undefined;
  // The kept rows' missing cells, counted as they are compacted (the writer stores them in the .bin header too).
  const missingKept = new Float64Array(builder.features.length);
  try {
    rowHashes = keepUnmasked(rowHashes, duplicate);
    builder.truncate(await finishCompaction(builder, duplicate, missingKept, compaction));
  } catch (err) {
    await ahead?.abort();
    throw err;
  }

  const rowsAdded = builder.rows - (previousRows - existingDuplicates);
  const rowsTotal = append ? onDisk!.rows + builder.rows : builder.rows;
  let datasetHash = onDisk?.hash ?? null;
  let datasetPath: string | null = onDisk ? join(config.outputFolder, 'finaldata.csv') : null;
  const ingestedAny = results.some((r) => r.status === 'ingested') || dbReads.some((d) => d.res.status === 'ingested');
  const mustWrite = rowsAdded > 0 || existingDuplicates > 0 || (!onDisk && ingestedAny);
  let datasetRecord = null;
  if (mustWrite) {
    const ds = builder.build();
    const added = Object.fromEntries(ds.features.map((f, j) => [f, missingKept[j]]));
    const written = append ? await appendDataset(config.outputFolder, onDisk!, ds, rowHashes, cols, pre, added) : await writeDataset(config.outputFolder, ds, cols, rowHashes, pre, added, ahead);
    const missing = append ? addCounts(onDisk!.missing, added) : added;
    datasetHash = written.hash;
    datasetPath = written.csvPath;
    datasetRecord = { hash: written.hash, rows: rowsTotal, path: written.csvPath, createdAt: nowIso(), missing };
    log.debug({ mode: append ? 'append' : 'rewrite', segments: segments ? segments.length + 1 : 1, csvLines: pre ? 'copied' : 'formatted', compacted: compaction ? 'two threads' : 'one thread' }, 'dataset written');
  } else if (onDisk && onDisk.hash !== recorded?.hash) {
    // The dataset on disk was written but never recorded (a crash between the two): record it
    // now, or the store would go on naming an older dataset than the one models train on.
    datasetRecord = { hash: onDisk.hash, rows: rowsTotal, path: join(config.outputFolder, 'finaldata.csv'), createdAt: nowIso(), missing: append ? onDisk.missing : countMissing(builder.build()) };
  }
  // writeDataset took `ahead` over (it aborts it if it fails); otherwise it is not needed.
  if (!mustWrite) await ahead?.abort();

  const readAt = nowIso();
  const sourceRecords: SourceReadRecord[] = sources.map((res) => {
    const db = dbReads.find((d) => d.res === res);
    return {
      source: res.name,
      type: res.type,
      status: res.status,
      rowsRead: res.rowsRead,
      rowsAccepted: res.rowsAccepted,
      rowsRejected: res.rowsRejected,
      duplicates: res.duplicates,
      rowsAdded: res.rowsAdded,
      rejectedByReason: res.rejectedByReason,
      // The new watermark is recorded with the dataset, in one transaction: a crash before this
      // means the rows are read again next time, and dedup keeps the dataset exact.
      watermark: db?.read?.watermark ?? null,
      contentHash: db?.read?.contentHash ?? null,
      error: res.status === 'failed' ? (res.error ?? null) : null,
      readAt,
    };
  });
  const rowsRejected = results.reduce((s, r) => s + (r.status === 'ingested' ? r.rowsRejected : 0), 0) + dbReads.reduce((s, d) => s + d.res.rowsRejected, 0);
  const duplicatesDropped = results.reduce((s, r) => s + r.duplicates, 0) + dbReads.reduce((s, d) => s + d.res.duplicates, 0) + existingDuplicates;
  await store.recordIngestion(
    {
      startedAt,
      finishedAt: nowIso(),
      filesIngested: results.filter((r) => r.status === 'ingested').length,
      filesRejected: results.filter((r) => r.status === 'rejected').length,
      filesSkipped: results.filter((r) => r.status === 'skipped').length,
      rowsAdded,
      rowsRejected,
      duplicatesDropped,
      datasetHash,
    },
    records,
    datasetRecord,
    sourceRecords,
  );
  // The seed's list of ingested file names, kept for compatibility.
  const ingestedNames = (await store.latestFileRecords()).filter((r) => r.status === 'ingested').map((r) => r.name);
  writeFileAtomicSync(join(config.outputFolder, INGESTED_FILES_JSON), JSON.stringify(ingestedNames, null, 2) + '\n');

  return {
    files: results,
    sources,
    sourcesFailed: sources.filter((x) => x.status === 'failed').length,
    rowsTotal,
    rowsAdded,
    duplicatesDropped,
    rowsRejected,
    newData: rowsAdded > 0,
    datasetHash,
    datasetPath,
  };
}

interface FolderWork {
  known: Map<string, IngestedFileRecord>;
  builder: DatasetBuilder;
  results: IngestFileResult[];
  records: IngestedFileRecord[];
  read: Array<{ res: IngestFileResult; start: number; end: number; path: string; mtimeMs: number; ingestedAt: string; source: IngestSourceResult; csvLines?: FormattedRows[] }>;
  source: IngestSourceResult;
  schema: ReturnType<typeof datasetSchema>;
  helper: Helper;
}

/** The last large file's parse worker, kept to compact the shared columns alongside this thread (stopped when the ingest ends). */
interface Helper {
  worker?: PartWorker;
}

/** Every new or changed data file of one folder, in name order, each all-or-nothing. */
async function ingestFolder(ctx: Context, folder: string, extension: string, prefix: string, w: FolderWork): Promise<void> {
  const { log, progress } = ctx;
  const { known, builder, results, records, read, source, schema, helper } = w;
  const candidates = await listDataFiles(folder, extension);
  const toRead: Array<{ name: string; path: string; size: number; sha256: string; mtimeMs: number }> = [];
  for (const c of candidates) {
    const name = prefix + c.name;
    if (c.problem) {
      log.warn({ file: name }, `file rejected: ${name} ${c.problem}`);
      results.push(emptyResult(name, 'rejected', c.problem));
      continue;
    }
    const prev = known.get(name);
    // Only a file that could be unchanged (same size as when recorded) is hashed up front; any
    // other is new or changed for certain, and is hashed while it is parsed.
    let sha256 = '';
    try {
      if (prev && prev.size === c.size) sha256 = await sha256File(c.path);
    } catch (err) {
      if (err instanceof FileRejectedError) {
        // Swapped for a FIFO or a folder since it was listed: as if listed so.
        log.warn({ file: name }, `file rejected: ${name} ${err.reason}`);
        results.push(emptyResult(name, 'rejected', err.reason));
        continue;
      }
      if (!unreadable(err)) throw err;
      rejectUnreadable(ctx, name, err, results);
      continue;
    }
    if (prev && prev.sha256 === sha256) {
      const reason = prev.status === 'rejected' ? `unchanged since it was rejected: ${prev.reason}` : 'unchanged since last ingest';
      results.push({ ...emptyResult(name, 'skipped', reason), size: c.size, sha256 });
      continue;
    }
    toRead.push({ name, path: c.path, size: c.size, sha256, mtimeMs: c.mtimeMs });
  }

  const totalBytes = toRead.reduce((s, f) => s + f.size, 0);
  let doneBytes = 0;
  progress.start(totalBytes, 'ingest');
  for (const f of toRead) {
    const ingestedAt = nowIso();
    const start = builder.rows;
    try {
      const r = await readDataFile(f.path, schema, builder, { log, csvLines: true, keepWorker: true, onBytes: (b) => progress.update(doneBytes + b) });
      if (r.worker) {
        helper.worker?.stop();
        helper.worker = r.worker;
      }
      const res: IngestFileResult = {
        name: f.name,
        status: 'ingested',
        rowsRead: r.rowsRead,
        rowsAccepted: r.rowsAccepted,
        rowsRejected: r.rowsRejected,
        duplicates: 0,
        rowsAdded: 0,
        rejectedByReason: r.rejectedByReason as Record<string, number>,
        missing: r.missing,
        size: r.size,
        sha256: r.sha256,
        ...(r.encoding !== 'utf-8' && { encoding: r.encoding }),
        ...(r.fallbackLine !== undefined && { notUtf8Line: r.fallbackLine }),
      };
      if (r.extraColumns.length) res.reason = `ignored extra columns: ${namesShort(r.extraColumns)}`;
      results.push(res);
      read.push({ res, start, end: builder.rows, path: f.path, mtimeMs: f.mtimeMs, ingestedAt, source, csvLines: r.csvLines });
      source.status = 'ingested';
      source.files = (source.files ?? 0) + 1;
      source.rowsRead += r.rowsRead;
      source.rowsAccepted += r.rowsAccepted;
      source.rowsRejected += r.rowsRejected;
      for (const [k, v] of Object.entries(r.rejectedByReason)) source.rejectedByReason[k] = (source.rejectedByReason[k] ?? 0) + (v ?? 0);
      for (const [k, v] of Object.entries(r.missing)) source.missing[k] = (source.missing[k] ?? 0) + v;
    } catch (err) {
      if (unreadable(err)) {
        rejectUnreadable(ctx, f.name, err, results);
        doneBytes += f.size;
        continue;
      }
      if (!(err instanceof FileRejectedError)) throw err;
      const where = err.line ? ` (line ${err.line})` : '';
      log.warn({ file: f.name, line: err.line, reason: err.reason }, `file rejected: ${f.name}${where}: ${err.reason}`);
      // A rejected file is recorded by hash too, so it is not re-read until it changes.
      const sha256 = f.sha256 || (await sha256File(f.path).catch(() => ''));
      const res: IngestFileResult = { ...emptyResult(f.name, 'rejected', `${err.reason}${where}`), size: f.size, sha256 };
      results.push(res);
      // Not recorded when it was still being written: it must be read again next time.
      if (!err.reason.startsWith('file changed while')) records.push({ ...toRecord(res, f.path, ingestedAt), mtimeMs: f.mtimeMs });
    }
    doneBytes += f.size;
  }
  progress.stop();
}

/**
 * The finaldata.csv lines files read in two parts came with, when they cover every row being
 * written (rows [0, rows) before dedup: no existing rows rewritten, no database source); the
 * writer then copies the kept rows' lines instead of formatting them.
 */
function preformattedLines(read: FolderWork['read'], rows: number, dropped: Uint8Array): Preformatted | undefined {
  const parts: FormattedRows[] = [];
  let at = 0;
  for (const r of [...read].sort((a, b) => a.start - b.start)) {
    if (r.start !== at || !r.csvLines) return undefined;
    parts.push(...r.csvLines);
    at = r.end;
  }
  return at === rows && rows > 0 ? { parts, dropped } : undefined;
}

/** Shared columns being compacted by the kept parse worker and this thread (compactShared). */
interface Compaction {
  away: number[];
  cols: Float64Array[];
  n: number;
  next: Int32Array;
  missing: Float64Array;
  done: Promise<{ ok: true } | { error: string }>;
}

/**
 * Start compacting the feature columns in shared memory on the kept parse worker (undefined when
 * there is none): it works while this thread goes on (finaldata.csv's lines hashed), then this
 * thread joins in (finishCompaction). Column by column, so the result is the same whichever
 * thread compacts a column.
 */
function startCompaction(builder: DatasetBuilder, mask: Uint8Array, helper: Helper): Compaction | undefined {
  const worker = helper.worker;
  if (!worker) return undefined;
  const away: number[] = [];
  builder.x.forEach((c, f) => {
    if (c.buffer instanceof SharedArrayBuffer) away.push(f);
  });
  if (away.length === 0) return undefined;
  const cols = away.map((f) => builder.x[f]);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const missing = new Float64Array(new SharedArrayBuffer(8 * away.length));
  const n = builder.rows;
  return { away, cols, n, next, missing, done: worker.compact({ compact: cols, mask, n, next, missing }) };
}

/**
 * compactRows, the columns `c` covers compacted with the worker (this thread takes those it has
 * not taken yet). A worker that fails fails the ingest (a column may be half-compacted); nothing
 * has been committed by then.
 */
async function finishCompaction(builder: DatasetBuilder, mask: Uint8Array, missing: Float64Array, c: Compaction | undefined): Promise<number> {
  if (!c) return compactRows(builder, mask, missing);
  compactShared(c.cols, mask, c.n, c.next, c.missing);
  const rows = compactRows(builder, mask, missing, new Set(c.away));
  const r = await c.done;
  if ('error' in r) throw new Error(`compacting the dataset's columns: ${r.error}`);
  c.away.forEach((f, i) => (missing[f] = c.missing[i]));
  return rows;
}

/** The values whose mask entry is 0, in order (the row hashes of the rows compactRows keeps). */
function keepUnmasked(values: Uint32Array, mask: Uint8Array): Uint32Array {
  let w = 0;
  for (let i = 0; i < values.length; i++) if (!mask[i]) values[w++] = values[i];
  return values.subarray(0, w);
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function emptySource(name: string, type: SourceConfig['type'], location: string, features: string[]): IngestSourceResult {
  return { name, type, status: 'unchanged', location, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, duplicates: 0, rowsAdded: 0, rejectedByReason: {}, missing: Object.fromEntries(features.map((f) => [f, 0])) };
}

/** A list of names for a one-line message: the first ten, then how many more (a file may have 10,000 columns). */
export function namesShort(names: string[], shown = 10): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

function emptyResult(name: string, status: IngestFileResult['status'], reason: string): IngestFileResult {
  return { name, status, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, duplicates: 0, rowsAdded: 0, rejectedByReason: {}, missing: {}, reason };
}

function toRecord(r: IngestFileResult, path: string, ingestedAt: string): IngestedFileRecord {
  return {
    name: r.name,
    path,
    size: r.size ?? 0,
    sha256: r.sha256 ?? '',
    status: r.status === 'ingested' ? 'ingested' : 'rejected',
    rowsRead: r.rowsRead,
    rowsAccepted: r.rowsAccepted,
    rowsRejected: r.rowsRejected,
    duplicates: r.duplicates,
    rejectedByReason: r.rejectedByReason,
    missing: r.missing,
    reason: r.reason,
    ingestedAt,
  };
}
