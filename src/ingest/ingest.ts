import { join } from 'node:path';
import type { Context } from '../context.js';
import { codedFeatures, datasetSchema } from '../data/columns.js';
import { warnManyCategories } from './category-warnings.js';
import { DatasetBuilder, countMissing } from '../data/dataset.js';
import { MAX_SEGMENTS, appendDataset, openDatasetOnDisk, readDataset, writeCsvAhead, writeDataset, type DatasetOnDisk } from '../data/dataset-files.js';
import { findNewDuplicates } from '../data/find-new-duplicates.js';
import type { IngestedFileRecord, SourceReadRecord } from '../store/types.js';
import type { SourceConfig } from '../config/load.js';
import { openDatabaseSource } from '../data/sources/open-source.js';
import type { SourceRead } from '../data/sources/types.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { nowIso } from '../util/time.js';
import { finishCompaction, keepUnmasked, markDuplicatesWith, startCompaction, type Helper } from './helper-thread.js';
import { ingestFolder, namesShort, preformattedLines, toRecord, type FolderWork } from './ingest-folder.js';
import type { IngestFileResult, IngestResult, IngestSourceResult } from './ingest-types.js';

export type { IngestCounts, IngestFileResult, IngestSourceResult, IngestResult } from './ingest-types.js';
export { namesShort } from './ingest-folder.js';

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
  const duplicate = append ? findNewDuplicates(segments, builder.build(), rowHashes) : await markDuplicatesWith(builder.build(), rowHashes, helper);
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

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function emptySource(name: string, type: SourceConfig['type'], location: string, features: string[]): IngestSourceResult {
  return { name, type, status: 'unchanged', location, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, duplicates: 0, rowsAdded: 0, rejectedByReason: {}, missing: Object.fromEntries(features.map((f) => [f, 0])) };
}
