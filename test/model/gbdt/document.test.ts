import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGbdt, GbdtPredictor } from '../../../src/model/gbdt/index.ts';
import { fitGbdtDocument, type GbdtTraining } from '../../../src/model/gbdt/document.ts';
import { loadModel } from '../../../src/model/fitted-model.ts';
import { sigmoid } from '../../../src/model/sigmoid.ts';
import { parseModelDocument } from '../../../src/registry/versions.ts';
import type { GbdtDocument2 } from '../../../src/contracts/model-document.ts';
import { churnLevels, churnTraining, loadChurn } from './churn-fixture.ts';
import { scoreGbdtDocument } from '../../helpers/gbdt-scorer.ts';

/**
 * The churn fixture's category columns hold codes 0..k−1; a dataset's dictionary is in order of
 * first appearance, so here each category column gets a dictionary whose code c means the text
 * NAMES[f][c] — deliberately not in text order, so that the model's codes (texts in UTF-16 order)
 * differ from the data's.
 */
const d = loadChurn();
const catIdx = d.categorical.flatMap((c, j) => (c ? [j] : []));
const textOf = (j: number, c: number) => `${d.header[j]}-${String.fromCharCode(90 - c)}`; // Z, Y, X… : reverse order
const levelsOf = (cols: Float64Array[]) => churnLevels(d, cols, textOf);

function training(maxCategories = 50, params: GbdtTraining['params'] = { earlyStopping: false, maxIter: 30 }): GbdtTraining {
  return churnTraining(d, textOf, maxCategories, params);
}
const header = { version: 'v1', createdAt: '2026-12-07T00:00:00.000Z', datasetHash: 'abc', target: 'y', idColumn: 'id' };
const record = (rows: number) => ({ rows, positives: 1, iterations: 30, ms: 0 });

const scoreDocument = scoreGbdtDocument;

test('a gbdt document (texts, not codes) loads through loadModel and predicts what the kernel predicts and an independent scorer of the JSON computes', () => {
  const { model, document } = fitGbdtDocument(training());
  const text = JSON.stringify(document(header, record(d.train.y.length)));
  const doc = parseModelDocument(JSON.parse(text), 'model.json') as GbdtDocument2;
  assert.equal(doc.family, 'gbdt');
  for (const j of catIdx) {
    const cats = doc.features[j].categories!;
    const texts = cats.filter((c) => c !== null) as string[];
    assert.deepEqual(texts, [...texts].sort(), `feature ${d.header[j]}: categories in text order`);
    assert.ok(texts.every((t) => t.startsWith(d.header[j] + '-')));
  }
  assert.ok(doc.features.find((f) => f.name === 'industry')!.categories!.includes(null), 'the missing category is listed when training had it');
  assert.deepEqual(Object.keys(doc.gbdt.importance.gain), d.header);
  assert.equal(doc.gbdt.importance.splits.tenure, model.importance.splits[0]);
  assert.ok(doc.gbdt.trees.some((t) => t.categories.some((c) => c !== null && c.length > 0)), 'category splits, as texts');

  const fitted = loadModel(doc);
  assert.equal(fitted.family, 'gbdt');
  assert.deepEqual(fitted.features, d.header);
  const levels = levelsOf(d.test.columns);
  const p = fitted.predictProba({ x: d.test.columns, rows: d.test.y.length, levels });
  // The kernel's own predictor on the kernel's codes (a text's index among the feature's texts).
  const kernelCodes = d.test.columns.map((c, j) => {
    const texts = doc.features[j].categories?.filter((t) => t !== null);
    return texts ? Float64Array.from(c, (v) => (v !== v ? v : texts.indexOf(levels[j]![v]))) : c;
  });
  const kernel = new GbdtPredictor(model).predictProba(kernelCodes);
  let worst = 0;
  let worstDoc = 0;
  for (let i = 0; i < p.length; i++) {
    worst = Math.max(worst, Math.abs(p[i] - kernel[i]));
    const row = d.test.columns.map((c, j) => (c[i] !== c[i] ? null : levels[j] ? levels[j]![c[i]] : c[i]));
    worstDoc = Math.max(worstDoc, Math.abs(p[i] - scoreDocument(doc, row)));
  }
  assert.equal(worst, 0, 'the same arithmetic as the kernel');
  assert.ok(worstDoc < 1e-12, `independent scorer: largest difference ${worstDoc}`);
});

test('the data\'s own dictionary decides: the same rows coded through another dictionary, a category never seen in training going the missing way', () => {
  const { document } = fitGbdtDocument(training());
  const fitted = loadModel(document(header, record(0)));
  const n = 500;
  const x = d.test.columns.map((c) => c.slice(0, n));
  const levels = levelsOf(x);
  const base = fitted.predictProba({ x, rows: n, levels });
  // Another dictionary: a new text first, then the others reversed; codes re-mapped to match.
  const j = d.header.indexOf('plan');
  const other = ['plan-NEW', ...[...levels[j]!].reverse()];
  const recoded = x.map((c, f) => (f === j ? Float64Array.from(c, (v) => (v !== v ? v : other.indexOf(levels[j]![v]))) : c));
  const same = fitted.predictProba({ x: recoded, rows: n, levels: levels.map((l, f) => (f === j ? other : l)) });
  assert.deepEqual(Array.from(same), Array.from(base));
  // "plan-NEW" (code 0 in that dictionary) scores as a missing plan.
  const unseen = recoded.map((c, f) => (f === j ? new Float64Array(n).fill(0) : c));
  const missing = recoded.map((c, f) => (f === j ? new Float64Array(n).fill(Number.NaN) : c));
  const pu = fitted.predictProba({ x: unseen, rows: n, levels: levels.map((l, f) => (f === j ? other : l)) });
  const pm = fitted.predictProba({ x: missing, rows: n, levels: levels.map((l, f) => (f === j ? other : l)) });
  assert.deepEqual(Array.from(pu), Array.from(pm));
  assert.notDeepEqual(Array.from(pu), Array.from(same), 'the plan matters to the model');
  // `out` longer than the rows: the first rows filled, the rest untouched.
  const out = new Float64Array(n + 3).fill(7);
  fitted.predictProba({ x, rows: n, levels }, out);
  assert.deepEqual(Array.from(out.subarray(0, n)), Array.from(base));
  assert.deepEqual(Array.from(out.subarray(n)), [7, 7, 7]);
  assert.throws(() => fitted.predictProba({ x, rows: n }), { message: 'feature "plan" is a category in this model, but the data read it as numbers (check feature_types)' });
});

test('categories folded beyond max_categories: "(other)" is a category of the trees, and any text the model does not list is read as it', () => {
  const j = d.header.indexOf('industry');
  const t = training(3);
  const { document } = fitGbdtDocument(t);
  const doc = document(header, record(0));
  const cats = doc.features[j].categories!;
  assert.ok(cats.includes('(other)'));
  assert.equal(cats.filter((c) => c !== null).length, 4, '3 kept + "(other)"');
  const fitted = loadModel(doc);
  const n = 300;
  const x = d.test.columns.map((c) => c.slice(0, n));
  const levels = levelsOf(x);
  const folded = levels[j]!.find((text) => !cats.includes(text))!;
  const otherRows = x.map((c, f) => (f === j ? new Float64Array(n).fill(levels[j]!.indexOf(folded)) : c));
  const neverSeen = x.map((c, f) => (f === j ? new Float64Array(n).fill(levels[j]!.length) : c));
  const lv = levels.map((l, f) => (f === j ? [...l!, 'industry-NEW'] : l));
  assert.deepEqual(Array.from(fitted.predictProba({ x: otherRows, rows: n, levels: lv })), Array.from(fitted.predictProba({ x: neverSeen, rows: n, levels: lv })));
  for (let i = 0; i < n; i++) {
    const row = otherRows.map((c, f) => (c[i] !== c[i] ? null : lv[f] ? lv[f]![c[i]] : c[i]));
    assert.ok(Math.abs(fitted.predictProba({ x: otherRows.map((c) => c.subarray(i, i + 1)), rows: 1, levels: lv })[0] - scoreDocument(doc, row)) < 1e-12);
  }
});

test('the fit\'s own log-odds (fittedScores, the drift reference\'s predictions) are what the document predicts, bit for bit, for every row it does not leave NaN', () => {
  // Early stopping on (a validation share) and categories folded (industry into "(other)").
  const t = training(3, { maxIter: 15 });
  const { model, document } = fitGbdtDocument(t);
  const fitted = loadModel(document(header, record(t.rows)));
  const p = fitted.predictProba({ x: t.x, rows: t.rows, levels: t.levels });
  let unfitted = 0;
  for (let i = 0; i < t.rows; i++) {
    const s = model.fittedScores[i];
    if (s !== s) unfitted++;
    else if (!Object.is(sigmoid(s), p[i])) assert.fail(`row ${i}: ${sigmoid(s)} from the fit, ${p[i]} predicted`);
  }
  assert.equal(unfitted, 0, 'no validation row has a category the training rows lack');
  assert.ok(model.trainingRows < t.rows, 'validation rows held out');
});

test('the same data and settings give a byte-identical document; with early stopping the categories are those the trees were fitted on', () => {
  const a = JSON.stringify(fitGbdtDocument(training(50, {})).document(header, record(0)));
  const b = JSON.stringify(fitGbdtDocument(training(50, {})).document(header, record(0)));
  assert.equal(a, b);
  // A direct kernel fit on the fixture's codes: the trees are the same whatever the texts.
  const kernel = fitGbdt({ columns: d.train.columns, categorical: d.categorical, y: d.train.y }, {});
  const doc = JSON.parse(a) as GbdtDocument2;
  assert.equal(doc.gbdt.trees.length, kernel.trees.length);
  assert.deepEqual(doc.gbdt.trees.map((t) => t.value), kernel.trees.map((t) => t.value));
  assert.ok(kernel.validationLoss !== null, 'early stopping was on (14,000 rows)');
  for (const j of catIdx) assert.equal(doc.features[j].categories!.filter((c) => c !== null).length, kernel.knownCategories[j]!.length, d.header[j]);
  assert.equal(doc.hyperParameters.earlyStopping, 'auto');
  assert.equal(doc.hyperParameters.maxIter, 100);
});

test('a document whose trees contradict its features names the node in one line', () => {
  const doc = JSON.parse(JSON.stringify(fitGbdtDocument(training()).document(header, record(0))));
  const t = doc.gbdt.trees.findIndex((tr: any) => tr.categories.some((c: any) => c !== null && c.length > 0));
  const i = doc.gbdt.trees[t].categories.findIndex((c: any) => c !== null && c.length > 0);
  doc.gbdt.trees[t].categories[i] = ['nowhere'];
  const f = doc.features[doc.gbdt.trees[t].feature[i]].name;
  assert.throws(() => loadModel(parseModelDocument(doc, 'm.json')), { message: `model v1: tree ${t} node ${i} sends "nowhere" left, which is not among feature "${f}"'s categories` });
  const doc2 = JSON.parse(JSON.stringify(fitGbdtDocument(training()).document(header, record(0))));
  doc2.gbdt.trees[0].left[0] = 0;
  assert.throws(() => loadModel(parseModelDocument(doc2, 'm.json')), { message: /^model v1: tree 0 node 0 has children 0 and \d+; expected nodes after it$/ });
  const doc3 = JSON.parse(JSON.stringify(fitGbdtDocument(training()).document(header, record(0))));
  doc3.gbdt.trees[0].value.pop();
  assert.throws(() => loadModel(parseModelDocument(doc3, 'm.json')), { message: /^model v1: tree 0 has \d+ nodes in "feature" but \d+ in "value"$/ });
});

test('the file text: a gbdt document\'s arrays of values on one line each (a third the size), read back equal; a logistic document as before', async () => {
  const { modelDocumentText } = await import('../../../src/contracts/model-document.ts');
  const { fitDoc } = await import('../../helpers/categories-fixture.ts');
  const doc = fitGbdtDocument(training(50, { earlyStopping: false, maxIter: 100 })).document(header, record(0));
  const text = modelDocumentText(doc);
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(doc)));
  const pretty = JSON.stringify(doc, null, 2) + '\n';
  assert.ok(text.length < pretty.length / 2, `${text.length} vs ${pretty.length}`);
  assert.ok(text.length < 1e6, `100 trees of up to 31 leaves: ${text.length} bytes`);
  assert.match(text, /\n {8}"feature": \[-?\d+, /, 'a tree array on one line');
  assert.match(text, /"categories": \["industry-[A-Z]", /);
  const lr = fitDoc(true);
  assert.equal(modelDocumentText(lr), JSON.stringify(lr, null, 2) + '\n');
});
