import type { ReadEncoding } from '../data/csv/decode.js';
import type { SourceConfig } from '../config/load.js';
import type { RowCounts } from '../store/types.js';

/** What a file or a source contributed to an ingest: its rows, and the missing cells per feature. */
export interface IngestCounts extends RowCounts {
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
