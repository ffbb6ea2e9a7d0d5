import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetBuilder, type Dataset } from '../../src/data/dataset.ts';
import { IdColumn } from '../../src/data/id-column.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { tempDir } from '../helpers/temp.ts';

const FEATURES = ['a', 'b'];
const SCHEMA: TableSchema = { id: 'id', features: FEATURES, featureTypes: { a: 'count', b: 'count' }, target: 'y', requireTarget: true, requireId: true };

function rowsOf(ds: Dataset): Array<[string, number, number, number]> {
  return Array.from({ length: ds.rows }, (_, i) => [ds.ids.get(i), ds.x[0][i], ds.x[1][i], ds.y[i]]);
}

function push(b: DatasetBuilder, id: string, a: number, c: number, y: number): void {
  const r = b.next();
  b.x[0][r] = a;
  b.x[1][r] = c;
  b.y[r] = y;
  b.ids.pushString(id);
  b.commit();
}

describe('DatasetBuilder / IdColumn capacity', () => {
  test('reserve, then fill past the reservation and past the doubling steps: every row intact', () => {
    const b = new DatasetBuilder(FEATURES, 4);
    const want: Array<[string, number, number, number]> = [];
    for (let i = 0; i < 3; i++) (push(b, `r${i}`, i, -i, i % 2), want.push([`r${i}`, i, -i, i % 2]));
    b.reserve(10, 8);
    for (let i = 3; i < 5000; i++) {
      const id = `row-${i}-${'é'.repeat(i % 7)}`;
      push(b, id, i, i * 3, (i >> 2) % 2);
      want.push([id, i, i * 3, (i >> 2) % 2]);
    }
    assert.deepEqual(rowsOf(b.build()), want);
    b.truncate(1234);
    b.reserve(100_000, 1_000_000);
    push(b, 'after', 7, 8, 1);
    assert.deepEqual(rowsOf(b.build()), [...want.slice(0, 1234), ['after', 7, 8, 1]]);
  });

  test('IdColumn.reserve keeps ids already pushed and never shrinks', () => {
    const c = IdColumn.from(['a', 'bb', 'ccc']);
    c.reserve(1, 1);
    c.reserve(1000, 100_000);
    c.pushString('dddd');
    c.reserve(0, 0);
    assert.deepEqual(c.toArray(), ['a', 'bb', 'ccc', 'dddd']);
    assert.ok(c.bytes.length >= 100_000);
  });
});

describe('readDataFile sizes the columns from its first chunk', () => {
  // The estimate comes from the first chunk's rows; the rest of each file is made longer or
  // shorter per row so the estimate is too high or too low, and the columns must still be exact.
  const cases: Array<[string, (i: number) => string]> = [
    ['later rows shorter (estimate too low)', (i) => (i < 300 ? `id-${i}-${'x'.repeat(60)}` : `${i}`)],
    ['later rows longer (estimate too high)', (i) => (i < 300 ? `${i}` : `id-${i}-${'x'.repeat(60)}`)],
    ['quoted ids with line breaks across chunks', (i) => (i % 5 === 0 ? `"q ${i},\n""x"""` : `p${i}`)],
  ];
  for (const [name, idOf] of cases) {
    test(name, async () => {
      const dir = tempDir('rw-reserve-');
      const path = join(dir, 'data.csv');
      const lines = ['id,a,b,y'];
      for (let i = 0; i < 3000; i++) lines.push(`${idOf(i)},${i},${i % 9 === 0 ? '' : i * 2},${i % 2}`);
      writeFileSync(path, lines.join('\n') + '\n');
      const whole = new DatasetBuilder(FEATURES);
      await readDataFile(path, SCHEMA, whole, { chunkBytes: 1 << 24 });
      for (const chunkBytes of [64, 1000, 4096]) {
        const b = new DatasetBuilder(FEATURES, 2);
        const r = await readDataFile(path, SCHEMA, b, { chunkBytes });
        assert.equal(r.rowsAccepted, 3000);
        assert.deepEqual(rowsOf(b.build()), rowsOf(whole.build()), `chunk ${chunkBytes}`);
      }
      rmSync(dir, { recursive: true });
    });
  }
});
