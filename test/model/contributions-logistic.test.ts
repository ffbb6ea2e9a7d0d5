import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../src/model/fitted-model.ts';
import { fitLogisticDocument } from '../../src/model/logistic/fit-document.ts';
import { referenceBackground } from '../../src/model/logistic/background.ts';
import { paramsOf } from '../../src/model/logistic/params.ts';
import { referenceProfile } from '../../src/stats/profile.ts';
import { categoryProfile } from '../../src/stats/category-profile.ts';
import type { ModelReference } from '../../src/stats/reference.ts';
import { artifactsOf } from '../../src/registry/deployment.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { train as trainVersion } from '../../src/model/train.ts';
import { DataError } from '../../src/util/errors.ts';
import type { LogisticDocument2 } from '../../src/contracts/model-document.ts';
import { FEATURES, fitDoc, testRows, train } from '../helpers/categories-fixture.ts';
import { context, FIXTURES, seedWorkspace } from '../helpers/workspace.ts';
import { additivityGap } from '../helpers/additivity.ts';

// Fixture: shap 0.51's LinearExplainer on scikit-learn's pipeline (median imputation [+ scaling],
// one-hot with unknown categories ignored, LogisticRegression) fitted on the training rows of
// model/categories.json, with ALL of them as background — scripts/fixtures/make_linear_contributions_fixture.py.
interface ShapFit {
  standardize: boolean;
  features: string[];
  numeric: string[];
  categorical: string[];
  categories: Record<string, (string | null)[]>;
  coefficients: Record<string, number | number[]>;
  intercept: number;
  medians: Record<string, number>;
  means?: Record<string, number>;
  scales?: Record<string, number>;
  background: { means: Record<string, number>; shares: Record<string, number[]> };
  base: number;
  test: number[][];
  train: number[][];
  testLogOdds: number[];
}
const shapFixture = JSON.parse(readFileSync(join(FIXTURES, 'model', 'linear-contributions.json'), 'utf8')) as { fits: ShapFit[] };

type Cols = { x: Float64Array[]; rows: number; levels: (string[] | null)[] };
const firstRows = (c: Cols, n: number): Cols => ({ ...c, x: c.x.map((col) => col.subarray(0, n)), rows: n });

/** max over rows of |base + Σ contributions − logit(p)|. */
function localAccuracy(doc: Parameters<typeof loadModel>[0], data: Cols, reference?: ModelReference): number {
  const model = loadModel(doc, { reference });
  return additivityGap(model.contributions(data), model.predictProba(data));
}

for (const fit of shapFixture.fits) {
  const label = fit.standardize ? 'standardized' : 'raw';
  test(`contributions equal shap's LinearExplainer with the training rows as background (${label})`, () => {
    // riskwatch's own fit of the same rows: its categories and the background it records.
    const ours = fitDoc(fit.standardize);
    assert.deepEqual(ours.features.map((f) => f.name), fit.features);
    for (const f of fit.categorical) assert.deepEqual(ours.features.find((x) => x.name === f)?.categories, fit.categories[f], f);
    const bg = ours.logistic.background!;
    for (const f of fit.numeric) assert.ok(Math.abs(bg.means[f] - fit.background.means[f]) <= 1e-13 * Math.abs(fit.background.means[f]), `mean of ${f}: ${bg.means[f]} vs ${fit.background.means[f]}`);
    for (const f of fit.categorical) bg.shares[f].forEach((s, k) => assert.ok(Math.abs(s - fit.background.shares[f][k]) <= 1e-15, `share of ${f}[${k}]`));
    // With scikit-learn's coefficients (so the formula is what is compared, not two solvers), the
    // background riskwatch recorded, and its contributions against shap's.
    const doc: LogisticDocument2 = {
      ...ours,
      logistic: {
        intercept: fit.intercept,
        coefficients: fit.coefficients,
        medians: fit.medians,
        ...(fit.standardize ? { standardization: { means: fit.means!, scales: fit.scales! } } : {}),
        background: bg,
      },
    };
    const model = loadModel(doc);
    for (const [rows, want] of [
      [testRows, fit.test],
      [firstRows(train, fit.train.length), fit.train],
    ] as const) {
      const { base, values } = model.contributions(rows);
      assert.ok(Math.abs(base - fit.base) < 1e-12, `base ${base} vs shap ${fit.base}`);
      let worst = 0;
      want.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(values[j][i] - v)))));
      console.log(`# ${label}, ${rows.rows} rows: max |contribution − shap| ${worst.toExponential(2)}`);
      assert.ok(worst < 1e-12, `contributions differ from shap's by ${worst}`);
    }
    // An unseen region (all its indicators 0) and a contract missing where training had none.
    const region = FEATURES.indexOf('region');
    const mars = testRows.levels[region]!.indexOf('mars');
    const i = testRows.x[region].findIndex((c) => c === mars);
    const shares = bg.shares.region;
    const w = fit.coefficients.region as number[];
    assert.ok(i >= 0 && Math.abs(model.contributions(testRows).values[region][i] + w.reduce((s, c, k) => s + c * shares[k], 0)) < 1e-15);
    // base + Σ = the pipeline's log-odds and the model's own logit(p).
    const { base, values } = model.contributions(testRows);
    fit.testLogOdds.forEach((t, r) => assert.ok(Math.abs(values.reduce((s, col) => s + col[r], base) - t) < 1e-9, `row ${r}`));
    assert.ok(localAccuracy(doc, testRows) < 1e-9);
  });
}

test('local accuracy on every training and test row of riskwatch-fitted models: base + Σ contributions = logit(p) to 1e-9', () => {
  for (const standardize of [true, false]) {
    // (Raw numeric features alone are a /1 model: the last test.)
    for (const numericOnly of standardize ? [false, true] : [false]) {
      const doc = fitDoc(standardize, numericOnly);
      const n = doc.features.length;
      const cut = (c: Cols): Cols => ({ ...c, x: c.x.slice(0, n), levels: c.levels.slice(0, n) });
      for (const data of [cut(train), cut(testRows)]) {
        const worst = localAccuracy(doc, data);
        assert.ok(worst < 1e-9, `standardize ${standardize}, numeric only ${numericOnly}: ${worst}`);
      }
    }
  }
});

/** A drift reference of the fixture's training rows, as training builds one (only what contributions read). */
function referenceOf(cols: Cols, features: string[]): ModelReference {
  const ref = { format: 'riskwatch.reference/2', version: 'v1', rows: cols.rows, features: {}, categories: {} } as unknown as ModelReference;
  features.forEach((f, j) => {
    const levels = cols.levels[j];
    if (levels) ref.categories![f] = categoryProfile(cols.x[j], levels);
    else ref.features[f] = referenceProfile(cols.x[j]);
  });
  return ref;
}

test('a document without a background takes it from the drift reference: the same to 1e-13, "(other)" and missing included', () => {
  for (const maxCategories of [50, 2]) {
    const { document } = fitLogisticDocument({
      features: FEATURES,
      types: FEATURES.map((_, j) => (train.levels[j] ? 'category' : 'number')),
      ...train,
      medians: train.x.map((c, j) => (train.levels[j] ? Number.NaN : paramsMedian(c))),
      C: 0.5,
      maxIter: 100,
      tol: 1e-12,
      threshold: 0.5,
      standardize: false,
      maxCategories,
    });
    const doc = document({ version: 'v1', createdAt: 't', datasetHash: 'h', target: 'y', idColumn: 'id' }, (f) => ({ rows: train.rows, positives: 0, iterations: f.iterations, gradNorm: f.gradNorm, objective: f.objective, converged: f.converged, ms: 0 })) as LogisticDocument2;
    if (maxCategories === 2) assert.ok(doc.features.some((f) => f.categories?.includes('(other)')), 'region folded');
    const own = doc.logistic.background!;
    const ref = referenceOf(train, FEATURES);
    const fromRef = referenceBackground('v1', paramsOf(doc), ref);
    for (const f of Object.keys(own.means)) assert.ok(Math.abs(fromRef.means[f] - own.means[f]) <= 1e-13 * Math.abs(own.means[f]), f);
    for (const f of Object.keys(own.shares)) fromRef.shares[f].forEach((s, k) => assert.ok(Math.abs(s - own.shares[f][k]) <= 1e-15, `${f}[${k}]`));
    assert.ok(Math.abs(own.shares.plan.reduce((a, b) => a + b, 0) - 1) < 1e-12, 'shares sum to 1, missing included');
    // Without a background: from the reference, or one clear line.
    const { background: _, ...rest } = doc.logistic;
    const bare = { ...doc, logistic: rest };
    assert.ok(localAccuracy(bare, testRows, ref) < 1e-9);
    assert.throws(() => loadModel(bare).contributions(testRows), (e: unknown) => e instanceof DataError && /records no background.*reference\.json/.test(e.message));
  }
});

function paramsMedian(col: Float64Array): number {
  const v = Array.from(col).filter((a) => a === a).sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

test('a /1 model (its document unchanged) explains itself against its reference: means of the training rows, local accuracy', async () => {
  const ws = seedWorkspace();
  const ctx = await context(ws.config);
  try {
    await ingest(ctx);
    const r = await trainVersion(ctx);
    const doc = await artifactsOf(ctx).loadModel(r.version);
    assert.equal(doc.format, 'riskwatch.model/1');
    assert.ok(!('background' in doc));
    const reference = await artifactsOf(ctx).loadReference(r.version);
    const model = loadModel(doc, { reference });
    // The seed's 26 training rows (no missing cells): contributions are w·(x − mean).
    const rows = readFileSync(join(FIXTURES, 'model', 'seed.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(1, 4).map(Number));
    const x = [0, 1, 2].map((j) => Float64Array.from(rows, (row) => row[j]));
    const { base, values } = model.contributions({ x, rows: rows.length });
    const means = x.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
    const w = model.features.map((f) => doc.coefficients[f]);
    values.forEach((col, j) => col.forEach((v, i) => assert.ok(Math.abs(v - w[j] * (x[j][i] - means[j])) < 1e-12, `${model.features[j]} row ${i}`)));
    assert.ok(Math.abs(base - (doc.intercept + w.reduce((s, wj, j) => s + wj * means[j], 0))) < 1e-12);
    assert.ok(localAccuracy(doc, { x, rows: rows.length, levels: [null, null, null] }, reference) < 1e-9);
  } finally {
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
