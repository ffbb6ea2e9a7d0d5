import { csvField } from './csv-field.js';

/**
 * The combined dataset on disk, in two forms written from the same rows:
 * - finaldata.csv — the seed's name and format, for people and other tools; its sha256 is the
 *   dataset's identity (the "dataset hash");
 * - finaldata.bin (+ append segments finaldata.bin.1, .2, …) — the same columns as raw arrays with
 *   each row's hash (see dataset-bin.ts), so train/drift load 1,000,000 rows in milliseconds and
 *   an ingest checks new rows for duplicates without re-hashing the old ones.
 * Two ways to write:
 * - writeDataset: both forms from scratch (first ingest, recovery, compaction);
 * - appendDataset: new rows only — the CSV is copied to a temp file in the kernel, the rows are
 *   appended, and the hash continues from the state left by reading it; the rows go to a new
 *   .bin segment. An ingest of 1,000 rows on a 1,000,000-row dataset then costs a file copy
 *   instead of re-formatting a million rows.
 * In both, everything goes to temp files first and is fsynced; the .bin parts are renamed before
 * the .csv, whose rename is the commit point. Each .bin part carries the CSV hash it belongs to,
 * so a crash between renames is detected (the chain does not reach the CSV's hash) and the CSV
 * wins.
 */
export { DATASET_BIN, DATASET_CSV, MAX_SEGMENTS } from './dataset-layout.js';
export { readDataset, sha256File, type LoadedDataset } from './dataset-read.js';
export { openDatasetOnDisk, type DatasetOnDisk } from './dataset-on-disk.js';
export { appendDataset, writeCsvAhead, writeDataset, type CsvAhead, type DatasetColumns, type Preformatted } from './dataset-write.js';

/** Re-exported: callers have long imported it from here. */
export { csvField };
