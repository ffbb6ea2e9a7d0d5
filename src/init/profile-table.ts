import { basename } from 'node:path';
import { DataError } from '../util/errors.js';
import { Random } from '../util/random.js';
import { ColumnProfile } from './column-profile.js';
import { readRecords, type InitEncoding, type ReadOutcome } from './read-records.js';

/** Rows kept (a seeded reservoir sample) for what needs rows together: the leak check. */
export const SAMPLE_ROWS = 50_000;

export interface TableProfile {
  file: string;
  header: string[];
  columns: ColumnProfile[];
  rows: number;
  /** Rows whose field count differs from the header's (ingest rejects them): count and first line. */
  badFieldCount: { rows: number; firstLine: number | null };
  /** Up to SAMPLE_ROWS rows (trimmed cells), drawn uniformly from all rows with a fixed seed. */
  sample: string[][];
  read: ReadOutcome;
}

/** One streamed pass over the file: a profile of every column and a uniform sample of rows. */
export async function profileTable(path: string, encoding: InitEncoding, seed = 42): Promise<TableProfile> {
  const file = basename(path);
  let header: string[] | null = null;
  let columns: ColumnProfile[] = [];
  let rows = 0;
  let bad = { rows: 0, firstLine: null as number | null };
  let sample: string[][] = [];
  let rng = new Random(seed);
  const read = await readRecords(
    path,
    encoding,
    (rec) => {
      if (header === null) {
        header = rec.texts().map((h) => h.trim());
        checkHeader(file, header);
        columns = header.map((h) => new ColumnProfile(h));
        return;
      }
      if (rec.count !== columns.length || rec.malformed) {
        bad.rows++;
        bad.firstLine ??= rec.line;
        return;
      }
      rows++;
      // Reservoir sampling (Algorithm R): every row ends up in the sample with the same chance.
      const slot = sample.length < SAMPLE_ROWS ? sample.length : Math.floor(rng.next() * rows);
      const cells = slot < SAMPLE_ROWS ? new Array<string>(rec.count) : null;
      for (let i = 0; i < rec.count; i++) {
        const t = rec.text(i);
        columns[i].add(t);
        if (cells) cells[i] = t.trim();
      }
      if (cells) sample[slot] = cells;
    },
    { onRestart: () => {
      header = null;
      columns = [];
      rows = 0;
      bad = { rows: 0, firstLine: null };
      sample = [];
      rng = new Random(seed);
    } },
  );
  if (header === null) throw new DataError(`${file}: the file is empty (expected a header line naming the columns)`);
  if (rows === 0) throw new DataError(`${file}: no data rows after the header`);
  return { file, header, columns, rows, badFieldCount: bad, sample, read };
}

function checkHeader(file: string, header: string[]): void {
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') throw new DataError(`${file} line 1: column ${i + 1} has no name`);
    const before = seen.get(h);
    if (before !== undefined) throw new DataError(`${file} line 1: column "${h}" appears twice (columns ${before + 1} and ${i + 1})`);
    seen.set(h, i);
  });
}
