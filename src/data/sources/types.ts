import type { Logger } from 'pino';
import type { TableSchema } from '../columns.js';
import type { DatasetBuilder } from '../dataset.js';
import type { RowCounts } from '../read-data-file.js';

/** Where the next read of a database source starts: what its last successful read recorded. */
export interface SourceState {
  /** Opaque to the store: the source encodes the watermark's value (and type) as text. */
  watermark: string | null;
  /** sha256 of the rows read last time (sources without a watermark). */
  contentHash: string | null;
}

export interface SourceRead extends RowCounts {
  /** Nothing new: no row past the watermark, or the same content hash as last time. Nothing was appended. */
  unchanged: boolean;
  /** The watermark to record once the dataset is written (null without a watermark column). */
  watermark: string | null;
  contentHash: string | null;
}

/**
 * A database source: "what is new since last time" and "read it" — rows streamed as CSV bytes
 * into the same row builder (CsvRowSink) the file path uses, so validation, rejects and missing
 * counts are the file path's, exactly. Only the dataset's columns are read (id, features,
 * target): never the watermark, so dedup never sees it.
 */
export interface DatabaseSource {
  readonly name: string;
  readonly type: 'sqlite' | 'postgres';
  /** Where it reads from, safe to show (passwords masked). */
  readonly location: string;
  /** Cheap check for `run`: with a watermark, is there a row past it? Without one, always true. */
  hasNew(state: SourceState | null): Promise<boolean>;
  /** Stream the new rows into `builder`. All or nothing: on error the builder is truncated back. */
  read(state: SourceState | null, schema: TableSchema, builder: DatasetBuilder, log?: Logger): Promise<SourceRead>;
  close(): Promise<void>;
}

/** A source could not be read (down, slow, misconfigured, a column that cannot map): one line naming it. */
export class SourceError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`source "${source}": ${reason}`);
    this.name = 'SourceError';
  }
}
