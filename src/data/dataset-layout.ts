/**
 * The ingested dataset's file name in output_folder_path (dataset-files.ts describes the files).
 * A module of its own so the library entry can export it without loading the dataset readers.
 */
export const DATASET_CSV = 'finaldata.csv';
