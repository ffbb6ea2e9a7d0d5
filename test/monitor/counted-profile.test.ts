import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countedProfile } from '../../src/stats/counted-profile.ts';
import { PROFILE_SKETCH_SIZE, referenceProfile, sortedProfile } from '../../src/stats/profile.ts';
import { RUNS_MAX } from '../../src/stats/runs.ts';
import { activity, rng } from './gen.ts';

// The histogram path must give the sorted path's profile exactly (deepStrictEqual compares numbers
// with Object.is: every mean, std, quantile and share bit for bit).
// Both layouts: the (value, count) runs written now, and the sketch (runsMax 0, or more distinct
// values than runsMax).
function same(col: Float64Array, label: string): void {
  const counted = countedProfile(col, PROFILE_SKETCH_SIZE, RUNS_MAX);
  assert.ok(counted, `${label}: a count column takes the histogram path`);
  assert.equal(counted.distribution.kind, 'runs', label);
  assert.deepStrictEqual(counted, sortedProfile(col, undefined, RUNS_MAX), label);
  assert.deepStrictEqual(referenceProfile(col), counted, `${label}: referenceProfile uses it`);
  const sketched = countedProfile(col, PROFILE_SKETCH_SIZE, 0);
  assert.equal(sketched!.distribution.kind, 'quantiles', label);
  assert.deepStrictEqual(sketched, sortedProfile(col, undefined, 0), `${label} (sketch)`);
  assert.deepStrictEqual({ ...sketched, distribution: counted.distribution }, counted, `${label}: only the distribution differs`);
}

test('counted profile equals the sorted profile: activity-like counts with missing cells, large and small', () => {
  for (const [n, seed] of [[1100, 1], [1500, 2], [20_000, 3], [200_003, 4]]) {
    const col = activity(n, seed);
    const u = rng(seed + 100);
    for (let i = 0; i < n; i++) if (u() < 0.01) col[i] = Number.NaN;
    same(col, `activity n=${n}`);
  }
});

test('counted profile: heavy ties (deciles coincide), a constant column, -0 (counted as 0, as the counting sort writes it)', () => {
  const u = rng(5);
  same(Float64Array.from({ length: 5000 }, () => Math.floor(u() * 4)), 'values 0..3');
  same(new Float64Array(3000).fill(7), 'constant');
  const zeros = Float64Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : i % 50));
  same(zeros, 'signed zeros');
  assert.ok(Object.is(countedProfile(zeros, PROFILE_SKETCH_SIZE, RUNS_MAX)!.min, 0));
});

test('counted profile applies exactly where the counting sort does; other columns take the sorted path', () => {
  const ints = (n: number, max: number) => Float64Array.from({ length: n }, (_, i) => (i === 0 ? max : i % 100));
  assert.ok(countedProfile(ints(1024, 4096), PROFILE_SKETCH_SIZE, RUNS_MAX), 'n = 1024, max = 4n');
  assert.equal(countedProfile(ints(1023, 10), PROFILE_SKETCH_SIZE, RUNS_MAX), undefined, 'fewer than 1024 values');
  assert.equal(countedProfile(ints(1024, 4097), PROFILE_SKETCH_SIZE, RUNS_MAX), undefined, 'max > 4n');
  const withNaN = ints(1100, 10);
  withNaN.fill(Number.NaN, 0, 100);
  assert.equal(countedProfile(withNaN, PROFILE_SKETCH_SIZE, RUNS_MAX), undefined, '1,000 non-missing values');
  for (const bad of [-1, 0.5, 2 ** 31, Infinity]) {
    const col = ints(2000, 10);
    col[17] = bad;
    assert.equal(countedProfile(col, PROFILE_SKETCH_SIZE, RUNS_MAX), undefined, `value ${bad}`);
    assert.deepStrictEqual(referenceProfile(col), sortedProfile(col), `value ${bad}: sorted path`);
  }
});

test('property: random count columns (with NaN) give the sorted profile exactly', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1024, max: 4000 }),
      fc.integer({ min: 0, max: 4000 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.double({ min: 0, max: 0.3, noNaN: true }),
      (n, maxValue, seed, missing) => {
        const u = rng(seed);
        const col = Float64Array.from({ length: n }, () => (u() < missing ? Number.NaN : Math.floor(u() * u() * (maxValue + 1))));
        if (countedProfile(col, PROFILE_SKETCH_SIZE, RUNS_MAX) === undefined) return; // < 1024 values left
        same(col, `n=${n} max=${maxValue} seed=${seed}`);
      },
    ),
    { numRuns: 60 },
  );
});
