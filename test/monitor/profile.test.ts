import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareToProfile, referenceProfile, type ReferenceProfile } from '../../src/monitor/stats/profile.ts';
import { ks2samp } from '../../src/monitor/stats/ks.ts';
import { wasserstein } from '../../src/monitor/stats/wasserstein.ts';
import { MaxDev, close, readFixture, sample } from './fixtures.ts';
import { activity, normals } from './gen.ts';

// Expected values: numpy/scipy (test/fixtures/drift/README.md, "profiles.json").
type Expected = Omit<ReferenceProfile, 'std'> & { std: number | null };
type Comparison = {
  method: 'ks' | 'wasserstein';
  ks: { statistic: number; pValue: number };
  wasserstein: number;
  psi: { value: number; level: string };
  missingRateChange: number;
  outOfRangeShare: number;
  fullSample: { ksStatistic: number; ksPValue: number; wasserstein: number };
};
type ProfileCase = { reference: string; expected: Expected; comparisons: { current: string; expected: Comparison | null }[] };

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

test('referenceProfile agrees with numpy (summary, deciles, PSI bins, sample or 1,001-quantile sketch)', () => {
  const dev = new MaxDev();
  const cases = readFixture<ProfileCase[]>('profiles.json');
  for (const c of cases) {
    const p = referenceProfile(sample(c.reference));
    const e = c.expected;
    const label = c.reference;
    assert.equal(p.n, e.n, label);
    assert.equal(p.missingRate, e.missingRate, label);
    // mean/std: compensated sums vs numpy pairwise sums → relative 1e-12
    dev.see('mean.rel', rel(p.mean, e.mean), 0);
    assert.ok(rel(p.mean, e.mean) <= 1e-12, `${label} mean ${p.mean} vs ${e.mean}`);
    if (e.std === null) assert.equal(p.std, null);
    else {
      dev.see('std.rel', rel(p.std!, e.std), 0);
      assert.ok(rel(p.std!, e.std) <= 1e-12, `${label} std ${p.std} vs ${e.std}`);
    }
    // order statistics and type-7 quantiles: identical operations → exact
    assert.equal(p.min, e.min);
    assert.equal(p.max, e.max);
    assert.equal(p.median, e.median);
    assert.deepEqual(p.deciles, e.deciles);
    assert.deepEqual(p.psiEdges, e.psiEdges);
    assert.deepEqual(p.binProportions, e.binProportions);
    assert.equal(p.distribution.kind, e.distribution.kind);
    assert.deepEqual(p.distribution.values, e.distribution.values);
    assert.equal(p.distribution.values.length, p.n <= 1000 ? p.n : 1001);
  }
  console.log(`# ${cases.length} profiles; max ${dev.report()}`);
});

test('compareToProfile agrees with scipy/numpy (KS, normalised Wasserstein, PSI, missing-rate change, out-of-range share)', () => {
  const dev = new MaxDev();
  let n = 0;
  for (const c of readFixture<ProfileCase[]>('profiles.json')) {
    // the profile goes through JSON, as it will in the model registry
    const profile = JSON.parse(JSON.stringify(referenceProfile(sample(c.reference)))) as ReferenceProfile;
    for (const cmp of c.comparisons) {
      const r = compareToProfile(profile, sample(cmp.current));
      const label = `${c.reference} vs ${cmp.current}`;
      const e = cmp.expected;
      if (e === null) {
        assert.ok(Number.isNaN(r.ks.statistic) && Number.isNaN(r.wasserstein) && Number.isNaN(r.psi.value), label);
        assert.equal(r.drift, false);
        continue;
      }
      n++;
      assert.equal(r.method, e.method, label);
      dev.see(`ks.statistic.${e.method}`, r.ks.statistic, e.ks.statistic);
      dev.see(`ks.pValue.${e.method}`, r.ks.pValue, e.ks.pValue);
      assert.ok(close(r.ks.statistic, e.ks.statistic, 1e-12), `${label} D ${r.ks.statistic} vs ${e.ks.statistic}`);
      assert.ok(close(r.ks.pValue, e.ks.pValue, 1e-6), `${label} p ${r.ks.pValue} vs ${e.ks.pValue}`);
      // sample profile: same formula as scipy (1e-12 relative); sketch: numpy integrates in
      // probability space, we integrate over x → agreement to rounding, asserted at 1e-9 relative
      const wTol = e.method === 'ks' ? 1e-12 : 1e-9;
      dev.see(`wasserstein.rel.${e.method}`, rel(r.wasserstein, e.wasserstein), 0);
      assert.ok(rel(r.wasserstein, e.wasserstein) <= wTol, `${label} W ${r.wasserstein} vs ${e.wasserstein}`);
      dev.see('psi', r.psi.value, e.psi.value);
      assert.ok(Math.abs(r.psi.value - e.psi.value) <= 1e-12, `${label} psi ${r.psi.value} vs ${e.psi.value}`);
      assert.equal(r.psi.level, e.psi.level);
      assert.ok(Math.abs(r.missingRateChange - e.missingRateChange) <= 1e-15, label);
      assert.equal(r.outOfRangeShare, e.outOfRangeShare, label);
      assert.equal(r.drift, e.method === 'wasserstein' ? r.wasserstein >= 0.1 : r.ks.pValue < 0.05);
      if (e.method === 'wasserstein') {
        // sketch KS vs the exact KS on the full reference (README "fullSample"): within 1/2000 + 1/n
        assert.ok(Math.abs(r.ks.statistic - e.fullSample.ksStatistic) <= 1 / 2000 + 1 / profile.n + 1e-12, label);
      } else {
        assert.equal(r.ks.statistic, e.fullSample.ksStatistic);
        assert.equal(r.wasserstein, compareToProfile(profile, sample(cmp.current)).wasserstein);
      }
    }
  }
  assert.ok(n >= 15);
  console.log(`# ${n} comparisons; max ${dev.report()}`);
});

test('sample profile (n <= 1000) uses the exact reference; 1001 rows switch to the sketch', () => {
  const p1000 = referenceProfile(sample('int1000_miss'));
  assert.equal(p1000.n, 1000);
  assert.equal(p1000.distribution.kind, 'sample');
  assert.ok(Math.abs(p1000.missingRate - 37 / 1037) < 1e-16);
  const p1001 = referenceProfile(sample('pois1001'));
  assert.equal(p1001.distribution.kind, 'quantiles');
  const cur = sample('pois800_drift');
  const r = compareToProfile(p1000, cur);
  const direct = ks2samp(sample('int1000_miss'), cur);
  assert.equal(r.method, 'ks');
  assert.equal(r.ks.statistic, direct.statistic);
  assert.equal(r.ks.pValue, direct.pValue);
  assert.equal(r.wasserstein, wasserstein(sample('int1000_miss'), cur) / p1000.std!);
  assert.equal(compareToProfile(p1001, cur).method, 'wasserstein');
});

test('edge cases: no reference values throws; single-row and constant references; empty or all-missing current', () => {
  assert.throws(() => referenceProfile(Float64Array.of(Number.NaN, Number.NaN)), /no non-missing/);
  const one = referenceProfile(Float64Array.of(3));
  assert.equal(one.std, null);
  assert.equal(compareToProfile(one, Float64Array.of(3, 3)).wasserstein, 0);
  assert.equal(compareToProfile(one, Float64Array.of(3, 4)).wasserstein, Infinity);
  const constant = referenceProfile(sample('const20'));
  assert.equal(constant.std, 0);
  assert.deepEqual(constant.psiEdges, [7]);
  assert.deepEqual(constant.binProportions, [1, 0]);
  const r = compareToProfile(constant, Float64Array.of(7, 7, Number.NaN, 9));
  assert.equal(r.outOfRangeShare, 1 / 3);
  assert.equal(r.missingRateChange, 0.25);
  const none = compareToProfile(constant, Float64Array.of(Number.NaN, Number.NaN));
  assert.equal(none.missingRateChange, 1);
  assert.ok(Number.isNaN(none.outOfRangeShare));
  assert.ok(Number.isNaN(compareToProfile(constant, new Float64Array(0)).missingRateChange));
});

test('property: comparing a column with its own profile gives D = 0 (sample) / small W, PSI = 0, no change', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Number.NaN)), { minLength: 1, maxLength: 60 }),
        // > 1000 non-missing values: the quantile-sketch path
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: -50, max: 50, noNaN: true })), { minLength: 1001, maxLength: 2500 }),
      ),
      (xs) => {
        const col = Float64Array.from(xs);
        if (col.every((v) => Number.isNaN(v))) return;
        const p = referenceProfile(col);
        const r = compareToProfile(p, col);
        assert.equal(r.psi.value, 0);
        assert.equal(r.missingRateChange, 0);
        assert.equal(r.outOfRangeShare, 0);
        if (p.distribution.kind === 'sample') {
          assert.equal(r.ks.statistic, 0);
          assert.equal(r.wasserstein, 0);
        } else {
          assert.ok(r.ks.statistic <= 1 / 2000 + 1 / p.n);
          assert.ok(r.wasserstein < 0.1);
        }
        assert.ok(r.ks.pValue >= 0 && r.ks.pValue <= 1);
        assert.ok(r.wasserstein >= 0);
      },
    ),
    { numRuns: 200 },
  );
});

test('activity-like data: drift is detected by the sketch (W/std >= 0.1) and not for the same law', () => {
  const ref = activity(300000, 51);
  const p = referenceProfile(ref);
  assert.equal(p.distribution.kind, 'quantiles');
  const same = compareToProfile(p, activity(200000, 52));
  const shifted = compareToProfile(p, activity(200000, 53, Math.log(40) + 0.3));
  assert.equal(same.drift, false);
  assert.equal(same.psi.level, 'stable');
  assert.equal(shifted.drift, true);
  assert.ok(shifted.wasserstein >= 0.1);
});

test('performance: profile of 1,000,000 rows, then a 1,000,000-row comparison', () => {
  const ref = normals(1000000, 61);
  const cur = normals(1000000, 62, 0.02);
  for (let i = 0; i < cur.length; i += 50) cur[i] = Number.NaN;
  let t0 = performance.now();
  const p = referenceProfile(ref);
  const tProfile = performance.now() - t0;
  t0 = performance.now();
  const r = compareToProfile(p, cur);
  const tCompare = performance.now() - t0;
  console.log(`# referenceProfile(1e6): ${tProfile.toFixed(0)} ms; compareToProfile(1e6): ${tCompare.toFixed(0)} ms; W/std=${r.wasserstein.toFixed(4)} D=${r.ks.statistic.toFixed(4)}`);
  assert.ok(Math.abs(r.missingRateChange - 0.02) < 1e-12);
  assert.ok(JSON.stringify(p).length < 100000, 'profile stays small');
  assert.ok(tProfile < 10000 && tCompare < 10000);
});

