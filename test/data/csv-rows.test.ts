import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRowsInto, maxRowBytes } from '../../src/data/csv-rows.ts';
import { datasetOf } from '../helpers/dataset.ts';

// finaldata.csv's numbers are written by hand, digits from a table and n / 100 as a multiply and
// shift below 10,000: each value must come out exactly as JavaScript's own String(v) writes it.

function lines(values: number[]): string[] {
  const ds = datasetOf(values.map((v, i) => ({ id: `r${i}`, x: [v], y: i % 2 })), ['a']);
  const out: string[] = [];
  const o = Buffer.alloc(1 << 20);
  for (let start = 0; start < ds.rows; ) {
    const r = formatRowsInto(ds, start, ds.rows, o, 0);
    out.push(...o.toString('utf8', 0, r.off).split('\n').slice(0, -1));
    start = r.row;
  }
  return out;
}

test('every integer 0..200,000 and the boundaries of each way of writing it equal String(v)', () => {
  const values = Array.from({ length: 200_001 }, (_, i) => i);
  values.push(43_698, 43_699, 65_535, 65_536, 999_999, 1_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 123_456_789_012_345);
  const got = lines(values);
  assert.equal(got.length, values.length);
  values.forEach((v, i) => assert.equal(got[i], `r${i},${String(v)},${i % 2}`, `value ${v}`));
});

test('non-integers, negatives, NaN (missing) and −0', () => {
  const values = [0.5, 1.25e-7, 1e21, -3, -0, Number.NaN, 0.1 + 0.2, 9999.5];
  const got = lines(values);
  assert.deepEqual(
    got.map((l) => l.split(',')[1]),
    ['0.5', '1.25e-7', '1e+21', '-3', '0', '', '0.30000000000000004', '9999.5'],
  );
  const ds = datasetOf([{ id: 'x', x: [1e21], y: 0 }], ['a']);
  assert.ok(maxRowBytes(ds, 0) >= 'x,1e+21,0\n'.length);
});
