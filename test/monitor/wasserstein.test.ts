import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  quantileSketch,
  quantileSketchErrorBound,
  wasserstein,
  wassersteinFromSorted,
  wassersteinToQuantiles,
} from '../../src/stats/wasserstein.ts';
import { sortedNonMissing } from '../../src/stats/sorted.ts';
import { sketchTails, type QuantileTails } from '../../src/stats/tails.ts';
import { MaxDev, readFixture, sample } from './fixtures.ts';
import { activity, lognormalCounts, normals, smallInts, std } from './gen.ts';

// Exact W1 vs scipy.stats.wasserstein_distance 1.10.1: same formula, different summation order
// (numpy pairwise vs our compensated sum) → agreement to ~1e-15 relative; asserted at 1e-12.
const REL_TOL = 1e-12;

type WCase = { a?: string; b?: string; aValues?: number[]; bValues?: number[]; expected: number };

test('wasserstein agrees with scipy.stats.wasserstein_distance', () => {
  const cases = readFixture<WCase[]>('wasserstein.json');
  const dev = new MaxDev();
  for (const c of cases) {
    const a = c.a ? sample(c.a) : Float64Array.from(c.aValues!);
    const b = c.b ? sample(c.b) : Float64Array.from(c.bValues!);
    const got = wasserstein(a, b);
    const rel = Math.abs(got - c.expected) / Math.max(Math.abs(c.expected), 1e-300);
    dev.see('relative', got === c.expected ? 0 : rel, 0);
    assert.ok(got === c.expected || rel <= REL_TOL, `${c.a ?? c.aValues} vs ${c.b ?? c.bValues}: ${got} vs scipy ${c.expected}`);
  }
  console.log(`# ${cases.length} cases; max ${dev.report()}`);
});

test('wasserstein: missing values dropped, inputs unmodified, sorted entry point equal, empty throws', () => {
  const a = sample('miss60');
  const b = sample('miss45');
  const before = Array.from(a);
  assert.equal(wassersteinFromSorted(sortedNonMissing(a), sortedNonMissing(b)), wasserstein(a, b));
  assert.deepEqual(Array.from(a), before);
  assert.throws(() => wasserstein(Float64Array.of(Number.NaN), b), /at least one/);
  assert.throws(() => wassersteinFromSorted(Float64Array.of(3, 1), Float64Array.of(1)), /not sorted/);
});

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const sampleArb = fc.oneof(
  fc.array(finite, { minLength: 1, maxLength: 50 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 50 }),
);

test('property: W >= 0, symmetric, 0 for a sample against itself', () => {
  fc.assert(
    fc.property(sampleArb, sampleArb, (xa, xb) => {
      const a = Float64Array.from(xa);
      const b = Float64Array.from(xb);
      const w = wasserstein(a, b);
      assert.ok(w >= 0);
      assert.equal(wasserstein(b, a), w);
      assert.equal(wasserstein(a, Float64Array.from([...xa].reverse())), 0);
    }),
    { numRuns: 500 },
  );
});

test('property: W(a, a + s) = |s| for a pure shift', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: -5000, max: 5000 }),
      fc.double({ min: -100, max: 100, noNaN: true }),
      (xs, si, sf) => {
        // integer data + integer shift: the shifted values are exact, so only summation rounds
        const a = Float64Array.from(xs);
        const b = Float64Array.from(xs, (v) => v + si);
        const w = wasserstein(a, b);
        assert.ok(Math.abs(w - Math.abs(si)) <= 1e-12 * Math.max(1, Math.abs(si)), `${w} vs ${si}`);
        // real shift: a + s rounds each value (relative 2^-53 of |a + s|)
        const c = Float64Array.from(xs, (v) => v + sf);
        assert.ok(Math.abs(wasserstein(a, c) - Math.abs(sf)) <= 1e-12 * (1000 + Math.abs(sf)));
      },
    ),
    { numRuns: 500 },
  );
});

// ---------------------------------------------------------------------------------------------
// Reference given by a quantile sketch.

test('wassersteinToQuantiles (sketch + tails, and sketch only) agrees with the independent numpy (probability-space) integration', () => {
  type P = {
    reference: string;
    expected: { n: number; std: number; distribution: { kind: string; values: number[]; tails?: { lower: number[]; upper: number[] } } };
    comparisons: { current: string; expected: { wasserstein: number; sketchOnly: { wasserstein: number } } | null }[];
  };
  // Same model, integrated over x here and over p in numpy: agreement to rounding, asserted at 1e-9.
  const dev = new MaxDev();
  let n = 0;
  for (const p of readFixture<P[]>('profiles.json')) {
    const d = p.expected.distribution;
    if (d.kind !== 'quantiles') continue;
    const q = Float64Array.from(d.values);
    const tails: QuantileTails = { n: p.expected.n, lower: d.tails!.lower, upper: d.tails!.upper };
    for (const c of p.comparisons) {
      if (!c.expected) continue;
      const cur = sortedNonMissing(sample(c.current));
      for (const [label, got, want] of [
        ['tails', wassersteinToQuantiles(q, cur, tails) / p.expected.std, c.expected.wasserstein],
        ['sketchOnly', wassersteinToQuantiles(q, cur) / p.expected.std, c.expected.sketchOnly.wasserstein],
      ] as const) {
        const rel = Math.abs(got - want) / Math.max(want, 1e-300);
        dev.see(`relative.${label}`, rel, 0);
        assert.ok(rel <= 1e-9, `${p.reference} vs ${c.current} (${label}): ${got} vs numpy ${want}`);
      }
      n++;
    }
  }
  assert.ok(n >= 10);
  console.log(`# ${n} cases; max ${dev.report()}`);
});

test('tails covering the whole reference (2T = n): the model is the empirical distribution, W equals the exact W', () => {
  // lower = the smallest n/2 values, upper = the largest n/2: the model's knots are every order
  // statistic (an atom of 1/n each), plus at most the sketch knot at p = 1/2 (a jump between x_(T)
  // and x_(T+1)), so W(model, cur) = W(ref, cur) exactly, up to summation rounding.
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), { minLength: 1, maxLength: 40 }),
      sampleArb,
      fc.integer({ min: 1, max: 12 }),
      (half, xc, K) => {
        const ref = sortedNonMissing(Float64Array.from([...half, ...half.map((v) => v / 2 + 1)]));
        const t = ref.length / 2;
        const tails: QuantileTails = { n: ref.length, lower: ref.subarray(0, t), upper: ref.subarray(t) };
        const cur = sortedNonMissing(Float64Array.from(xc));
        const exact = wassersteinFromSorted(ref, cur);
        const got = wassersteinToQuantiles(quantileSketch(ref, K + 1), cur, tails);
        const scale = Math.max(1, ...Array.from(ref, Math.abs), ...Array.from(cur, Math.abs));
        assert.ok(Math.abs(got - exact) <= 1e-12 * scale, `${got} vs exact ${exact}`);
      },
    ),
    { numRuns: 500 },
  );
});

test('wassersteinToQuantiles with tails: inconsistent or malformed tails throw', () => {
  const ref = sortedNonMissing(normals(5000, 44));
  const q = quantileSketch(ref);
  const { lower, upper } = sketchTails(ref);
  const cur = Float64Array.of(0);
  assert.equal(lower.length, 5);
  assert.ok(wassersteinToQuantiles(q, cur, { n: 5000, lower, upper }) > 0);
  assert.throws(() => wassersteinToQuantiles(q, cur, { n: 5000, lower, upper: upper.slice(1) }), /same number/);
  assert.throws(() => wassersteinToQuantiles(q, cur, { n: 4.5, lower, upper }), /integer/);
  assert.throws(() => wassersteinToQuantiles(q, cur, { n: 8, lower, upper }), /more than half/);
  assert.throws(() => wassersteinToQuantiles(q, cur, { n: 5000, lower: [...lower].reverse(), upper }), /not ascending/);
  assert.throws(() => wassersteinToQuantiles(q, cur, { n: 5000, lower, upper: upper.map(() => ref[0]) }), /not ascending/);
  assert.throws(() => wassersteinToQuantiles(q, cur, { n: 5000, lower: [Number.NaN, ...lower.slice(1)], upper }), /NaN/);
});

test('wassersteinToQuantiles closed forms: uniform sketch, point-mass sketch', () => {
  // Quantiles k/1000 model the continuous uniform law on [0, 1] exactly (linear quantile function),
  // so W to a point mass has a closed form: W(U[0,1], {0.5}) = 1/4, W(U[0,1], {2}) = 3/2.
  const q = Float64Array.from({ length: 1001 }, (_, k) => k / 1000);
  assert.ok(Math.abs(wassersteinToQuantiles(q, Float64Array.of(0.5)) - 0.25) < 1e-15);
  assert.ok(Math.abs(wassersteinToQuantiles(q, Float64Array.of(2)) - 1.5) < 1e-15); // all mass moved from U[0,1] to 2
  assert.ok(Math.abs(wassersteinToQuantiles(q, Float64Array.of(-1)) - 1.5) < 1e-15);
  // ties in the sketch (a point mass) are handled: all quantiles equal c → W = |c - x|
  const c = new Float64Array(1001).fill(7);
  assert.equal(wassersteinToQuantiles(c, Float64Array.of(7, 7)), 0);
  assert.ok(Math.abs(wassersteinToQuantiles(c, Float64Array.of(5, 10)) - 2.5) < 1e-15);
});

test('sketch approximation error vs the exact distance on the full reference stays within (max-min)/(2K) + (max-min)/n (sketch only) and the interior bound (with tails)', () => {
  // Tolerance: the documented bound (wasserstein.ts): W(ref, sketch) <= Σ slab width × height / 2
  // = (max - min)/(2K), plus one order statistic of slack at each slab edge (<= (max - min)/n).
  const cases: [string, Float64Array, Float64Array[]][] = [
    ['normal n=200k', normals(200000, 21), [normals(50000, 22), normals(50000, 23, 0.1), normals(1000000, 24, 0, 1.2)]],
    ['activity n=200k', activity(200000, 25), [activity(50000, 26), activity(50000, 27, Math.log(48))]],
    ['lognormal n=100k', Float64Array.from(normals(100000, 28), Math.exp), [Float64Array.from(normals(30000, 29, 0.1), Math.exp)]],
    ['integers 0..3 n=50k', smallInts(50000, 30), [smallInts(20000, 31), smallInts(20000, 32, 0.4)]],
    ['normal n=1001 (smallest sketched)', normals(1001, 33), [normals(800, 34), normals(800, 35, 0.3)]],
    ['heavy counts sigma 1.4 n=400k', lognormalCounts(400000, 36, 1.4), [lognormalCounts(100000, 37, 1.4), lognormalCounts(100000, 38, 1.4, Math.log(45))]],
    ['heavy lognormal sigma 1.5 n=1.2M', Float64Array.from(normals(1200000, 39, 0, 1.5), Math.exp), [Float64Array.from(normals(200000, 45, 0.1, 1.5), Math.exp)]],
  ];
  const lines: string[] = [];
  for (const [label, ref, curs] of cases) {
    const sr = sortedNonMissing(ref);
    const q = quantileSketch(sr);
    const sd = std(sr);
    const tol = quantileSketchErrorBound(q) + (sr[sr.length - 1] - sr[0]) / sr.length;
    const tails: QuantileTails = { n: sr.length, ...sketchTails(sr) };
    // with tails: Σ ΔX·ΔP/2 + (x_(n-T+1) - x_(T))/n (tails.ts) — never above the sketch-only bound
    const tolT = quantileSketchErrorBound(q, tails);
    assert.ok(tolT <= tol * (1 + 1e-12));
    let worst = 0;
    let worstT = 0;
    for (const cur of curs) {
      const sc = sortedNonMissing(cur);
      const exact = wassersteinFromSorted(sr, sc);
      const approx = wassersteinToQuantiles(q, sc);
      const approxT = wassersteinToQuantiles(q, sc, tails);
      worst = Math.max(worst, Math.abs(approx - exact));
      worstT = Math.max(worstT, Math.abs(approxT - exact));
      assert.ok(Math.abs(approx - exact) <= tol, `${label}: sketch ${approx} vs exact ${exact}, tol ${tol}`);
      assert.ok(Math.abs(approxT - exact) <= tolT, `${label}: sketch+tails ${approxT} vs exact ${exact}, tol ${tolT}`);
    }
    // the model against the reference itself: W(ref, model) is the whole approximation error
    const self = wassersteinToQuantiles(q, sr);
    const selfT = wassersteinToQuantiles(q, sr, tails);
    assert.ok(self <= tol);
    assert.ok(selfT <= tolT);
    lines.push(
      `${label}: sketch only: max |W - W_exact|/std = ${(worst / sd).toExponential(2)}, W(ref, sketch)/std = ${(self / sd).toExponential(2)}, bound/std = ${(tol / sd).toExponential(2)}; ` +
        `with tails: ${(worstT / sd).toExponential(2)}, ${(selfT / sd).toExponential(2)}, bound/std = ${(tolT / sd).toExponential(2)}`,
    );
  }
  console.log(lines.map((l) => `# ${l}`).join('\n'));
});

test('performance: 1,000,000 current rows against a sketch (with and without tails) and against a 1,000-row sample', () => {
  const cur = sortedNonMissing(normals(1000000, 40, 0.05));
  const sref = sortedNonMissing(normals(1000000, 41));
  const q = quantileSketch(sref);
  const tails: QuantileTails = { n: sref.length, ...sketchTails(sref) };
  let t0 = performance.now();
  wassersteinToQuantiles(q, cur);
  const tSketch = performance.now() - t0;
  t0 = performance.now();
  wassersteinToQuantiles(q, cur, tails);
  const tTails = performance.now() - t0;
  const ref = sortedNonMissing(normals(1000, 42));
  t0 = performance.now();
  wassersteinFromSorted(ref, cur);
  const tExact = performance.now() - t0;
  console.log(`# W vs sketch: ${tSketch.toFixed(0)} ms; vs sketch + 2x1000 tails: ${tTails.toFixed(0)} ms; W vs 1,000-row sample: ${tExact.toFixed(0)} ms (1,000,000 sorted current rows)`);
  assert.ok(tSketch < 5000 && tTails < 5000 && tExact < 5000);
});
