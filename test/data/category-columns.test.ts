import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DatasetBuilder, levelsOf, type Dataset } from '../../src/data/dataset.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import { DATASET_BIN, readDataset, writeDataset } from '../../src/data/dataset-files.ts';
import { findDuplicates } from '../../src/data/find-duplicates.ts';
import { hashRows } from '../../src/data/find-new-duplicates.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { tempDir } from '../helpers/temp.ts';

// Category columns (issue 15 items 1, 2, 5): any text, trimmed; empty or blank is missing; held
// as dictionary codes with Dataset.levels; finaldata.csv keeps the text, finaldata.bin the codes
// and their dictionary (RWDS3).

const SCHEMA: TableSchema = { id: 'id', features: ['plan', 'n', 'region'], featureTypes: { plan: 'category', n: 'count', region: 'category' }, target: 'y', requireTarget: true, requireId: true };
const dir = tempDir('riskwatch-category-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each row as [id, texts or numbers (null = missing), label]. */
function rowsOf(ds: Dataset): Array<[string, ...Array<string | number | null>]> {
  return Array.from({ length: ds.rows }, (_, i) => [
    ds.ids.get(i),
    ...ds.x.map((col, j) => {
      const v = col[i];
      if (v !== v) return null;
      const l = levelsOf(ds, j);
      return l ? l[v] : v;
    }),
    ds.y[i],
  ]);
}

async function readCsv(name: string, text: string, opts: Parameters<typeof readDataFile>[3] = {}) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const b = new DatasetBuilder(SCHEMA.features, 4, { hashes: true });
  const r = await readDataFile(path, SCHEMA, b, opts);
  return { r, b, ds: b.build() };
}

test('a category cell: text trimmed, a code per distinct text, empty or blank missing, never rejected', async () => {
  const { r, ds } = await readCsv('a.csv', 'id,plan,n,region,y\na, Gold ,1,North,1\nb,Silver,2,,0\nc,Gold,3,"  ",0\nd,"Gold, Plus",4,Süd,1\ne,123,5,\u00a0,0\nf,,6,North,1\n');
  assert.equal(r.rowsRejected, 0);
  assert.deepEqual(rowsOf(ds), [
    ['a', 'Gold', 1, 'North', 1],
    ['b', 'Silver', 2, null, 0],
    ['c', 'Gold', 3, null, 0],
    ['d', 'Gold, Plus', 4, 'Süd', 1],
    ['e', '123', 5, null, 0],
    ['f', null, 6, 'North', 1],
  ]);
  assert.deepEqual(ds.levels, [['Gold', 'Silver', 'Gold, Plus', '123'], null, ['North', 'Süd']]);
  assert.deepEqual(Array.from(ds.x[0].subarray(0, 3)), [0, 1, 0], 'codes in order of first appearance');
  assert.deepEqual(r.missing, { plan: 1, n: 0, region: 3 });
});

test('a file read in two parts (parse worker) gives the same texts, one dictionary and the same row hashes', async () => {
  const plans = ['Gold', 'Silver', 'Bronze', 'Zinc "Z"', 'Éclair', ''];
  const lines = ['id,plan,n,region,y'];
  for (let i = 0; i < 4000; i++) lines.push(`r${i},"${plans[(i * 7) % plans.length].replaceAll('"', '""')}",${i % 9},${i < 2000 ? 'North' : `R${i % 13}`},${i % 2}`);
  const text = lines.join('\n') + '\n';
  const one = await readCsv('one.csv', text);
  const two = await readCsv('two.csv', text, { parallelMinBytes: 0 });
  assert.deepEqual(rowsOf(two.ds), rowsOf(one.ds));
  assert.equal(one.ds.rows, 4000);
  // The second part's own dictionary was recoded into the first's: each text once.
  assert.equal(new Set(two.ds.levels![2]).size, two.ds.levels![2]!.length);
  assert.deepEqual(Array.from(two.b.hashes!.subarray(0, two.ds.rows)), Array.from(hashRows(two.ds)), 'kept hashes are hashRow');
  assert.deepEqual(Array.from(hashRows(two.ds)), Array.from(hashRows(one.ds)), 'hashes follow the text, not the code');
});

test('dedup compares the text: equal rows with different codes are duplicates, different texts are not', () => {
  const b = new DatasetBuilder(['plan'], 4);
  b.useLevels([true]);
  const add = (id: string, plan: string | null) => {
    const i = b.next();
    b.x[0][i] = plan === null ? Number.NaN : b.levels[0]!.code(plan);
    b.y[i] = 0;
    b.ids.pushString(id);
    b.commit();
  };
  add('a', 'Gold');
  add('a', 'gold');
  add('a', 'Gold');
  add('a', null);
  add('a', null);
  assert.deepEqual(Array.from(findDuplicates(b.build())), [0, 0, 1, 0, 1]);
});

test('finaldata.csv keeps the text, finaldata.bin the codes with their dictionary; both read back the same', async () => {
  const { ds } = await readCsv('w.csv', 'id,plan,n,region,y\na,"Gold, Plus",1,Nörd,1\nb,"Say ""hi""",,Nörd,0\nc,,3,,0\n');
  const out = tempDir('riskwatch-category-ds-');
  await writeDataset(out, ds, { id: 'id', target: 'y' });
  const csv = readFileSync(join(out, 'finaldata.csv'), 'utf8');
  assert.equal(csv, 'id,plan,n,region,y\na,"Gold, Plus",1,Nörd,1\nb,"Say ""hi""",,Nörd,0\nc,,3,,0\n');
  assert.deepEqual((parse(csv, { columns: true }) as Record<string, string>[]).map((r) => r.plan), ['Gold, Plus', 'Say "hi"', '']);
  assert.equal(readFileSync(join(out, DATASET_BIN)).subarray(0, 6).toString(), 'RWDS3\n');
  const bin = await readDataset(out, SCHEMA);
  assert.equal(bin!.source, 'bin');
  assert.deepEqual(rowsOf(bin!.dataset), rowsOf(ds));
  // Without the .bin the CSV is read again, the same.
  rmSync(join(out, DATASET_BIN));
  const again = await readDataset(out, SCHEMA);
  assert.equal(again!.source, 'csv');
  assert.deepEqual(rowsOf(again!.dataset), rowsOf(ds));
  // The same .bin read as a numeric schema does not fit: the CSV is read instead (plan as a count: its rows rejected).
  rmSync(out, { recursive: true, force: true });
});
