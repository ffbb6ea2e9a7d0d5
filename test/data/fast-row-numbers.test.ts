import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableSchema } from '../../src/data/columns.ts';
import { rng } from '../helpers/random.ts';
import { assertFastPathAgrees, sinkRead } from '../helpers/sink-read.ts';

// The CSV fast path reads `number` cells too (an optional minus, digits, at most one point, up to
// 15 digits): the value must be Number(text)'s to the bit (-0 included), and the row's outcome the
// general path's — same rows, hashes, counts and rejects, for any chunking of the bytes.

const FEATURES = ['n', 'a', 'k', 'v'];
const SCHEMA: TableSchema = { id: 'id', features: FEATURES, featureTypes: { n: 'number', a: 'count', k: 'category', v: 'number' }, target: 'y', requireTarget: true, requireId: true };
const ODD = ['-0', '0', '-0.0', '0.000', '5.', '.5', '-.5', '-5.', '.', '-', '-.', '..5', '1.2.3', '1e5', '1E-3', '+1.5', ' 1.5', '1.5 ', '\t2', '--1', '1-', '0x10', 'NaN', 'Infinity', '1,5', '"2.5"', '"x"', '   ',
  '123456789012345', '1234567890123456', '0.123456789012345', '0.1234567890123456', '99999999999999.9', '9007199254740993', '0.30000000000000004', '000000000000001.5', '00.50', '1.000000000000000', '-123456789.012345', '0.0000005', '0.000001', '-0.00000012', '0.0000010'];

/** A decimal text with `digits` digits and `after` of them after the point (maybe negative). */
function decimal(r: () => number, digits: number, after: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += String(Math.floor(r() * 10));
  const text = after > 0 ? `${s.slice(0, digits - after)}.${s.slice(digits - after)}` : s;
  return (r() < 0.3 ? '-' : '') + text;
}

function numberCell(r: () => number): string {
  const k = r();
  if (k < 0.55) return decimal(r, 1 + Math.floor(r() * 8), Math.floor(r() * 4));
  if (k < 0.75) {
    const digits = 1 + Math.floor(r() * 17); // across the 15-digit limit
    return decimal(r, digits, Math.floor(r() * (digits + 1)));
  }
  if (k < 0.8) return '';
  if (k < 0.85) return String((r() - 0.5) * 10 ** Math.floor(r() * 12)); // as JavaScript prints floats
  return ODD[Math.floor(r() * ODD.length)];
}

function makeFile(seed: number): string {
  const r = rng(seed);
  const columns = ['id', ...FEATURES, 'y'];
  if (r() < 0.5) columns.sort(() => r() - 0.5);
  const lines = [columns.join(',')];
  const n = 50 + Math.floor(r() * 300);
  for (let i = 0; i < n; i++) {
    const cells = columns.map((c) =>
      c === 'id' ? `c${Math.floor(r() * 200)}` : c === 'y' ? (r() < 0.97 ? String(Math.floor(r() * 2)) : '2') : c === 'a' ? (r() < 0.95 ? String(Math.floor(r() * 9)) : '') : c === 'k' ? ['Gold', 'Silver', ''][Math.floor(r() * 3)] : numberCell(r),
    );
    if (r() < 0.02) cells.pop();
    // Exact copies of earlier lines: the duplicates' hashes must agree too.
    lines.push(r() < 0.05 && lines.length > 1 ? lines[1 + Math.floor(r() * (lines.length - 1))] : cells.join(',') + (r() < 0.2 ? '\r' : ''));
  }
  return lines.join('\n') + '\n';
}

test('number cells on the fast path: same values (to the bit), rows, hashes, counts and rejects as the general path, whole and cut anywhere', () => {
  const fastTaken = assertFastPathAgrees(makeFile, SCHEMA, 300, 7919);
  assert.ok(fastTaken > 10_000, `rows the fast path took: ${fastTaken}`);
});

test('a number cell of up to 15 digits reads as Number(text) on the fast path, bit for bit', () => {
  const r = rng(4242);
  const texts: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const digits = 1 + Math.floor(r() * 15);
    texts.push(decimal(r, digits, Math.floor(r() * (digits + 1))));
  }
  const csv = 'id,n,a,k,v,y\n' + texts.map((t, i) => `c${i},${t},1,Gold,${texts[texts.length - 1 - i]},1`).join('\n') + '\n';
  const got = sinkRead(Buffer.from(csv), SCHEMA, true, []);
  // All but the first row (a new category text) and one row per growth of the builder (it starts
  // at 16 rows) take the fast path.
  assert.ok(got.fastTaken > texts.length - 40, `rows the fast path took: ${got.fastTaken}`);
  got.rows.forEach((row, i) => {
    assert.ok(Object.is(row[1], Number(texts[i])), `${texts[i]}: ${row[1]} vs ${Number(texts[i])}`);
    assert.ok(Object.is(row[4], Number(texts[texts.length - 1 - i])));
  });
});
