import type { Context } from '../context.js';
import type { datasetSchema } from '../data/columns.js';
import type { DatasetBuilder } from '../data/dataset.js';
import { sha256File, type Preformatted } from '../data/dataset-files.js';
import type { FormattedRows } from '../data/csv-rows.js';
import { FileRejectedError, readDataFile } from '../data/read-data-file.js';
import type { IngestedFileRecord } from '../store/types.js';
import { nowIso } from '../util/time.js';
import { listDataFiles } from '../data/list-files.js';
import { rejectUnreadable, unreadable } from './unreadable.js';
import type { Helper } from './helper-thread.js';
import type { IngestFileResult, IngestSourceResult } from './ingest-types.js';

// One folder source's files read into the dataset builder (ingest.ts goes through the sources in
// turn), and the records and results they give.

export interface FolderWork {
  known: Map<string, IngestedFileRecord>;
  builder: DatasetBuilder;
  results: IngestFileResult[];
  records: IngestedFileRecord[];
  read: Array<{ res: IngestFileResult; start: number; end: number; path: string; mtimeMs: number; ingestedAt: string; source: IngestSourceResult; csvLines?: FormattedRows[] }>;
  source: IngestSourceResult;
  schema: ReturnType<typeof datasetSchema>;
  helper: Helper;
}

/** Every new or changed data file of one folder, in name order, each all-or-nothing. */
export async function ingestFolder(ctx: Context, folder: string, extension: string, prefix: string, w: FolderWork): Promise<void> {
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
export function preformattedLines(read: FolderWork['read'], rows: number, dropped: Uint8Array): Preformatted | undefined {
  const parts: FormattedRows[] = [];
  let at = 0;
  for (const r of [...read].sort((a, b) => a.start - b.start)) {
    if (r.start !== at || !r.csvLines) return undefined;
    parts.push(...r.csvLines);
    at = r.end;
  }
  return at === rows && rows > 0 ? { parts, dropped } : undefined;
}

/** A list of names for a one-line message: the first ten, then how many more (a file may have 10,000 columns). */
export function namesShort(names: string[], shown = 10): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

export function emptyResult(name: string, status: IngestFileResult['status'], reason: string): IngestFileResult {
  return { name, status, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, duplicates: 0, rowsAdded: 0, rejectedByReason: {}, missing: {}, reason };
}

export function toRecord(r: IngestFileResult, path: string, ingestedAt: string): IngestedFileRecord {
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
