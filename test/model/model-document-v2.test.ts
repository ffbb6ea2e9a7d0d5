import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadModel } from '../../src/model/fitted-model.ts';
import { fitLogistic } from '../../src/model/logistic/fit.ts';
import { parseModelDocument } from '../../src/registry/versions.ts';
import { modelFeatureNames, modelFeatures } from '../../src/contracts/model-document.ts';
import { fitDoc } from '../helpers/categories-fixture.ts';
import { FIXTURES } from '../helpers/workspace.ts';

// A riskwatch.model/1 document as the versions before /2 wrote it (committed, never regenerated):
// it keeps loading, scoring and exporting.
const v1Text = readFileSync(join(FIXTURES, 'model', 'v1-document.json'), 'utf8');

test('a committed /1 document still loads, scores (missing → medians) and exports SQL that agrees', () => {
  const doc = parseModelDocument(JSON.parse(v1Text), 'v1-document.json');
  assert.deepEqual(modelFeatureNames(doc), ['lastmonth_activity', 'lastyear_activity', 'number_of_employees']);
  assert.deepEqual(modelFeatures(doc).map((f) => f.type), ['number', 'number', 'number']);
  const model = loadModel(doc);
  assert.equal(model.threshold, 0.5);
  assert.equal(JSON.stringify(model.toDocument(), null, 2) + '\n', v1Text, 'served and re-saved byte for byte');
  const x = [Float64Array.of(10, Number.NaN), Float64Array.of(200, 5), Float64Array.of(Number.NaN, 40)];
  const p = model.predictProba({ x, rows: 2 });
  const sig = (t: number) => 1 / (1 + Math.exp(-t));
  const w = [-0.0006154449048096187, -0.0000772090992103222, 0.00014439868588732587];
  const want = [sig(0.7144071237956203 + w[0] * 10 + w[1] * 200 + w[2] * 99), sig(0.7144071237956203 + w[0] * 425 + w[1] * 5 + w[2] * 40)];
  want.forEach((v, i) => assert.ok(Math.abs(p[i] - v) < 1e-15, `${p[i]} vs ${v}`));
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (corporation TEXT, lastmonth_activity REAL, lastyear_activity REAL, number_of_employees REAL)');
  const st = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
  st.run('a', 10, 200, null);
  st.run('b', null, 5, 40);
  db.exec(model.toSql({ dialect: 'sqlite', table: 't' }).sql);
  const got = db.prepare('SELECT corporation, probability FROM riskwatch_scores ORDER BY corporation').all() as { probability: number }[];
  got.forEach((g, i) => assert.ok(Math.abs(g.probability - p[i]) < 1e-12));
  db.close();
});

test('a /2 document with a bad field names it in one line', () => {
  const doc = JSON.parse(JSON.stringify(fitDoc(true)));
  doc.features[4].type = 'text';
  assert.throws(() => parseModelDocument(doc, 'm.json'), { message: /^m\.json: not a riskwatch model \(field "features\.4\.type": Invalid option: expected one of "count"\|"number"\|"category"\)$/ });
  const short = JSON.parse(JSON.stringify(fitDoc(true)));
  short.logistic.coefficients.plan.pop();
  assert.throws(() => loadModel(parseModelDocument(short, 'm.json')), { message: /feature "plan" needs one coefficient per category \(4\)/ });
});

test('one-hot fit equals the same model with explicit 0/1 columns, also on 250,000 rows (warm start on a subsample)', () => {
  // Unstandardized, an indicator column through the numeric kernel is penalised as w² too (its
  // internal scaling is undone in the penalty): the same optimum by a different route.
  let s = 99;
  const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const n of [3000, 250_000]) {
    const a = new Float64Array(n);
    const idxA = new Int32Array(n);
    const idxB = new Int32Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = u() < 0.02 ? Number.NaN : Math.floor(u() * 50);
      idxA[i] = Math.floor(u() * 3);
      idxB[i] = 3 + Math.floor(u() * 4);
      const t = -1 + 0.03 * (a[i] === a[i] ? a[i] : 20) + [0.5, -0.5, 0][idxA[i]] + [0, 1, -1, 0.3][idxB[i] - 3];
      y[i] = u() < 1 / (1 + Math.exp(-t)) ? 1 : 0;
    }
    const onehot = fitLogistic([a], y, { C: 1, maxIter: 100, tol: 1e-12, impute: [20], onehot: { index: [idxA, idxB], levels: 7 } });
    const cols = [a, ...Array.from({ length: 7 }, (_, l) => Float64Array.from(l < 3 ? idxA : idxB, (k) => (k === l ? 1 : 0)))];
    const explicit = fitLogistic(cols, y, { C: 1, maxIter: 100, tol: 1e-12, impute: [20, 0, 0, 0, 0, 0, 0, 0] });
    assert.ok(onehot.converged && explicit.converged);
    if (n > 200_000) assert.ok(onehot.warmIterations > 0, 'the warm start ran');
    const all = [...onehot.coef, ...onehot.levelCoef, onehot.intercept];
    const ref = [...explicit.coef, explicit.intercept];
    all.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-8, `n=${n} parameter ${i}: ${v} vs ${ref[i]}`));
    assert.ok(Math.abs(onehot.objective - explicit.objective) < 1e-9 * explicit.objective);
  }
});
