import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareToProfile, referenceProfile, type ReferenceProfile } from '../../src/stats/profile.ts';
import { ks2samp } from '../../src/stats/ks.ts';
import { quantileSketchErrorBound, wasserstein, wassersteinFromSorted } from '../../src/stats/wasserstein.ts';
import { sortedNonMissing } from '../../src/stats/sorted.ts';
import { MaxDev, close, readFixture, sample } from './fixtures.ts';
import { activity, lognormalCounts, normals } from './gen.ts';

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
  /** quantile profiles: the same comparison for the profile without `tails` */
  sketchOnly?: { ks: { statistic: number; pValue: number }; wasserstein: number };
  /** quantile profiles: documented bound on |W_model - W_exact| / std (tails.ts) */
  modelBound?: number;
};
type ProfileCase = { reference: string; expected: Expected; comparisons: { current: string; expected: Comparison | null }[] };

/**
 * The layout references had before runs, and still have above RUNS_MAX distinct values: the
 * sample (n <= 1,000) or the 1,001-quantile sketch with tails. These tests keep testing it.
 */
const sketchLayout = (col: Float64Array) => referenceProfile(col, undefined, 0);

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

test('referenceProfile agrees with numpy (summary, deciles, PSI bins, sample or 1,001-quantile sketch)', () => {
  const dev = new MaxDev();
  const cases = readFixture<ProfileCase[]>('profiles.json');
  for (const c of cases) {
    const p = sketchLayout(sample(c.reference));
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
    if (p.distribution.kind === 'quantiles') {
      // exact tails: T = min(1000, ceil(n/1000)) smallest and largest values (numpy sorted slices)
      const t = Math.min(1000, Math.ceil(p.n / 1000));
      assert.ok(e.distribution.kind === 'quantiles' && e.distribution.tails, label);
      assert.deepEqual(p.distribution.tails, e.distribution.tails, label);
      assert.equal(p.distribution.tails!.lower.length, t);
      assert.equal(p.distribution.tails!.upper.length, t);
    } else assert.ok(!('tails' in p.distribution));
  }
  console.log(`# ${cases.length} profiles; max ${dev.report()}`);
});

test('compareToProfile agrees with scipy/numpy (KS, normalised Wasserstein, PSI, missing-rate change, out-of-range share)', () => {
  const dev = new MaxDev();
  let n = 0;
  for (const c of readFixture<ProfileCase[]>('profiles.json')) {
    // the profile goes through JSON, as it will in the model registry
    const profile = JSON.parse(JSON.stringify(sketchLayout(sample(c.reference)))) as ReferenceProfile;
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
        // sketch + tails W vs the exact W (scipy, full reference): within the documented bound
        // W(reference, model)/std <= (Σ ΔX·ΔP/2 + interior range/n)/std, computed by numpy
        dev.see('wasserstein.model-exact', r.wasserstein, e.fullSample.wasserstein);
        assert.ok(Math.abs(r.wasserstein - e.fullSample.wasserstein) <= e.modelBound! * (1 + 1e-9), `${label}: |W - exact| > bound ${e.modelBound}`);
        // backward compatibility: a profile stored without tails is compared with the sketch alone
        const legacy = JSON.parse(JSON.stringify(profile)) as ReferenceProfile;
        if (legacy.distribution.kind === 'quantiles') delete legacy.distribution.tails;
        const r0 = compareToProfile(legacy, sample(cmp.current));
        const e0 = e.sketchOnly!;
        dev.see('sketchOnly.wasserstein.rel', rel(r0.wasserstein, e0.wasserstein), 0);
        assert.ok(rel(r0.wasserstein, e0.wasserstein) <= 1e-9, `${label} sketch-only W ${r0.wasserstein} vs ${e0.wasserstein}`);
        assert.ok(close(r0.ks.statistic, e0.ks.statistic, 1e-12), `${label} sketch-only D ${r0.ks.statistic} vs ${e0.ks.statistic}`);
        assert.ok(close(r0.ks.pValue, e0.ks.pValue, 1e-6), `${label} sketch-only p ${r0.ks.pValue} vs ${e0.ks.pValue}`);
        assert.equal(r0.psi.value, r.psi.value);
      } else {
        assert.equal(r.ks.statistic, e.fullSample.ksStatistic);
        assert.equal(r.wasserstein, compareToProfile(profile, sample(cmp.current)).wasserstein);
      }
    }
  }
  assert.ok(n >= 19);
  console.log(`# ${n} comparisons; max ${dev.report()}`);
});

test('heavy-tailed fixture (1,000,000 lognormal counts): sketch + tails within the bound of the exact W; sketch alone is not', () => {
  // Exact W: scipy.stats.wasserstein_distance on the full 1,000,000-row reference (profiles.json).
  // Tolerance: the documented bound of the sketch + tails model, |W_model - W_exact| <=
  // W(reference, model) <= Σ ΔX·ΔP/2 + (x_(n-T+1) - x_(T))/n (tails.ts), here 0.0058 std — computed
  // from the profile by numpy (`modelBound`) and checked to equal ours.
  const c = readFixture<ProfileCase[]>('profiles.json').find((x) => x.reference === 'heavy_ref1m')!;
  const ref = sample('heavy_ref1m');
  const profile = sketchLayout(ref);
  assert.equal(profile.n, 1000000);
  const lines: string[] = [];
  for (const cmp of c.comparisons) {
    const e = cmp.expected!;
    const r = compareToProfile(profile, sample(cmp.current));
    const err = Math.abs(r.wasserstein - e.fullSample.wasserstein);
    const err0 = Math.abs(e.sketchOnly!.wasserstein - e.fullSample.wasserstein);
    assert.ok(err <= e.modelBound!, `${cmp.current}: |${r.wasserstein} - ${e.fullSample.wasserstein}| > ${e.modelBound}`);
    assert.ok(err0 > 0.02, `${cmp.current}: the sketch alone was expected to be off by > 0.02 std here (${err0})`);
    assert.equal(r.drift, e.fullSample.wasserstein >= 0.1, cmp.current); // same decision as the exact W
    lines.push(`${cmp.current}: exact ${e.fullSample.wasserstein.toFixed(5)}, sketch+tails ${r.wasserstein.toFixed(5)} (|err| ${err.toExponential(2)}), sketch only ${e.sketchOnly!.wasserstein.toFixed(5)} (|err| ${err0.toExponential(2)}), bound ${e.modelBound!.toExponential(2)}`);
  }
  const self = compareToProfile(profile, ref);
  assert.ok(self.wasserstein <= 0.005, `identical data: W/std = ${self.wasserstein}`);
  console.log(lines.map((l) => `# ${l}`).join('\n'));
});

test('regression: 1,000,000 heavy-tailed counts against their own profile give W/std <= 0.005 (was ~0.05); the time is printed (bench/ measures it)', () => {
  // Math.round(exp(log 40 + sigma·N(0,1))), sigma 1.1-1.5: max ~8-16x q(0.999). Without the exact
  // tails the straight line from q(0.999) to the max gave W/std 0.03-0.08 for identical data.
  const lines: string[] = [];
  for (const [sigma, seed] of [[1.1, 71], [1.3, 72], [1.5, 73]]) {
    const col = lognormalCounts(1000000, seed, sigma);
    const profile = JSON.parse(JSON.stringify(sketchLayout(col))) as ReferenceProfile;
    const times: number[] = [];
    let r = compareToProfile(profile, col);
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      r = compareToProfile(profile, col);
      times.push(performance.now() - t0);
    }
    const legacy = JSON.parse(JSON.stringify(profile)) as ReferenceProfile;
    if (legacy.distribution.kind === 'quantiles') delete legacy.distribution.tails;
    const r0 = compareToProfile(legacy, col);
    const sr = sortedNonMissing(col);
    lines.push(`sigma ${sigma}: max/q(0.999) ${(sr[sr.length - 1] / sr[Math.floor(0.999 * sr.length)]).toFixed(1)}, W/std sketch+tails ${r.wasserstein.toExponential(3)}, sketch only ${r0.wasserstein.toExponential(3)}; D ${r.ks.statistic.toExponential(3)} (sketch only ${r0.ks.statistic.toExponential(3)}); compareToProfile(1e6) ${times.map((t) => t.toFixed(0)).join('/')} ms`);
    assert.ok(r.wasserstein <= 0.005, `sigma ${sigma}: W/std = ${r.wasserstein}`);
    assert.ok(r.ks.statistic <= 1 / 2000 + 1 / profile.n);
    assert.equal(r.drift, false);
  }
  console.log(lines.map((l) => `# ${l}`).join('\n'));
});

test('sketch + tails against the exact W on generated references: n just above 1,000, not a multiple of 1,000, above 1,000,000', () => {
  // n = 1001 (T = 2, tails cover 2/1001 > 1/1000), n = 123,457 (T = 124), n = 1,500,000 (T = 1000 <
  // n/1000: the tails cover 1/1500 and the sketch interpolates the rest of the first and last slab).
  // Tolerance: the documented bound (tails.ts), computed from the profile by quantileSketchErrorBound.
  const lines: string[] = [];
  for (const [label, ref, cur] of [
    ['lognormal counts n=1001', lognormalCounts(1001, 81, 1.3), lognormalCounts(900, 82, 1.3, Math.log(44))],
    ['lognormal counts n=123457', lognormalCounts(123457, 83, 1.5), lognormalCounts(50000, 84, 1.5)],
    ['lognormal counts n=1.5e6', lognormalCounts(1500000, 85, 1.2), lognormalCounts(300000, 86, 1.2, Math.log(43))],
  ] as const) {
    const p = sketchLayout(ref);
    assert.ok(p.distribution.kind === 'quantiles' && p.distribution.tails);
    assert.equal(p.distribution.tails.lower.length, Math.min(1000, Math.ceil(p.n / 1000)));
    const sr = sortedNonMissing(ref);
    const exact = wassersteinFromSorted(sr, sortedNonMissing(cur)) / p.std!;
    const self = compareToProfile(p, ref).wasserstein;
    const got = compareToProfile(p, cur).wasserstein;
    const t = p.distribution.tails;
    const bound = (quantileSketchErrorBound(Float64Array.from(p.distribution.values), { n: p.n, lower: t.lower, upper: t.upper })) / p.std!;
    assert.ok(Math.abs(got - exact) <= bound, `${label}: ${got} vs exact ${exact}, bound ${bound}`);
    assert.ok(self <= bound, `${label}: W(ref, model) = ${self} > bound ${bound}`);
    lines.push(`${label}: |W - exact|/std ${Math.abs(got - exact).toExponential(2)}, W(ref, model)/std ${self.toExponential(2)}, bound ${bound.toExponential(2)}`);
  }
  console.log(lines.map((l) => `# ${l}`).join('\n'));
});

test('profile tails: malformed tails in a stored profile throw; a legacy profile (no tails) still compares', () => {
  const ref = activity(5000, 91);
  const p = sketchLayout(ref);
  assert.ok(p.distribution.kind === 'quantiles' && p.distribution.tails);
  const bad = (f: (t: { lower: number[]; upper: number[] }) => void) => {
    const q = JSON.parse(JSON.stringify(p)) as ReferenceProfile;
    if (q.distribution.kind === 'quantiles') f(q.distribution.tails!);
    return () => compareToProfile(q, ref);
  };
  assert.throws(bad((t) => t.upper.pop()), /same number/);
  assert.throws(bad((t) => (t.lower = [])), /same number/);
  assert.throws(bad((t) => t.upper.reverse()), /not (sorted )?ascending/);
  assert.throws(bad((t) => (t.lower[0] = p.max + 1)), /not (sorted )?ascending/);
  const legacy = JSON.parse(JSON.stringify(p)) as ReferenceProfile;
  if (legacy.distribution.kind === 'quantiles') delete legacy.distribution.tails;
  const r = compareToProfile(legacy, ref);
  assert.ok(r.wasserstein >= 0 && r.wasserstein < 0.1);
});

test('sample profile (n <= 1000) uses the exact reference; 1001 rows switch to the sketch', () => {
  const p1000 = sketchLayout(sample('int1000_miss'));
  assert.equal(p1000.n, 1000);
  assert.equal(p1000.distribution.kind, 'sample');
  assert.ok(Math.abs(p1000.missingRate - 37 / 1037) < 1e-16);
  const p1001 = sketchLayout(sample('pois1001'));
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
        if (p.distribution.kind !== 'quantiles') {
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
  const p = sketchLayout(ref);
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


test('compareToProfile: a current sample given sorted (sorted: true) or sorted into reused buffers gives the same comparison', () => {
  for (const [ref, cur] of [
    [normals(5000, 11), normals(3000, 12)],
    [normals(900, 13), normals(700, 14)],
    [lognormalCounts(20_000, 15, 1.2), lognormalCounts(8000, 16, 1.2)],
  ] as const) {
    const profile = referenceProfile(ref);
    const plain = compareToProfile(profile, cur);
    const buffers = { out: new Float64Array(cur.length + 5), tmp: new Float64Array(cur.length + 5) };
    assert.deepEqual(compareToProfile(profile, cur, { buffers }), plain);
    assert.deepEqual(compareToProfile(profile, sortedNonMissing(cur), { sorted: true }), plain);
    const withMissing = Float64Array.from(cur, (v, i) => (i % 7 === 0 ? Number.NaN : v));
    assert.deepEqual(compareToProfile(profile, withMissing, { buffers }), compareToProfile(profile, withMissing));
  }
});
