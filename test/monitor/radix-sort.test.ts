import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { radixSortFloat64, sortFloat64 } from '../../src/stats/radix-sort.ts';
import { sortedNonMissing } from '../../src/stats/sorted.ts';
import { rng } from './gen.ts';

/** Bit-level equality (−0 vs +0 differ), as the profile's bits must not change. */
function sameBits(got: Float64Array, want: Float64Array, label: string): void {
  assert.equal(got.length, want.length, label);
  const g = new Uint32Array(got.buffer, got.byteOffset, 2 * got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, 2 * want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) assert.fail(`${label}: value ${i >> 1} is ${got[i >> 1]}, the native sort gives ${want[i >> 1]}`);
  }
}

function checkAgainstNative(values: Float64Array, label: string): void {
  const want = Float64Array.from(values).sort();
  const got = Float64Array.from(values);
  radixSortFloat64(got);
  sameBits(got, want, label);
}

test('radix sort equals Float64Array.prototype.sort bit for bit: negatives, ±0, duplicates, infinities, subnormals', () => {
  const u = rng(7);
  const n = 50_000;
  const mixed = new Float64Array(n);
  const specials = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 2.2250738585072014e-308, -5e-324];
  for (let i = 0; i < n; i++) {
    const r = u();
    if (r < 0.1) mixed[i] = specials[Math.floor(u() * specials.length)];
    else if (r < 0.3) mixed[i] = Math.round((u() - 0.5) * 20); // many duplicates, both signs
    else mixed[i] = (u() - 0.5) * 10 ** (u() * 40 - 20);
  }
  checkAgainstNative(mixed, 'mixed');
  // The training predictions' shape: probabilities in (0, 1], down to ~1e-305.
  const probs = new Float64Array(n);
  for (let i = 0; i < n; i++) probs[i] = u() < 0.001 ? 10 ** (-300 * u()) : 1 / (1 + Math.exp(-(u() * 8 - 4)));
  checkAgainstNative(probs, 'probabilities');
  // All negative, all equal, already sorted, reversed.
  checkAgainstNative(probs.map((v) => -v), 'all negative');
  checkAgainstNative(new Float64Array(1000).fill(-0.5), 'all equal');
  const asc = Float64Array.from(mixed).sort();
  checkAgainstNative(asc, 'ascending');
  checkAgainstNative(asc.slice().reverse(), 'descending');
  // Zeros only: −0 first.
  checkAgainstNative(Float64Array.from([0, -0, 0, -0, -0, 0]), 'signed zeros');
});

test('radix sort property: any NaN-free array, with or without a scratch buffer', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 300 }), fc.boolean(), (xs, withTmp) => {
      const want = Float64Array.from(xs).sort();
      const got = Float64Array.from(xs);
      radixSortFloat64(got, withTmp ? new Float64Array(xs.length + 3) : undefined);
      sameBits(got, want, JSON.stringify(xs));
    }),
    { numRuns: 300 },
  );
});

test('radix sort sorts a view in place and leaves the rest of its buffer alone; scratch is checked', () => {
  const buf = Float64Array.from([9, 3, -1, 2, -0, 0, 7, 8]);
  radixSortFloat64(buf.subarray(1, 7));
  assert.deepEqual(Array.from(buf), [9, -1, -0, 0, 2, 3, 7, 8]);
  assert.ok(Object.is(buf[2], -0));
  assert.throws(() => radixSortFloat64(new Float64Array(10).fill(1).map((v, i) => -i), new Float64Array(5)), /scratch holds 5 values, need 10/);
  const shared = new Float64Array(20);
  assert.throws(() => radixSortFloat64(shared.subarray(0, 10), shared.subarray(10)), /must not share memory/);
});

test('sortedNonMissing: long columns (radix path) drop NaN and match the native sort, into a reused buffer', () => {
  const u = rng(11);
  const n = 20_000;
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) col[i] = u() < 0.05 ? Number.NaN : u() < 0.05 ? -0 : (u() - 0.3) * 1e6;
  const want = col.filter((v) => v === v).sort();
  const out = new Float64Array(n + 5).fill(42);
  const tmp = new Float64Array(n);
  const got = sortedNonMissing(col, { out, tmp });
  assert.equal(got.buffer, out.buffer, 'the result is a view of the given buffer');
  sameBits(got, want, 'radix path');
  sameBits(sortedNonMissing(col), want, 'fresh buffers');
  // The input is untouched.
  assert.equal(col.filter((v) => v !== v).length, want.length === n ? 0 : n - want.length);
});

test('sortFloat64 is a.sort(): radix on large NaN-free arrays, the native sort with NaN or below 4,096 values', () => {
  const r = rng(2718);
  for (const n of [0, 1, 10, 4095, 4096, 50_000]) {
    for (const withNaN of [false, true]) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = r();
        a[i] = k < 0.05 ? 0 : k < 0.1 ? -0 : k < 0.15 ? Math.floor(r() * 10) : (r() - 0.4) * 10 ** Math.floor(r() * 8 - 4);
      }
      if (withNaN && n > 0) a[Math.floor(r() * n)] = Number.NaN;
      const want = Float64Array.from(a).sort();
      const got = sortFloat64(a);
      assert.equal(got, a, 'sorted in place');
      for (let i = 0; i < n; i++) assert.ok(Object.is(got[i], want[i]), `n ${n}, NaN ${withNaN}, at ${i}: ${got[i]} vs ${want[i]}`);
    }
  }
});
