import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { mapHeader, type TableSchema } from '../columns.js';
import type { DatasetBuilder } from '../dataset.js';
import { CsvRowSink, FileRejectedError } from '../read-data-file.js';
import { CsvFormatError } from '../csv/parser.js';
import { checkColumnType, type MappedType } from './column-types.js';
import { SourceError, type SourceRead, type SourceState } from './types.js';

export interface ColumnInfo {
  name: string;
  declared: string;
  mapped: MappedType | null;
}

/**
 * The columns a database source reads — id, features, target, in the dataset's names — after
 * checking that each exists once and has a type riskwatch maps. The watermark is checked too but
 * never read as a row column. Throws SourceError naming the source and column.
 */
export function planColumns(source: string, columns: ColumnInfo[], schema: TableSchema, watermark: string | undefined): { read: string[]; extra: string[] } {
  let map;
  try {
    map = mapHeader(
      columns.map((c) => c.name),
      schema,
    );
  } catch (err) {
    throw new SourceError(source, (err as Error).message);
  }
  const byName = new Map(columns.map((c) => [c.name.trim(), c]));
  const read: string[] = [];
  const check = (name: string, role: 'id' | 'feature' | 'target' | 'watermark') => {
    const c = byName.get(name);
    if (!c) return;
    try {
      checkColumnType(c.name, role, c.declared, c.mapped);
    } catch (err) {
      throw new SourceError(source, (err as Error).message);
    }
    if (role !== 'watermark') read.push(c.name);
  };
  if (map.id >= 0) check(schema.id, 'id');
  for (const f of schema.features) check(f, 'feature');
  if (map.target >= 0) check(schema.target, 'target');
  if (watermark !== undefined) {
    if (!byName.has(watermark)) throw new SourceError(source, `watermark column "${watermark}" is missing (columns: ${columns.map((c) => c.name).join(', ')})`);
    check(watermark, 'watermark');
  }
  return { read, extra: map.extra.filter((n) => n !== watermark) };
}

/**
 * Feed CSV chunks (header first) into the shared row builder, hashing them. All or nothing: on any
 * error the builder is truncated back. Without a watermark, the same hash as last time means the
 * rows are the ones already ingested: they are dropped again and the read reports `unchanged`.
 */
export async function readCsvChunks(
  source: string,
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  schema: TableSchema,
  builder: DatasetBuilder,
  state: SourceState | null,
  opts: { watermark: string | null; useHash: boolean; extra: string[]; log?: Logger },
): Promise<SourceRead> {
  const start = builder.rows;
  // The drivers hand text over as UTF-8 whatever the database stores: input_encoding is for files.
  const sink = new CsvRowSink(source, { ...schema, encoding: 'utf-8' }, builder, { log: opts.log, where: 'row' });
  const hash = createHash('sha256');
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      sink.push(chunk);
    }
    if (!sink.end()) throw new SourceError(source, 'no header row came back');
  } catch (err) {
    builder.truncate(start);
    if (err instanceof SourceError) throw err;
    if (err instanceof FileRejectedError) throw new SourceError(source, err.reason);
    if (err instanceof CsvFormatError) throw new SourceError(source, err.message);
    throw err;
  }
  const contentHash = opts.useHash ? hash.digest('hex') : null;
  const counts = { ...sink.counts(), extraColumns: opts.extra };
  if (opts.useHash && state?.contentHash === contentHash) {
    builder.truncate(start);
    return { ...counts, rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rejectedByReason: {}, missing: zeroMissing(schema), unchanged: true, watermark: null, contentHash };
  }
  return { ...counts, unchanged: false, watermark: opts.watermark, contentHash };
}

export function unchangedRead(schema: TableSchema, state: SourceState | null): SourceRead {
  return { rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rejectedByReason: {}, missing: zeroMissing(schema), extraColumns: [], unchanged: true, watermark: state?.watermark ?? null, contentHash: state?.contentHash ?? null };
}

function zeroMissing(schema: TableSchema): Record<string, number> {
  return Object.fromEntries(schema.features.map((f) => [f, 0]));
}
