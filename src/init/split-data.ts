import { AtomicFileWriter } from '../util/atomic.js';
import { Random } from '../util/random.js';
import type { CsvRecord } from '../data/csv/parser.js';
import { readRecords, type InitEncoding } from './read-records.js';

/**
 * One export and no test file: the rows are split once, here, into a training file (the input
 * folder, where later exports go too) and a test file (the test folder). The test file is then
 * the fixed test data every model version is scored on, as with any workspace.
 *
 * Stratified by the label and seeded: of each class's labelled rows exactly round(share · rows)
 * go to the test file, chosen by selection sampling (Knuth's Algorithm S) with a seeded
 * generator, so the same file, share and seed give the same two files. Rows without a label and
 * rows with the wrong number of fields stay in the training file (ingest keeps or reports them).
 * Both files are UTF-8 (a Windows-1252 file is converted), written atomically.
 */
export interface SplitResult {
  train: { path: string; rows: number };
  test: { path: string; rows: number; positive: number };
  share: number;
  seed: number;
}

export async function splitData(opts: {
  data: string;
  encoding: InitEncoding;
  targetIndex: number;
  positive: string;
  negative: string;
  /** Labelled rows of each class in the file (from the profile pass). */
  classRows: { positive: number; negative: number };
  share: number;
  seed: number;
  trainPath: string;
  testPath: string;
}): Promise<SplitResult> {
  const want = { positive: Math.round(opts.share * opts.classRows.positive), negative: Math.round(opts.share * opts.classRows.negative) };
  const left = { ...opts.classRows };
  const rng = new Random(opts.seed);
  const train = await AtomicFileWriter.open(opts.trainPath);
  const test = await AtomicFileWriter.open(opts.testPath);
  let columns = 0;
  let trainRows = 0;
  let testRows = 0;
  let testPositive = 0;
  // Lines gathered while a chunk is parsed (the callback cannot wait), written after it.
  let trainText = '';
  let testText = '';
  try {
    await readRecords(
      opts.data,
      opts.encoding,
      (rec) => {
        const line = csvLine(rec);
        if (columns === 0) {
          columns = rec.count;
          trainText += line;
          testText += line;
          return;
        }
        // A row ingest will reject (wrong field count, broken quotes) is no test row.
        const label = rec.count === columns && !rec.malformed ? rec.text(opts.targetIndex).trim() : '';
        const cls = label === opts.positive ? 'positive' : label === opts.negative ? 'negative' : null;
        let toTest = false;
        if (cls !== null && left[cls] > 0) {
          // Algorithm S: take this row with probability (still wanted) / (still to come).
          toTest = rng.next() * left[cls] < want[cls];
          left[cls]--;
          if (toTest) want[cls]--;
        }
        if (toTest) {
          testRows++;
          if (cls === 'positive') testPositive++;
          testText += line;
        } else {
          trainRows++;
          trainText += line;
        }
      },
      {
        afterChunk: async () => {
          const [a, b] = [trainText, testText];
          trainText = testText = '';
          if (a) await train.write(a);
          if (b) await test.write(b);
        },
      },
    );
    await train.commit();
    await test.commit();
  } catch (err) {
    await train.abort();
    await test.abort();
    throw err;
  }
  return { train: { path: opts.trainPath, rows: trainRows }, test: { path: opts.testPath, rows: testRows, positive: testPositive }, share: opts.share, seed: opts.seed };
}

/** A record written back as one CSV line (quoted where RFC 4180 needs it). */
function csvLine(rec: CsvRecord): string {
  let s = '';
  for (let i = 0; i < rec.count; i++) {
    const t = rec.text(i);
    if (i) s += ',';
    s += /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  }
  return s + '\n';
}
