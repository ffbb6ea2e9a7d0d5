/**
 * The ingested dataset's file names in output_folder_path (dataset-files.ts describes the files).
 * A module of its own so the library entry can export it without loading the dataset readers.
 */
export const DATASET_CSV = 'finaldata.csv';
export const DATASET_BIN = 'finaldata.bin';
/** Append segments after which the next ingest rewrites the dataset in one .bin (compaction). */
export const MAX_SEGMENTS = 16;
