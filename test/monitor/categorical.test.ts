import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { categoryPsi, chi2Homogeneity, jensenShannon } from '../../src/stats/categorical.ts';
import { chi2Sf, gammaP, gammaQ, lnGamma } from '../../src/stats/gamma.ts';
import { MaxDev, readFixture } from './fixtures.ts';

// Expected values: scipy 1.10.1 and mpmath (scripts/fixtures/make_category_drift_fixtures.py).
type Table = {
  name: string;
  reference: number[];
  current: number[];
  unseen: boolean[];
  expected: { chi2: { statistic: number; pValue: number; dof: number }; jensenShannon: number; psi: { value: number; level: string } };
};
const fx = readFixture<{ chi2Sf: [number, number, number, number][]; tables: Table[] }>('category.json');

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

test('chi2.sf (regularized upper incomplete gamma): 1e-13 (+ the conditioning of e^(−x/2)) relative to 40-digit mpmath, 1e-11 to scipy, k = 1..5,000, p down to 1e-300', () => {
  const dev = new MaxDev();
  for (const [x, k, sf, exact] of fx.chi2Sf) {
    const got = chi2Sf(x, k);
    dev.see(k >= 1000 ? 'exact.rel.k>=1000' : 'exact.rel.k<1000', rel(got, exact), 0);
    dev.see('scipy.rel', rel(got, sf), 0);
    // + x·2.2e-16: sf falls like e^(−x/2), so one ulp of x alone moves it by ~x/2 ulps
    assert.ok(rel(got, exact) <= 1e-13 + x * 2.2e-16, `chi2.sf(${x}, ${k}) = ${got}, exact ${exact} (rel ${rel(got, exact)})`);
    // scipy's own error reaches ~1.4e-12 relative at k = 2,500 (against mpmath)
    assert.ok(rel(got, sf) <= 1e-11, `chi2.sf(${x}, ${k}) = ${got}, scipy ${sf}`);
  }
  assert.ok(fx.chi2Sf.length > 800);
  console.log(`# ${fx.chi2Sf.length} points; max ${dev.report()}`);
});

test('incomplete gamma: P + Q = 1, edge values, lnGamma at integers and halves', () => {
  assert.equal(gammaQ(2, 0), 1);
  assert.equal(gammaP(2, 0), 0);
  assert.equal(gammaQ(2, Infinity), 0);
  assert.ok(Number.isNaN(gammaQ(0, 1)));
  assert.equal(chi2Sf(0, 3), 1);
  for (const a of [0.5, 1, 3.5, 40, 900]) for (const x of [0.1, a, 3 * a]) assert.ok(Math.abs(gammaP(a, x) + gammaQ(a, x) - 1) < 1e-14);
  let f = 1;
  for (let n = 1; n < 25; n++) {
    assert.ok(Math.abs(lnGamma(n) - Math.log(f)) <= 1e-14 * Math.max(1, Math.log(f)), `lnGamma(${n})`);
    f *= n;
  }
  assert.ok(Math.abs(lnGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-15);
  // Q(1, x) = e^-x exactly: chi2.sf with 2 dof
  for (const x of [0.01, 1, 10, 100, 600]) assert.ok(rel(chi2Sf(x, 2), Math.exp(-x / 2)) < 1e-13, `x=${x}`);
});

test('chi-square homogeneity, Jensen–Shannon (base 2) and category PSI agree with scipy / numpy on 2×k tables', () => {
  const dev = new MaxDev();
  for (const t of fx.tables) {
    const e = t.expected;
    const c = chi2Homogeneity(t.reference, t.current);
    assert.equal(c.dof, e.chi2.dof, t.name);
    dev.see('chi2.rel', rel(c.statistic, e.chi2.statistic), 0);
    assert.ok(Math.abs(c.statistic - e.chi2.statistic) <= 1e-12 * Math.max(1, e.chi2.statistic), `${t.name}: chi2 ${c.statistic} vs ${e.chi2.statistic}`);
    // scipy's p underflows to 0 below ~1e-308; ours may keep a subnormal there
    if (e.chi2.pValue === 0) assert.ok(c.pValue < 1e-300, t.name);
    else {
      dev.see('p.rel', rel(c.pValue, e.chi2.pValue), 0);
      assert.ok(rel(c.pValue, e.chi2.pValue) <= 1e-10 || Math.abs(c.pValue - e.chi2.pValue) <= 1e-15, `${t.name}: p ${c.pValue} vs ${e.chi2.pValue}`);
    }
    const js = jensenShannon(t.reference, t.current);
    dev.see('js', js, e.jensenShannon);
    assert.ok(Math.abs(js - e.jensenShannon) <= 1e-12, `${t.name}: JS ${js} vs ${e.jensenShannon}`);
    const p = categoryPsi(t.reference, t.current, t.unseen);
    dev.see('psi', p.value, e.psi.value);
    assert.ok(Math.abs(p.value - e.psi.value) <= 1e-12 * Math.max(1, e.psi.value), `${t.name}: PSI ${p.value} vs ${e.psi.value}`);
    assert.equal(p.level, e.psi.level, t.name);
  }
  console.log(`# ${fx.tables.length} tables; max ${dev.report()}`);
});

test('category kernels: an empty side gives NaN, not a throw; lengths must match', () => {
  assert.ok(Number.isNaN(chi2Homogeneity([0, 0], [1, 2]).pValue));
  assert.ok(Number.isNaN(jensenShannon([0, 0], [1, 2])));
  assert.ok(Number.isNaN(categoryPsi([3, 1], [0, 0], [false, false]).value));
  assert.throws(() => chi2Homogeneity([1], [1, 2]), /differ in length/);
});

test('property: JS distance is symmetric, in [0, 1], 0 for proportional counts; chi2 p in [0, 1]; PSI >= 0', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(1000), fc.nat(1000)), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 5 }), (pairs, scale) => {
      const a = pairs.map(([x]) => x);
      const b = pairs.map(([, y]) => y);
      if (a.every((v) => v === 0) || b.every((v) => v === 0)) return;
      const js = jensenShannon(a, b);
      assert.ok(js >= 0 && js <= 1 + 1e-15);
      assert.ok(Math.abs(js - jensenShannon(b, a)) < 1e-15);
      assert.ok(jensenShannon(a, a.map((v) => v * scale)) < 1e-7);
      const c = chi2Homogeneity(a, b);
      assert.ok(c.pValue >= 0 && c.pValue <= 1);
      assert.ok(categoryPsi(a, b, a.map((v) => v === 0)).value >= 0);
    }),
    { numRuns: 300 },
  );
});
