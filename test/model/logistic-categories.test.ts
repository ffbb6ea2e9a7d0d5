import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../src/model/fitted-model.ts';

import { categoriesFixture as fixture, FEATURES, firstColumns, fitDoc, testRows, train } from '../helpers/categories-fixture.ts';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

for (const expected of fixture.fits) {
  const numericOnly = expected.categorical.length === 0;
  const label = (expected.standardize ? 'standardized' : 'raw numeric features') + (numericOnly ? ', numeric features only' : '');
  const features = numericOnly ? fixture.numeric : FEATURES;
  test(`${numericOnly ? 'logistic regression' : 'one-hot logistic regression'} equals scikit-learn's pipeline to 1e-6 (${label})`, () => {
    const doc = fitDoc(expected.standardize, numericOnly);
    assert.ok(doc.training.converged);
    assert.equal(doc.hyperParameters.standardize, expected.standardize);
    // The categories kept, in the document's fixed order (OneHotEncoder's too: sorted, missing last).
    for (const f of expected.categorical) assert.deepEqual(doc.features.find((x) => x.name === f)?.categories, expected.categories[f], f);
    for (const f of fixture.numeric) assert.equal(doc.logistic.medians[f], expected.medians[f], `median of ${f}`);
    if (expected.standardize) {
      for (const f of fixture.numeric) {
        assert.ok(Math.abs(doc.logistic.standardization!.means[f] - expected.means![f]) <= 1e-12 * Math.abs(expected.means![f]), `mean of ${f}`);
        assert.ok(Math.abs(doc.logistic.standardization!.scales[f] - expected.scales![f]) <= 1e-12 * expected.scales![f], `scale of ${f}`);
      }
      assert.equal(doc.logistic.standardization!.scales.constant, 1, 'a constant feature is not scaled');
    } else assert.equal(doc.logistic.standardization, undefined);
    const flat = (c: Record<string, number | number[]>) => features.flatMap((f) => c[f]);
    const coefDiff = maxAbs(flat(doc.logistic.coefficients), flat(expected.coefficients));
    assert.ok(coefDiff < 1e-6, `coefficients differ by ${coefDiff}`);
    assert.ok(Math.abs(doc.logistic.intercept - expected.intercept) < 1e-6);

    const model = loadModel(doc);
    const pTrain = model.predictProba(firstColumns(train, features.length));
    const pTest = model.predictProba(firstColumns(testRows, features.length));
    const dTrain = maxAbs(pTrain, expected.trainProbabilities);
    const dTest = maxAbs(pTest, expected.testProbabilities);
    console.log(`# ${label}: max |p − p_sklearn| train ${dTrain.toExponential(2)}, test ${dTest.toExponential(2)}; coefficients ${coefDiff.toExponential(2)}`);
    assert.ok(dTrain < 1e-6, `training rows: ${dTrain}`);
    assert.ok(dTest < 1e-6, `test rows (unseen region, missing contracts): ${dTest}`);
  });
}

test('an unseen category and a missing cell never seen in training add nothing; missing seen in training has its own coefficient', () => {
  const doc = fitDoc(true);
  const model = loadModel(doc);
  const c = doc.logistic.coefficients;
  const base = { tenure: [24], spend: [80], seats: [10], constant: [7] };
  // One row per case: region "mars" (unseen) vs a dictionary where it is absent; contract missing.
  const row = (plan: number, region: number, contract: number, levels: (string[] | null)[]) =>
    model.predictProba({ x: [...Object.values(base).map((v) => Float64Array.from(v)), Float64Array.of(plan), Float64Array.of(region), Float64Array.of(contract)], rows: 1, levels })[0];
  const lv = [null, null, null, null, ['pro', 'basic'], ['mars', 'west'], ['Two year\'s']];
  const logit = (p: number) => Math.log(p / (1 - p));
  // mars vs west: west's coefficient is the whole difference (mars adds nothing).
  const westIdx = doc.features[5].categories!.indexOf('west');
  assert.ok(Math.abs(logit(row(0, 1, 0, lv)) - logit(row(0, 0, 0, lv)) - (c.region as number[])[westIdx]) < 1e-9);
  // A missing contract (training had none) adds nothing: the difference to "Two year's" is its coefficient.
  const twoIdx = doc.features[6].categories!.indexOf('Two year\'s');
  assert.equal(doc.features[6].categories!.includes(null), false);
  assert.ok(Math.abs(logit(row(0, 1, 0, lv)) - logit(row(0, 1, Number.NaN, lv)) - (c.contract as number[])[twoIdx]) < 1e-9);
  // A missing plan (training had some) takes the missing category's coefficient.
  const plan = doc.features[4].categories!;
  const d = logit(row(Number.NaN, 1, 0, lv)) - logit(row(0, 1, 0, lv));
  assert.ok(Math.abs(d - ((c.plan as number[])[plan.indexOf(null)] - (c.plan as number[])[plan.indexOf('pro')])) < 1e-9);
});

test('category data read as numbers (no dictionary) is one clear error', () => {
  const model = loadModel(fitDoc(false));
  assert.throws(() => model.predictProba({ x: train.x, rows: train.rows }), { message: 'feature "plan" is a category in this model, but the data read it as numbers (check feature_types)' });
});
