import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { listDataFiles } from '../ingest/list-files.js';
import { DataError } from '../util/errors.js';
import type { TableSchema } from './columns.js';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { FileRejectedError, readDataFile } from './read-data-file.js';
import { noProgress, type Progress } from '../util/progress.js';

export interface Table {
  dataset: Dataset;
  /** sha256 over the files' hashes, in order: identifies the data scored. */
  hash: string;
  files: string[];
  rowsRejected: number;
}

/**
 * Read scoring or prediction input: one file, or every data file in a folder. Unlike ingest,
 * nothing is deduplicated (every row gets an answer) and an unusable file is an error.
 */
export async function readTable(path: string, extension: string, schema: TableSchema, log?: Logger, progress: Progress = noProgress): Promise<Table> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new DataError(`${path}: no such file or folder`);
  }
  const files = st.isDirectory() ? (await listDataFiles(path, extension)).filter((c) => !c.problem).map((c) => c.path) : [path];
  if (!files.length) throw new DataError(`${path}: no .${extension} files in this folder`);
  const b = new DatasetBuilder(schema.features);
  const hash = createHash('sha256');
  let rowsRejected = 0;
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  let done = 0;
  progress.start(sizes.reduce((s, v) => s + v, 0), 'read');
  for (const [k, f] of files.entries()) {
    try {
      const r = await readDataFile(f, schema, b, { log, onBytes: (n) => progress.update(done + n) });
      done += sizes[k];
      rowsRejected += r.rowsRejected;
      hash.update(r.sha256);
    } catch (err) {
      if (err instanceof FileRejectedError) throw new DataError(`${f}${err.line ? `:${err.line}` : ''}: ${err.reason}`);
      throw err;
    }
  }
  progress.stop();
  if (rowsRejected) log?.warn({ rowsRejected }, `${rowsRejected} invalid rows skipped in ${path}`);
  return { dataset: b.build(), hash: hash.digest('hex'), files, rowsRejected };
}
