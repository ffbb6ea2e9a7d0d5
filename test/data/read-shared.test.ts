import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DatasetBuilder, levelsOf } from '../../src/data/dataset.ts';
import { hashRows } from '../../src/data/find-new-duplicates.ts';
import { preformatRows } from '../../src/data/csv-rows.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { tempDir } from '../helpers/temp.ts';

// A file read in two parts puts its columns in shared memory: the worker writes its part's rows
// into a region after the reader's (sized from the first chunk), and the reader moves them in
// after its own, recoding category codes. When either side outgrows its region the rows are
// copied as before. Every way must give exactly the one-pass read: rows (to the bit), dictionaries
// in the same order, row hashes, counts, and the finaldata.csv lines made while reading.

const SCHEMA: TableSchema = {
  id: 'id',
  features: ['a', 'n', 'k', 'm'],
  featureTypes: { a: 'count', n: 'number', k: 'category', m: 'category' },
  target: 'y',
  requireTarget: true,
  requireId: true,
  labels: { positive: 'Yes', negative: 'No' },
};
const dir = tempDir('riskwatch-shared-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Row i: `idPad` makes ids (so rows) longer; texts arrive in a different order in each half. */
function row(i: number, n: number, idPad: number): string {
  const late = i > n / 2;
  // 'Tin' comes in the reader's part after the worker started, 'Delta' only in the worker's: codes differ.
  const k = late ? ['Delta', 'Gold', 'Silver', 'Bronze'][i % 4] : i < 300 ? ['Gold', 'Silver'][i % 2] : i > n / 3 && i < n * 0.4 && i % 50 === 0 ? 'Tin' : ['Bronze', 'Gold', 'Silver', 'Copper'][i % 4];
  const m = i % 29 === 0 ? '' : late ? ['x', 'y', 'z'][i % 3] : ['z', 'y'][i % 2];
  const n1 = i % 17 === 0 ? '' : `${(i % 97) - 40}.${String(i % 100).padStart(2, '0')}`;
  const odd = i % 211 === 0 ? ` "q${i}"` : ''; // a row the general path takes
  return `${odd ? `"r${i}"` : `r${i % 3000}${'p'.repeat(idPad)}`},${i % 13},${n1},${k},${m},${i % 3 ? 'No' : 'Yes'}`;
}

function writeCsv(name: string, n: number, pad: (i: number) => number): string {
  const lines = ['id,a,n,k,m,y'];
  for (let i = 0; i < n; i++) lines.push(row(i, n, pad(i)));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function read(path: string, parallel: boolean, chunkBytes: number) {
  const debug: Array<Record<string, unknown>> = [];
  const log = { warn: () => {}, info: () => {}, error: () => {}, debug: (obj: Record<string, unknown>, msg: string) => debug.push({ ...obj, msg }) } as unknown as Logger;
  // Rows already in the builder before this file (an ingest's earlier files).
  const b = new DatasetBuilder(SCHEMA.features, 16, { hashes: true });
  b.useLevels([false, false, true, true]);
  b.levels[3]!.code('w');
  b.ids.pushString('before');
  b.x.forEach((c, j) => (c[0] = j === 2 ? Number.NaN : j === 3 ? 0 : 1));
  b.y[0] = 1;
  b.rows = 1;
  b.hashes![0] = hashRows(b.build())[0];
  const result = await readDataFile(path, SCHEMA, b, { log, parallelMinBytes: parallel ? 0 : Infinity, chunkBytes, csvLines: true });
  const ds = b.build();
  const rows = Array.from({ length: ds.rows }, (_, i) => [ds.ids.get(i), ...ds.x.map((c) => c[i]), ds.y[i]]);
  const lines = result.csvLines ? Buffer.concat(result.csvLines.map((p) => p.bytes.subarray(0, p.ends.length ? p.ends[p.ends.length - 1] : 0))).toString() : null;
  const shared = debug.find((d) => /in two parts/.test(d.msg as string))?.shared;
  return { rows, levels: SCHEMA.features.map((_, j) => levelsOf(ds, j)), hashes: Array.from(b.hashes!.subarray(0, b.rows)), expectHashes: Array.from(hashRows(ds)), result, lines, formatted: preformatRows(ds, 1, ds.rows), shared };
}

describe('a file read in two parts into shared columns', () => {
  const cases: Array<[string, (i: number) => number, number, boolean]> = [
    // Rows alike all through: the worker's rows are taken in place.
    ['even.csv', () => 3, 64 * 1024, true],
    // Long rows first: the reader's estimate is short, it outgrows its region.
    ['reader-outgrows.csv', (i) => (i < 400 ? 60 : 0), 16 * 1024, false],
    // Long rows in the reader's part, short ones in the worker's: the worker outgrows its region.
    ['worker-outgrows.csv', (i) => (i < 10_000 ? 40 : 0), 64 * 1024, false],
    // Longer ids in the worker's part (fewer rows): its id bytes outgrow their region.
    ['worker-ids-outgrow.csv', (i) => (i < 10_000 ? 0 : 6), 64 * 1024, false],
  ];
  for (const [name, pad, chunk, inPlace] of cases) {
    test(`${name}: the same rows, dictionaries, hashes, counts and lines as one pass (${inPlace ? 'taken in place' : 'copied'})`, async () => {
      const path = writeCsv(name, 20_000, pad);
      const one = await read(path, false, chunk);
      const two = await read(path, true, chunk);
      assert.equal(two.shared, inPlace, `rows taken in place: ${two.shared}`);
      assert.deepEqual(two.rows, one.rows);
      assert.deepEqual(two.levels, one.levels, 'dictionaries in the same order');
      assert.deepEqual(one.hashes, one.expectHashes);
      assert.deepEqual(two.hashes, one.expectHashes);
      const { csvLines, ...counts } = two.result;
      assert.deepEqual(counts, one.result);
      assert.equal(csvLines?.length, 2);
      const f = one.formatted;
      assert.equal(two.lines, f.bytes.subarray(0, f.ends[f.ends.length - 1]).toString(), 'the finaldata.csv lines');
    });
  }
});
