import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetBuilder } from '../../src/data/dataset.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import { fitLogistic, predictProba } from '../../src/model/logistic/fit.ts';
import { featureProfiles } from '../../src/stats/reference.ts';
import { FIXTURES } from '../helpers/workspace.ts';

// Fixtures: scikit-learn 1.2.1 LogisticRegression(C=1.0) fully converged, cross-checked with an
// independent numpy Newton solver (test/fixtures/README.md, scripts/fixtures/make_fixtures.py).
const FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
const SCHEMA = { id: 'corporation', features: FEATURES, featureTypes: {}, target: 'exited', requireTarget: true, requireId: true };

async function load(name: string) {
  const b = new DatasetBuilder(FEATURES);
  await readDataFile(join(FIXTURES, 'model', `${name}.csv`), SCHEMA, b);
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'model', `${name}.expected.json`), 'utf8'));
  return { ds: b.build(), expected };
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

for (const name of ['seed', 'practice', 'skewed2000', 'large_scale']) {
  test(`coefficients agree with scikit-learn to 1e-6 relative: ${name}`, async () => {
    const { ds, expected } = await load(name);
    assert.equal(ds.rows, expected.rows);
    // As train() does: medians from the features' reference profiles, imputed inside the fit.
    const profiles = featureProfiles(ds);
    const medians = FEATURES.map((f) => profiles[f].median);
    FEATURES.forEach((f, j) => assert.equal(medians[j], expected.medians[f], `median of ${f}`));
    const fit = fitLogistic(ds.x, ds.y, { C: 1, maxIter: 100, tol: 1e-12, impute: medians });
    // Imputing first gives the very same fit.
    const x = ds.x.map((c, j) => c.map((v) => (v !== v ? medians[j] : v)));
    const pre = fitLogistic(x, ds.y, { C: 1, maxIter: 100, tol: 1e-12 });
    assert.deepEqual(Array.from(pre.coef), Array.from(fit.coef));
    assert.equal(pre.intercept, fit.intercept);
    assert.ok(fit.converged);
    FEATURES.forEach((f, j) => assert.ok(relErr(fit.coef[j], expected.coefficients[f]) < 1e-6, `${f}: ${fit.coef[j]} vs ${expected.coefficients[f]}`));
    assert.ok(relErr(fit.intercept, expected.intercept) < 1e-6, `intercept ${fit.intercept} vs ${expected.intercept}`);
    assert.ok(relErr(fit.objective, expected.objective) < 1e-9, `objective ${fit.objective} vs ${expected.objective}`);
  });
}

test('predictProba imputes missing cells with the medians and matches the logistic function', () => {
  const x = [Float64Array.from([1, NaN, 3]), Float64Array.from([NaN, 2, 0])];
  const p = predictProba(x, 3, [0.5, -0.25], 0.1, [10, 20]);
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  // predictProba uses a table-driven exp (src/model/sigmoid.ts): equal to a few ulps, not bit for bit.
  const close = (got: number, want: number) => assert.ok(Math.abs(got - want) <= 4 * Number.EPSILON * want, `${got} vs ${want}`);
  close(p[0], sig(0.1 + 0.5 * 1 - 0.25 * 20));
  close(p[1], sig(0.1 + 0.5 * 10 - 0.25 * 2));
  close(p[2], sig(0.1 + 0.5 * 3 - 0.25 * 0));
  // The unrolled 3-feature path and the general path agree.
  const x3 = [Float64Array.from([1, NaN]), Float64Array.from([2, 5]), Float64Array.from([NaN, 7])];
  const fast = predictProba(x3, 2, [0.1, 0.2, 0.3], -1, [4, 5, 6]);
  const x4 = [...x3, new Float64Array(2)];
  const general = predictProba(x4, 2, [0.1, 0.2, 0.3, 0], -1, [4, 5, 6, 0]);
  assert.deepEqual(Array.from(fast), Array.from(general));
});

test('separable data still converges to the penalised optimum (no divergence)', () => {
  const x = [Float64Array.from([0, 1, 2, 3, 10, 11, 12, 13])];
  const y = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
  const fit = fitLogistic(x, y, { C: 1, maxIter: 100, tol: 1e-12 });
  assert.ok(fit.converged);
  assert.ok(Number.isFinite(fit.coef[0]) && fit.coef[0] > 0);
  assert.ok(fit.gradNorm < 1e-6);
});

test('large data (warm start on a subsample, then full passes): the reported objective is the loss at the returned coefficients', () => {
  // 250,000 rows: above the 200,000 where the fit starts from a subsample's optimum; the objective
  // comes from the last Newton pass when that pass is predicted to be the last (logistic.ts).
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const n = 250_000;
  const x = [new Float64Array(n), new Float64Array(n)];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[0][i] = u() < 0.01 ? Number.NaN : Math.floor(u() * 200);
    x[1][i] = Math.floor(u() * u() * 5000);
    const t = -1 + 0.01 * (x[0][i] === x[0][i] ? x[0][i] : 100) - 0.0004 * x[1][i];
    y[i] = u() < 1 / (1 + Math.exp(-t)) ? 1 : 0;
  }
  const medians = [100, 1250];
  const fit = fitLogistic(x, y, { C: 1, maxIter: 100, tol: 1e-12, impute: medians });
  assert.ok(fit.converged);
  assert.ok(fit.warmIterations > 0, 'the subsample warm start ran');
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let t = fit.intercept;
    for (let j = 0; j < 2; j++) t += fit.coef[j] * (x[j][i] === x[j][i] ? x[j][i] : medians[j]);
    loss += Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t))) - y[i] * t;
  }
  const objective = loss + 0.5 * (fit.coef[0] ** 2 + fit.coef[1] ** 2);
  assert.ok(relErr(fit.objective, objective) < 1e-12, `objective ${fit.objective} vs ${objective}`);
  assert.ok(Math.abs(fit.coef[0] - 0.01) < 0.002 && Math.abs(fit.coef[1] + 0.0004) < 0.0001, `coefficients ${fit.coef}`);
});
