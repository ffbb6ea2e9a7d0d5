import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareToProfile, referenceProfile, type ReferenceProfile } from '../../src/stats/profile.ts';
import { RUNS_MAX, compareRuns, runsFromSorted } from '../../src/stats/runs.ts';
import { ks2samp, ksStatisticSorted } from '../../src/stats/ks.ts';
import { wasserstein } from '../../src/stats/wasserstein.ts';
import { sortedNonMissing } from '../../src/stats/sorted.ts';
import { profileCdf, profileQuantile, profileWeights } from '../../src/stats/profile-shape.ts';
import { MaxDev, readFixture, sample } from './fixtures.ts';
import { normals } from './gen.ts';

// Expected values: scipy 1.10.1 on the training rows themselves (scripts/fixtures/make_exact_reference_fixtures.py).
type SampleJson = { values: (number | null)[] } | { hist: [number | null, number][] };
type Case = {
  name: string;
  reference: SampleJson;
  current: SampleJson;
  expected: { n: number; runs: { values: number[]; counts: number[] }; ks: { statistic: number; pValue: number; method: string }; wasserstein: number };
};

function col(s: SampleJson): Float64Array {
  if ('values' in s) return Float64Array.from(s.values, (v) => (v === null ? Number.NaN : v));
  const out = new Float64Array(s.hist.reduce((a, [, c]) => a + c, 0));
  let k = 0;
  for (const [v, c] of s.hist) out.fill(v === null ? Number.NaN : v, k, (k += c));
  // row order must not matter: shuffle deterministically
  for (let i = out.length - 1, x = 7; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

test('a reference kept as (value, count) runs gives scipy ks_2samp and wasserstein_distance on the training rows', () => {
  const dev = new MaxDev();
  const cases = readFixture<Case[]>('exact_reference.json');
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    const ref = col(c.reference);
    const cur = col(c.current);
    // through JSON, as a reference is stored
    const p = JSON.parse(JSON.stringify(referenceProfile(ref))) as ReferenceProfile;
    const e = c.expected;
    assert.equal(p.distribution.kind, 'runs', c.name);
    assert.equal(p.n, e.n);
    assert.deepEqual(p.distribution.kind === 'runs' && { values: p.distribution.values, counts: p.distribution.counts }, e.runs, `${c.name}: runs = numpy.unique(return_counts=True)`);
    const r = compareToProfile(p, cur);
    assert.equal(r.sketch, null, `${c.name}: exact, no sketch`);
    assert.equal(r.ks.statistic, e.ks.statistic, `${c.name}: D bit-identical to scipy`);
    dev.see(`ks.pValue.${e.ks.method}`, r.ks.pValue, e.ks.pValue);
    assert.ok(Math.abs(r.ks.pValue - e.ks.pValue) <= 1e-12 || rel(r.ks.pValue, e.ks.pValue) <= 1e-9, `${c.name}: p ${r.ks.pValue} vs ${e.ks.pValue}`);
    const w = r.wasserstein * p.std!;
    dev.see('wasserstein.rel', rel(w, e.wasserstein), 0);
    assert.ok(rel(w, e.wasserstein) <= 1e-12, `${c.name}: W ${w} vs ${e.wasserstein}`);
    assert.equal(r.method, p.n <= 1000 ? 'ks' : 'wasserstein');
  }
  console.log(`# ${cases.length} cases; max ${dev.report()}`);
});

test('the 10,500-row training set: runs give scipy\'s D where the 1,001-quantile sketch was off (and said by how much)', () => {
  const c = readFixture<Case[]>('exact_reference.json').find((x) => x.name === 'train10500_revenue')!;
  const ref = col(c.reference);
  const cur = col(c.current);
  const exact = compareToProfile(referenceProfile(ref), cur);
  const sketched = compareToProfile(referenceProfile(ref, undefined, 0), cur);
  assert.equal(exact.ks.statistic, c.expected.ks.statistic);
  assert.ok(sketched.sketch, 'the sketch says it is one');
  assert.ok(sketched.ks.statistic !== exact.ks.statistic, 'the sketch differs here');
  // the reported bounds hold
  assert.ok(Math.abs(sketched.ks.statistic - exact.ks.statistic) <= sketched.sketch.ksStatistic);
  assert.ok(Math.abs(sketched.wasserstein - exact.wasserstein) <= sketched.sketch.wasserstein);
  console.log(`# D exact ${exact.ks.statistic.toFixed(5)} (scipy ${c.expected.ks.statistic.toFixed(5)}), sketch ${sketched.ks.statistic.toFixed(5)} ± ${sketched.sketch.ksStatistic.toFixed(5)}; W/std exact ${exact.wasserstein.toFixed(5)}, sketch ${sketched.wasserstein.toFixed(5)} ± ${sketched.sketch.wasserstein.toExponential(2)}`);
});

test('more distinct values than RUNS_MAX: the sketch is used, reported, and within its bounds of the exact figures', () => {
  const ref = normals(150_000, 11);
  const cur = normals(40_000, 12, 0.05);
  const p = referenceProfile(ref);
  assert.ok(new Set(ref).size > RUNS_MAX);
  assert.equal(p.distribution.kind, 'quantiles');
  const r = compareToProfile(p, cur);
  assert.ok(r.sketch);
  const d = ks2samp(ref, cur).statistic;
  const w = wasserstein(ref, cur) / p.std!;
  assert.ok(Math.abs(r.ks.statistic - d) <= r.sketch.ksStatistic, `D ${r.ks.statistic} vs ${d} ± ${r.sketch.ksStatistic}`);
  assert.ok(Math.abs(r.wasserstein - w) <= r.sketch.wasserstein, `W ${r.wasserstein} vs ${w} ± ${r.sketch.wasserstein}`);
  // a lower bound behaves the same: 10,500 distinct values with runsMax 1,000
  assert.equal(referenceProfile(normals(10_500, 13), undefined, 1000).distribution.kind, 'quantiles');
});

test('references written before runs (format /1: sample or sketch) still compare as before', () => {
  const ref = sample('norm997');
  const cur = sample('norm1009');
  const legacy = referenceProfile(ref, undefined, 0);
  assert.equal(legacy.distribution.kind, 'sample');
  const now = referenceProfile(ref);
  assert.equal(now.distribution.kind, 'runs');
  const a = compareToProfile(legacy, cur);
  const b = compareToProfile(now, cur);
  assert.deepEqual(a, b, 'a sample and its runs give the same comparison, bit for bit');
});

test('property: runs and the sorted sample they came from give identical KS and Wasserstein; shapes for charts agree', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -5, max: 30 }), fc.double({ min: -100, max: 100, noNaN: true }), fc.constant(-0)), { minLength: 1, maxLength: 300 }),
      fc.array(fc.oneof(fc.integer({ min: -5, max: 30 }), fc.double({ min: -100, max: 100, noNaN: true })), { minLength: 1, maxLength: 300 }),
      (xs, ys) => {
        const a = sortedNonMissing(Float64Array.from(xs));
        const b = sortedNonMissing(Float64Array.from(ys));
        const runs = runsFromSorted(a)!;
        const r = compareRuns(runs, b);
        assert.equal(r.n, a.length);
        assert.equal(r.ksStatistic, ksStatisticSorted(a, b));
        assert.equal(r.wasserstein, wasserstein(a, b));
        const runsP = referenceProfile(a);
        const sampleP = referenceProfile(a, undefined, 0);
        for (const x of [...ys, -1e9, 1e9]) assert.equal(profileCdf(runsP, x), profileCdf(sampleP, x));
        // === : −0 and +0 are one value to every consumer
        for (const q of [0, 0.005, 0.25, 0.5, 0.995, 1]) assert.ok(profileQuantile(runsP, q) === profileQuantile(sampleP, q), `quantile ${q}`);
        const wts = profileWeights(runsP);
        assert.equal(wts.weights!.reduce((s, c) => s + c, 0), a.length);
      },
    ),
    { numRuns: 200 },
  );
});

test('runsFromSorted: undefined above the bound, -0 and +0 one run', () => {
  assert.equal(runsFromSorted(Float64Array.of(1, 2, 3), 2), undefined);
  assert.deepEqual(runsFromSorted(Float64Array.of(-0, 0, 0, 5), 2), { values: [-0, 5], counts: [3, 1] });
  assert.throws(() => compareRuns({ values: [1, 1], counts: [1, 1] }, Float64Array.of(1)), /ascending and distinct/);
  assert.throws(() => compareRuns({ values: [1, 2], counts: [1, 0.5] }, Float64Array.of(1)), /positive integer/);
});
