import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { referenceProfile } from '../../src/stats/profile.ts';

// Training takes its medians from the features' reference profiles (src/model/train.ts): the
// profile's median is what these tests check.
const median = (col: Float64Array) => (col.some((v) => v === v) ? referenceProfile(col).median : NaN);

// Reference: sort the non-missing values, take the middle (mean of the two middles) — numpy's median.
function reference(a: number[]): number {
  const v = a.filter((x) => x === x).sort((p, q) => p - q);
  const m = v.length >> 1;
  return v.length === 0 ? NaN : v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const cell = (value: fc.Arbitrary<number>) => fc.oneof({ weight: 1, arbitrary: fc.constant(NaN) }, { weight: 9, arbitrary: value });

test('median equals the sorted-middle definition: small counts, large counts, decimals', () => {
  for (const value of [fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 50_000_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })]) {
    fc.assert(
      fc.property(fc.array(cell(value), { minLength: 0, maxLength: 200 }), (a) => {
        const got = median(Float64Array.from(a));
        const want = reference(a);
        return Number.isNaN(want) ? Number.isNaN(got) : got === want;
      }),
      { numRuns: 500 },
    );
  }
});

test('median of already sorted and constant columns', () => {
  const sorted = Float64Array.from({ length: 10_001 }, (_, i) => i * 1.5);
  assert.equal(median(sorted), 5000 * 1.5);
  assert.equal(median(new Float64Array(1000).fill(7.25)), 7.25);
});
