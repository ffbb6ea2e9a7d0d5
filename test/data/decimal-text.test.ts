import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeDecimal } from '../../src/data/decimal-text.ts';
import { rng } from '../helpers/random.ts';

// writeDecimal must write String(v)'s bytes, or decline (-1) — never another text.

function check(v: number, out: Buffer, counts: { written: number; declined: number }) {
  const end = writeDecimal(v, out, 3);
  if (end < 0) {
    counts.declined++;
    return;
  }
  counts.written++;
  assert.equal(out.toString('latin1', 3, end), String(v), `value ${String(v)}`);
}

test('writeDecimal writes String(v) or declines: decimals as files write them, floats as arithmetic leaves them, edges', () => {
  const r = rng(99);
  const out = Buffer.alloc(64);
  const counts = { written: 0, declined: 0 };
  for (let i = 0; i < 200_000; i++) {
    // A decimal text of 1–17 digits with 0–17 decimals, read as Number() reads it.
    const digits = 1 + Math.floor(r() * 17);
    let s = '';
    for (let k = 0; k < digits; k++) s += String(Math.floor(r() * 10));
    const after = Math.floor(r() * (digits + 1));
    const text = (r() < 0.3 ? '-' : '') + (after ? `${s.slice(0, digits - after)}.${s.slice(digits - after)}` : s);
    check(Number(text), out, counts);
    // Arithmetic results (shortest texts of 16–17 digits) and values across magnitudes.
    check((r() - 0.5) * 10 ** (Math.floor(r() * 30) - 10), out, counts);
    check(Math.round(r() * 1e6) / 100 + Math.round(r() * 100) / 100, out, counts);
  }
  for (const v of [0.1 + 0.2, 1e-6, 1.5e-6, 9.99e-7, 1e-7, 123456789012345, 999999999999999, 1e15, 2 ** 53, 0.5, -0.5, 100, -2147483649, 4294967296.5, 1e21, Number.MIN_VALUE, Number.MAX_VALUE, 5e-324, 0.000001, 0.0000015, 99999999999999.99, 1234.5678])
    check(v, out, counts);
  assert.ok(counts.written > 300_000, `written ${counts.written}, declined ${counts.declined}`);
  assert.ok(counts.declined > 10_000, `declined ${counts.declined}`);
});
