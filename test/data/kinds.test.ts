import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, type CsvRecord } from '../../src/data/csv/parser.ts';
import { REJECTED, kindOf } from '../../src/data/kinds/index.ts';

/** The records of a small CSV text, each field's kind-read value. */
function cells(csv: string, type: 'count' | 'number'): Array<number | string> {
  const out: Array<number | string> = [];
  const kind = kindOf(type);
  const p = new CsvParser((rec: CsvRecord) => {
    for (let c = 0; c < rec.count; c++) {
      const v = kind.readCell(rec, c, null);
      out.push(v === REJECTED ? kind.rejectReason(rec.text(c)) : v);
    }
  });
  p.push(Buffer.from(csv));
  p.end();
  return out;
}

test('kindOf: count is the default kind, number the decimal one', () => {
  assert.equal(kindOf(undefined).name, 'count');
  assert.equal(kindOf('count').whole, true);
  assert.equal(kindOf('number').whole, false);
  assert.equal(kindOf('number').storage, 'numeric');
});

test('count cells: whole numbers, blanks missing, the rest rejected with the reason as before', () => {
  const got = cells('7, 12 ,,0012,-3,1.5,abc,99999999999999999,nan\n', 'count');
  assert.deepEqual(got.slice(0, 2), [7, 12]);
  assert.ok(Number.isNaN(got[2] as number));
  assert.deepEqual(got.slice(3), [12, 'negative', 'decimal', 'not_a_number', 'too_large', 'not_finite']);
});

test('number cells: finite decimals, blanks missing, the rest rejected', () => {
  const got = cells('1.5,-2e3, ,.5,x,inf,1e999\n', 'number');
  assert.deepEqual(got.slice(0, 2), [1.5, -2000]);
  assert.ok(Number.isNaN(got[2] as number));
  assert.deepEqual(got.slice(3), [0.5, 'not_a_number', 'not_finite', 'too_large']);
});
