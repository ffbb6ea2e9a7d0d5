import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { attemptExactTwoSided, ks2samp, ksFromSorted, ksAsympPValue, ksAgainstQuantiles, ksStatisticAgainstQuantiles, ksStatisticSorted, type KsMethod } from '../../src/stats/ks.ts';
import { kstwoSf } from '../../src/stats/kstwo.ts';
import { quantileSketch } from '../../src/stats/wasserstein.ts';
import { sortedNonMissing } from '../../src/stats/sorted.ts';
import { sketchTails, type QuantileTails } from '../../src/stats/tails.ts';
import { MaxDev, close, num, readFixture, sample } from './fixtures.ts';
import { activity, lognormalCounts, normals, smallInts } from './gen.ts';

// Reference values: scipy 1.10.1 (test/fixtures/drift/README.md). Tolerances from the brief:
// statistic 1e-12, p-value 1e-6 absolute; kstwo.sf is checked tighter (1e-10) since it is a port.
const STAT_TOL = 1e-12;
const P_TOL = 1e-6;

type KsCase = {
  a: string;
  b: string;
  method: KsMethod;
  expected: { statistic: number; pValue: number | null; method: 'exact' | 'asymp' };
  scipyWarnings: string[];
};

test('kstwoSf agrees with scipy.stats.kstwo.sf on every branch of the grid', () => {
  const grid = readFixture<[number, number, number | null][]>('kstwo_sf.json');
  const dev = new MaxDev();
  for (const [n, x, e] of grid) {
    const got = kstwoSf(n, x);
    dev.see('kstwo.sf', got, num(e));
    assert.ok(close(got, num(e), 1e-10), `kstwo.sf(${x}, ${n}) = ${got}, scipy ${e}`);
  }
  console.log(`# ${grid.length} grid points; max |dev| ${dev.report()}`);
});

test("exact p-value kernels agree with scipy's _attempt_exact_2kssamp, including its failures", () => {
  const rows = readFixture<[number, number, number, boolean, number, number | null][]>('ks_exact.json');
  const dev = new MaxDev();
  let fails = 0;
  for (const [n1, n2, d, ok, dOut, p] of rows) {
    const [gotOk, gotD, gotP] = attemptExactTwoSided(n1, n2, d);
    assert.equal(gotOk, ok, `n=${n1},${n2} d=${d}: success ${gotOk} vs scipy ${ok} (p ${gotP} vs ${p})`);
    assert.equal(gotD, dOut);
    dev.see(n1 === n2 ? 'square' : 'inside', gotP, num(p));
    assert.ok(close(gotP, num(p), 1e-12), `n=${n1},${n2} d=${d}: p ${gotP} vs scipy ${p}`);
    if (!ok) fails++;
  }
  assert.ok(fails > 0);
  console.log(`# ${rows.length} rows (${fails} scipy failures reproduced); max |dev| ${dev.report()}`);
});

test('ks2samp agrees with scipy.stats.ks_2samp (statistic, p-value, method actually used)', () => {
  const cases = readFixture<KsCase[]>('ks_2samp.json');
  const dev = new MaxDev();
  for (const c of cases) {
    const r = ks2samp(sample(c.a), sample(c.b), c.method);
    const label = `${c.a} vs ${c.b} (${c.method})`;
    dev.see(`statistic.${r.method}`, r.statistic, c.expected.statistic);
    dev.see(`pValue.${r.method}`, r.pValue, num(c.expected.pValue));
    assert.equal(r.method, c.expected.method, `${label}: method`);
    assert.ok(close(r.statistic, c.expected.statistic, STAT_TOL), `${label}: D ${r.statistic} vs ${c.expected.statistic}`);
    assert.ok(close(r.pValue, num(c.expected.pValue), P_TOL), `${label}: p ${r.pValue} vs ${c.expected.pValue}`);
  }
  console.log(`# ${cases.length} cases; max |dev| ${dev.report()}`);
});

test("scipy quirks reproduced: exact fallback for n1 == n2 at D = 1/n, lcm overflow, NaN for 1 vs 1 asymp", () => {
  const cases = readFixture<KsCase[]>('ks_2samp.json');
  const fallback = cases.filter((c) => c.scipyWarnings.some((w) => w.includes('Switching to')));
  assert.ok(fallback.some((c) => c.a === 'five_a' && c.b === 'five_b'), 'fixture covers the exact→asymp fallback');
  assert.ok(fallback.some((c) => c.a === 'act_ref46349'), 'fixture covers the lcm > int32 switch');
  for (const c of fallback) assert.equal(ks2samp(sample(c.a), sample(c.b), c.method).method, 'asymp');
  const r = ks2samp(Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(1.5, 2.5, 3.5, 4.5, 5.5), 'exact');
  assert.deepEqual(r, { statistic: 0.2, pValue: 1, method: 'asymp' });
  assert.ok(Number.isNaN(ks2samp(Float64Array.of(1), Float64Array.of(2), 'asymp').pValue));
});

test('auto switches to asymp above 10,000 rows; exact at 10,000', () => {
  const big = sample('norm10001');
  const atLimit = sample('norm10000');
  const small = sample('norm50');
  assert.equal(ks2samp(big, small).method, 'asymp');
  assert.equal(ks2samp(atLimit, small).method, 'exact');
  assert.equal(ks2samp(sample('norm20000'), sample('norm5000_shift')).method, 'asymp');
});

test('identical samples: D = 0, p = 1; disjoint samples: D = 1', () => {
  for (const name of ['norm200', 'pois200', 'one_a', 'ties_small_a']) {
    for (const m of ['auto', 'exact', 'asymp'] as const) {
      const r = ks2samp(sample(name), sample(name), m);
      assert.equal(r.statistic, 0);
      if (name !== 'one_a' || m !== 'asymp') assert.equal(r.pValue, 1);
    }
  }
  const r = ks2samp(sample('unif30'), sample('unif45_far'));
  assert.equal(r.statistic, 1);
  assert.ok(r.pValue < 1e-20);
});

test('missing values are excluded; ksFromSorted = ks2samp on sorted NaN-free input', () => {
  const a = sample('miss60');
  const b = sample('miss45');
  const sa = sortedNonMissing(a);
  const sb = sortedNonMissing(b);
  assert.equal(sa.length, 55);
  assert.equal(sb.length, 42);
  for (const m of ['auto', 'exact', 'asymp'] as const) assert.deepEqual(ksFromSorted(sa, sb, m), ks2samp(a, b, m));
  assert.throws(() => ksFromSorted(Float64Array.of(1, Number.NaN), sb), /missing value/);
  assert.throws(() => ksFromSorted(Float64Array.of(2, 1), sb), /not sorted/);
  assert.throws(() => ks2samp(Float64Array.of(Number.NaN), sb), /at least one/);
  assert.throws(() => ks2samp(sa, sb, 'bogus' as KsMethod), /invalid method/);
  // inputs are not modified
  assert.ok(Number.isNaN(a[3]));
});

const finiteSample = fc.oneof(
  fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 40 }),
  fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }), // heavy ties
);

test('property: D in [0,1], p in [0,1], both symmetric in (a, b), for every method', () => {
  fc.assert(
    fc.property(finiteSample, finiteSample, fc.constantFrom<KsMethod>('auto', 'exact', 'asymp'), (xa, xb, m) => {
      const a = Float64Array.from(xa);
      const b = Float64Array.from(xb);
      const r = ks2samp(a, b, m);
      const s = ks2samp(b, a, m);
      assert.ok(r.statistic >= 0 && r.statistic <= 1);
      if (!(a.length === 1 && b.length === 1 && r.method === 'asymp')) assert.ok(r.pValue >= 0 && r.pValue <= 1, `p=${r.pValue}`);
      assert.equal(s.statistic, r.statistic);
      assert.ok(close(s.pValue, r.pValue, 0));
      assert.equal(s.method, r.method);
    }),
    { numRuns: 400 },
  );
});

test('property: a sample against itself (any order, with NaN sprinkled in) gives D = 0', () => {
  fc.assert(
    fc.property(finiteSample, (xs) => {
      const a = Float64Array.from(xs);
      const b = Float64Array.from([...xs].reverse().flatMap((v, i) => (i % 3 === 0 ? [v, Number.NaN] : [v])));
      const r = ks2samp(a, b);
      assert.equal(r.statistic, 0);
      assert.equal(r.pValue, 1);
    }),
  );
});

test('asymptotic p-value is monotone non-increasing in D', () => {
  for (const [n1, n2] of [[20000, 5000], [300, 200], [1000000, 1000000]]) {
    let prev = 1;
    for (let d = 0; d <= 1; d += 0.0005) {
      const p = ksAsympPValue(d, n1, n2);
      assert.ok(p <= prev + 1e-12, `n=${n1},${n2} d=${d}: ${p} > ${prev}`);
      prev = p;
    }
  }
});

test('sketch KS (without and with exact tails): |D_sketch - D_exact| <= 1/(2K) + 1/n_ref (K = 1000)', () => {
  const cases: [string, Float64Array, Float64Array][] = [
    ['normal 1001 vs shifted 700', normals(1001, 1), normals(700, 2, 0.1)],
    ['normal 50k vs same law 20k', normals(50000, 3), normals(20000, 4)],
    ['normal 50k vs shifted 20k', normals(50000, 5), normals(20000, 6, 0.05)],
    ['activity 100k vs drifted 30k', activity(100000, 7), activity(30000, 8, Math.log(44))],
    ['integers 0..3 heavy ties 5000 vs 4000', smallInts(5000, 9), smallInts(4000, 10, 0.3)],
    ['heavy counts 1.2M vs same law 1000 (T/n < 1/K)', lognormalCounts(1200000, 13, 1.4), lognormalCounts(1000, 14, 1.4)],
    ['heavy counts 2500 vs tail-only change', lognormalCounts(2500, 15, 1.4), Float64Array.from(lognormalCounts(3000, 16, 1.4), (v) => (v > 1500 ? v * 5 : v))],
  ];
  let worst = 0;
  let worstT = 0;
  for (const [label, ref, cur] of cases) {
    const sr = sortedNonMissing(ref);
    const sc = sortedNonMissing(cur);
    const q = quantileSketch(sr, 1001);
    const exact = ksFromSorted(sr, sc, 'asymp').statistic;
    const approx = ksStatisticAgainstQuantiles(q, sc);
    const bound = 1 / 2000 + 1 / sr.length;
    worst = Math.max(worst, Math.abs(approx - exact));
    assert.ok(Math.abs(approx - exact) <= bound + 1e-12, `${label}: sketch ${approx} vs exact ${exact} (bound ${bound})`);
    const r = ksAgainstQuantiles(q, sr.length, sc);
    assert.equal(r.pValue, ksAsympPValue(approx, sr.length, sc.length));
    // with the exact tails: same bound (the interior midpoint CDF still errs by up to 1/(2K) + 1/n)
    const tails: QuantileTails = { n: sr.length, ...sketchTails(sr) };
    const approxT = ksStatisticAgainstQuantiles(q, sc, tails);
    worstT = Math.max(worstT, Math.abs(approxT - exact));
    assert.ok(Math.abs(approxT - exact) <= bound + 1e-12, `${label} (tails): sketch ${approxT} vs exact ${exact} (bound ${bound})`);
    const rT = ksAgainstQuantiles(q, sr.length, sc, tails);
    assert.equal(rT.statistic, approxT);
    assert.equal(rT.pValue, ksAsympPValue(approxT, sr.length, sc.length));
    assert.throws(() => ksAgainstQuantiles(q, sr.length + 1, sc, tails), /differs/);
  }
  console.log(`# max |D_sketch - D_exact| = ${worst.toExponential(3)}; with tails ${worstT.toExponential(3)}`);
});

test('sketch KS with tails covering the whole reference (2T = n) equals the exact statistic', () => {
  // Every reference value is stored: the CDF is exact below x_(T) and from x_(T+1) on, and between
  // the clamp [T/n, (n-T)/n] = {1/2} is exact too — so D must equal the full-sample statistic.
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -100, max: 100, noNaN: true })), { minLength: 1, maxLength: 30 }),
      fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -100, max: 100, noNaN: true })), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 9 }),
      (half, xc, K) => {
        const ref = sortedNonMissing(Float64Array.from([...half, ...half.map((v) => v + 1)]));
        const t = ref.length / 2;
        const cur = sortedNonMissing(Float64Array.from(xc));
        const tails: QuantileTails = { n: ref.length, lower: ref.subarray(0, t), upper: ref.subarray(t) };
        const got = ksStatisticAgainstQuantiles(quantileSketch(ref, K + 1), cur, tails);
        assert.ok(Math.abs(got - ksStatisticSorted(ref, cur)) <= 1e-15, `${got} vs ${ksStatisticSorted(ref, cur)}`);
      },
    ),
    { numRuns: 500 },
  );
});

test('sketch KS with tails: identical heavy-tailed data gives D <= 1/(2K) + 1/n; malformed tails throw', () => {
  const sr = sortedNonMissing(lognormalCounts(1000000, 17, 1.5));
  const q = quantileSketch(sr, 1001);
  const tails: QuantileTails = { n: sr.length, ...sketchTails(sr) };
  const d = ksStatisticAgainstQuantiles(q, sr, tails);
  assert.ok(d <= 1 / 2000 + 1 / sr.length, `D = ${d}`);
  assert.throws(() => ksStatisticAgainstQuantiles(q, sr, { ...tails, upper: Array.from(tails.upper).slice(1) }), /same number/);
  assert.throws(() => ksStatisticAgainstQuantiles(q, sr, { ...tails, lower: [tails.lower[0] + 1000, ...Array.from(tails.lower).slice(1)] }), /not sorted/);
});

test('performance: 1,000,000 current rows vs a 20,000-row reference', () => {
  const ref = normals(20000, 11);
  const cur = normals(1000000, 12, 0.01);
  const t0 = performance.now();
  const r = ks2samp(ref, cur);
  const ms = performance.now() - t0;
  console.log(`# ks2samp 20,000 vs 1,000,000: ${ms.toFixed(0)} ms, D=${r.statistic.toFixed(5)} p=${r.pValue.toExponential(3)}`);
  assert.equal(r.method, 'asymp');
  assert.ok(ms < 20000);
});
