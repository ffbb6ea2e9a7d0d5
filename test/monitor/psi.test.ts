import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PSI_EPSILON, mergeEdges, psi, psiFromProportions, psiLevel } from '../../src/stats/psi.ts';
import { MaxDev, readFixture, sample } from './fixtures.ts';

// Expected values: numpy implementation of the documented definition (fixtures README, psi.ts).
// Deciles, edges and proportions are the same floating-point operations → asserted equal (===);
// the PSI sum differs only in summation order → 1e-12 absolute.

type PsiCase = {
  reference: string;
  current: string;
  expected: {
    deciles: number[];
    edges: number[];
    referenceProportions: number[];
    currentProportions: number[];
    psi: number;
    level: string;
  };
};

function sameNumbers(a: readonly number[], b: readonly number[], label: string): void {
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(a[i] === b[i], `${label}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('psi agrees with the numpy reference (deciles, merged edges, proportions, value, level)', () => {
  const cases = readFixture<PsiCase[]>('psi.json');
  const dev = new MaxDev();
  for (const c of cases) {
    const r = psi(sample(c.reference), sample(c.current));
    const label = `${c.reference} vs ${c.current}`;
    sameNumbers(r.deciles, c.expected.deciles, `${label} deciles`);
    sameNumbers(r.edges, c.expected.edges, `${label} edges`);
    sameNumbers(r.referenceProportions, c.expected.referenceProportions, `${label} ref`);
    sameNumbers(r.currentProportions, c.expected.currentProportions, `${label} cur`);
    dev.see('psi', r.value, c.expected.psi);
    assert.ok(Math.abs(r.value - c.expected.psi) <= 1e-12, `${label}: ${r.value} vs ${c.expected.psi}`);
    assert.equal(r.level, c.expected.level, label);
  }
  console.log(`# ${cases.length} cases; max |dev| ${dev.report()}`);
});

test('tied deciles are merged: integers 0..3 give 3 edges / 4 bins; a constant reference gives 2 bins', () => {
  const ints = psi(sample('int0to3_500'), sample('int0to3_400_drift'));
  assert.deepEqual(ints.edges, [0, 1, 2]);
  assert.equal(ints.referenceProportions.length, 4);
  const c = psi(sample('const20'), sample('const_mix'));
  assert.deepEqual(c.edges, [7]);
  // right-closed: 6 and 7 fall in (-inf, 7], 8 and 9 in (7, inf)
  assert.deepEqual(c.currentProportions, [16 / 18, 2 / 18]);
  assert.deepEqual(mergeEdges([-0, 0, 0, 1, 1]), [0, 1]);
});

test('empty bins: shares floored at 1e-4, so one emptied 10% bin alone is "major"', () => {
  const ref = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
  const cur = [0, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
  const v = psiFromProportions(ref, cur);
  const expected = (PSI_EPSILON - 0.1) * Math.log(PSI_EPSILON / 0.1) + 0.1 * Math.log(2);
  assert.ok(Math.abs(v - expected) < 1e-15);
  assert.equal(psiLevel(v), 'major');
  assert.ok(Number.isFinite(psi(sample('unif30'), sample('unif45_far')).value));
});

test('levels: < 0.1 stable, [0.1, 0.25) moderate, >= 0.25 major', () => {
  assert.equal(psiLevel(0), 'stable');
  assert.equal(psiLevel(0.0999999), 'stable');
  assert.equal(psiLevel(0.1), 'moderate');
  assert.equal(psiLevel(0.2499999), 'moderate');
  assert.equal(psiLevel(0.25), 'major');
  assert.equal(psiLevel(3), 'major');
});

test('missing values are excluded; empty samples throw', () => {
  const a = sample('miss60');
  const b = sample('miss45');
  const clean = (x: Float64Array) => x.filter((v) => !Number.isNaN(v));
  assert.deepEqual(psi(a, b), psi(clean(a), clean(b)));
  assert.throws(() => psi(Float64Array.of(Number.NaN), b), /empty reference/);
  assert.throws(() => psi(b, Float64Array.of()), /empty current/);
});

const sampleArb = fc.oneof(
  fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 80 }),
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 80 }),
);

test('property: PSI >= 0; PSI = 0 for identical distributions (same values, any order / replication)', () => {
  fc.assert(
    fc.property(sampleArb, sampleArb, fc.integer({ min: 1, max: 4 }), (xr, xc, rep) => {
      const r = psi(Float64Array.from(xr), Float64Array.from(xc));
      assert.ok(r.value >= 0);
      const sum = (p: number[]) => p.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum(r.referenceProportions) - 1) < 1e-12 && Math.abs(sum(r.currentProportions) - 1) < 1e-12);
      assert.ok(r.edges.length >= 1 && r.edges.length <= 9);
      for (let i = 1; i < r.edges.length; i++) assert.ok(r.edges[i] > r.edges[i - 1]);
      // the same empirical distribution: reversed and replicated `rep` times
      const same = Float64Array.from(Array.from({ length: rep }, () => [...xr].reverse()).flat());
      assert.equal(psi(Float64Array.from(xr), same).value, 0);
    }),
    { numRuns: 500 },
  );
});
