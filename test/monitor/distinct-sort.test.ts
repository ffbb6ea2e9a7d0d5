import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fewDistinctSort } from '../../src/stats/distinct-sort.js';
import { radixSortFloat64 } from '../../src/stats/radix-sort.js';
import { sortedNonMissing } from '../../src/stats/sorted.js';

/** Bit-for-bit equality of two Float64Arrays (−0 and +0 told apart). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, 2 * b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('fewDistinctSort: the native sort\'s array, bit for bit, on columns of few distinct values', () => {
  const r = rng(7);
  const columns: Array<() => number> = [
    () => Math.round(r() * 50) / 10, // 51 values like satisfaction scores
    () => Math.round(r() * 300) / 10 - 5, // negatives, zero
    () => (r() < 0.5 ? -0 : 0) + (r() < 0.1 ? Math.round(r() * 4) : 0), // −0 and +0 apart
    () => [Infinity, -Infinity, 1e308, -1e-308, 5e-324, 0.1][Math.floor(r() * 6)],
    () => Math.floor(r() * 1024) * 0.25 - 100, // 1,024 distinct
    () => Math.round(r() * 10_000) / 100 + 20, // 10,001 prices (on 200,000 rows: one in 16 allowed)
  ];
  for (const [k, gen] of columns.entries()) {
    const a = Float64Array.from({ length: k === 5 ? 200_000 : 20_000 }, gen);
    const want = a.slice().sort();
    assert.ok(fewDistinctSort(a), `column ${k} has few distinct values`);
    assert.ok(sameBits(a, want), `column ${k}`);
  }
});

test('fewDistinctSort: a column with more distinct values is left untouched (the radix sort then sorts it)', () => {
  const r = rng(11);
  for (const a of [Float64Array.from({ length: 20_000 }, () => r() * 1000), Float64Array.from({ length: 20_000 }, (_, i) => (i < 18_000 ? i % 7 : i))]) {
    const before = a.slice();
    assert.equal(fewDistinctSort(a), false);
    assert.ok(sameBits(a, before));
  }
});

test('sortedNonMissing: the same array through either sort, missing cells dropped, in a subarray of a reused buffer', () => {
  const r = rng(3);
  const x = Float64Array.from({ length: 50_000 }, () => (r() < 0.05 ? Number.NaN : Math.round(r() * 40) / 10 + (r() < 0.01 ? -0 : 0)));
  const want = x.filter((v) => v === v).sort();
  const out = new Float64Array(60_000);
  const got = sortedNonMissing(x, { out: out.subarray(8), tmp: new Float64Array(60_000) });
  assert.ok(sameBits(got, want));
  const viaRadix = x.filter((v) => v === v);
  radixSortFloat64(viaRadix);
  assert.ok(sameBits(got, viaRadix));
});
