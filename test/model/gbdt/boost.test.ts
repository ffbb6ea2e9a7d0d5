import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/util/random.ts';
import { fitGbdt, GbdtPredictor, logLoss, shouldStop, stratifiedSplit } from '../../../src/model/gbdt/index.ts';
import { fastExp } from '../../../src/model/sigmoid.ts';

/** y depends on x0 (a step) and on the category of x1; x2 is noise. */
function data(n: number, seed: number, noise = 0) {
  const rng = new Random(seed);
  const x0 = new Float64Array(n), x1 = new Float64Array(n), x2 = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x0[i] = rng.next() * 10;
    x1[i] = rng.int(4);
    x2[i] = rng.normal();
    const logit = noise > 0 ? 0 : (x0[i] > 5 ? 1.5 : -1.5) + (x1[i] === 2 ? 1 : 0);
    y[i] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { columns: [x0, x1, x2], categorical: [false, true, false], y };
}

test('the same data and settings give a byte-identical model', () => {
  const d = data(15000, 3);
  const a = JSON.stringify(fitGbdt(d));
  const b = JSON.stringify(fitGbdt({ ...d, columns: d.columns.map((c) => c.slice()) }));
  assert.equal(a, b);
  assert.notEqual(a, JSON.stringify(fitGbdt(d, { seed: 1 })), 'the seed chooses the validation rows');
});

test('early stopping: on under "auto" above 10,000 rows, stops 10 rounds after the validation loss last improved', () => {
  const small = fitGbdt(data(2000, 1), { maxIter: 20 });
  assert.equal(small.validationLoss, null);
  assert.equal(small.trees.length, 20);
  assert.equal(small.trainingRows, 2000);
  // Pure noise: the validation loss stops improving almost at once.
  const noise = fitGbdt(data(12000, 2, 1));
  assert.ok(noise.validationLoss);
  assert.equal(noise.trainingRows, 12000 - 1200);
  assert.ok(noise.trees.length < 100, `stopped after ${noise.trees.length}`);
  assert.equal(noise.validationLoss.length, noise.trees.length + 1);
  assert.ok(shouldStop(noise.validationLoss, 10, 1e-7));
  assert.ok(!shouldStop(noise.validationLoss.slice(0, -1), 10, 1e-7), 'not one iteration earlier');
  // Forced on for small data, off for large.
  assert.ok(fitGbdt(data(3000, 1), { earlyStopping: true, maxIter: 5 }).validationLoss);
  assert.equal(fitGbdt(data(12000, 2, 1), { earlyStopping: false, maxIter: 3 }).validationLoss, null);
  // sklearn's rule on a list: improvement by more than tol within the last 10 keeps going.
  const l = [1, 0.9, ...new Array(10).fill(0.9)];
  assert.equal(shouldStop(l, 10, 1e-7), true);
  assert.equal(shouldStop([...l.slice(0, -1), 0.9 - 1e-6], 10, 1e-7), false);
});

test('stratified split holds out 10% of each class, seeded', () => {
  const y = Uint8Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const { train, validation } = stratifiedSplit(y, 0.1, 5);
  assert.equal(validation.length, 100);
  assert.equal(train.length, 900);
  assert.equal(Array.from(validation).filter((i) => y[i] === 1).length, 25);
  assert.deepEqual(stratifiedSplit(y, 0.1, 5).validation, validation);
});

test('fits the structure: splits on x0 near 5 and on category 2; a leaf holds at least min_samples_leaf rows', () => {
  const d = data(5000, 4);
  const m = fitGbdt(d, { maxIter: 30 });
  const t = m.trees[0];
  assert.equal(t.feature[0], 0);
  assert.ok(Math.abs(t.threshold[0] - 5) < 0.1, `root threshold ${t.threshold[0]}`);
  assert.ok(m.trees.some((tr) => tr.categories.some((c) => c !== null && (c.length === 1 ? c[0] === 2 : !c.includes(2)))));
  for (const tr of m.trees) {
    tr.feature.forEach((f, i) => {
      if (f < 0) assert.ok(tr.cover[i] >= 20);
      else assert.equal(tr.cover[i], tr.cover[tr.left[i]] + tr.cover[tr.right[i]]);
    });
    assert.ok(tr.feature.filter((f) => f < 0).length <= 31);
  }
  // With small trees the noise feature brings the least gain (31-leaf trees overfit it too).
  const small = fitGbdt(d, { maxIter: 10, maxLeaves: 4 }).importance.gain;
  assert.ok(small[0] > small[1] && small[1] > small[2], `gains ${small}`);
  assert.equal(m.importance.splits.reduce((a, b) => a + b, 0), m.trees.reduce((s, tr) => s + tr.feature.filter((f) => f >= 0).length, 0));
  assert.ok(Math.abs(m.baseScore - Math.log(d.y.reduce((a, b) => a + b, 0) / d.y.filter((v) => v === 0).length)) < 1e-12);
  // Training loss went down from the baseline.
  const raw = new GbdtPredictor(m).rawScores(d.columns);
  assert.ok(logLoss(raw, d.y) < logLoss(new Float64Array(d.y.length).fill(m.baseScore), d.y) - 0.1);
});

test('missing values learned: rows missing x0 behave like high x0 and go that way; an unseen category goes the missing way', () => {
  const d = data(5000, 5);
  const x0 = d.columns[0];
  for (let i = 0; i < x0.length; i += 4) if (d.y[i] === 1 && i % 8 === 0) x0[i] = NaN;
  const m = fitGbdt(d, { maxIter: 1, maxLeaves: 2 });
  assert.equal(m.trees[0].feature[0], 0);
  assert.equal(m.trees[0].missingLeft[0], false, 'missing with the high values, on the right');
  const p = new GbdtPredictor(m);
  const raw = p.rawScores([Float64Array.from([NaN, 9, 1]), Float64Array.from([0, 0, 0]), Float64Array.from([0, 0, 0])]);
  assert.equal(raw[0], raw[1]);
  assert.notEqual(raw[0], raw[2]);
  // Category split: codes 9 (out of range), 2.5, and a code no training row had go the missing way.
  const c = data(3000, 6);
  c.columns[1] = c.columns[1].map((v) => (v === 3 ? 4 : v)); // codes 0,1,2,4: 3 is never seen
  const mc = fitGbdt({ columns: [c.columns[1]], categorical: [true], y: c.y }, { maxIter: 1, maxLeaves: 2 });
  assert.deepEqual(mc.knownCategories, [[0, 1, 2, 4]]);
  const pc = new GbdtPredictor(mc);
  const r = pc.rawScores([Float64Array.from([NaN, 3, 9, 2.5, 2, 0])]);
  assert.equal(r[1], r[0]);
  assert.equal(r[2], r[0]);
  assert.equal(r[3], r[0]);
  assert.notEqual(r[4], r[5]);
  // Trees alone (no training codes): code 3 is then an ordinary code outside the left set.
  const bare = new GbdtPredictor({ baseScore: mc.baseScore, trees: mc.trees }).rawScores([Float64Array.from([3, 9])]);
  const left = mc.trees[0].categories[0]!;
  const rightCode = [0, 1, 2, 4].find((code) => !left.includes(code))!;
  assert.equal(bare[0], pc.rawScores([Float64Array.from([rightCode])])[0]);
  assert.equal(bare[1], r[0], 'out of range still goes the missing way');
});

test('bad input: one class, mismatched columns, max_iter 0, constant and all-missing features', () => {
  const d = data(200, 7);
  assert.throws(() => fitGbdt({ ...d, y: new Uint8Array(200) }), /one class/);
  assert.throws(() => fitGbdt({ ...d, columns: [d.columns[0].subarray(1), d.columns[1], d.columns[2]] }), /feature 0 has 199 values/);
  const zero = fitGbdt(d, { maxIter: 0 });
  assert.equal(zero.trees.length, 0);
  const p = new GbdtPredictor(zero).predictProba(d.columns);
  assert.ok(Math.abs(p[0] - d.y.reduce((a, b) => a + b, 0) / 200) < 1e-12);
  const flat = fitGbdt({ columns: [new Float64Array(200).fill(3), new Float64Array(200).fill(NaN)], categorical: [false, true], y: d.y }, { maxIter: 3 });
  assert.equal(flat.trees.length, 3);
  assert.ok(flat.trees.every((t) => t.feature.length === 1 && t.feature[0] === -1));
  const huge = fitGbdt({ columns: [d.columns[0].map((v) => v * 1e299)], categorical: [false], y: d.y }, { maxIter: 5 });
  assert.ok(new GbdtPredictor(huge).predictProba([d.columns[0].map((v) => v * 1e299)]).every((v) => v > 0 && v < 1));
});

test('fittedScores: every row\'s log-odds as the fit summed them, equal to the trees\' predictions bit for bit; NaN only for validation rows with a category the training rows never had', () => {
  // 12,000 rows (early stopping on: 1,200 held out); a categorical feature whose codes 10..39
  // appear once each, so some appear in validation rows only.
  const n = 12_000;
  const rng = new Random(5);
  const num = Float64Array.from({ length: n }, () => rng.normal());
  const cat = Float64Array.from({ length: n }, (_, i) => (i % 400 === 7 ? 10 + ((i / 400) | 0) : rng.next() < 0.05 ? Number.NaN : rng.int(10)));
  const y = Uint8Array.from({ length: n }, (_, i) => (rng.next() < 1 / (1 + Math.exp(-(num[i] + (cat[i] % 3) - 1))) ? 1 : 0));
  const m = fitGbdt({ columns: [num, cat], categorical: [false, true], y }, { maxIter: 10 });
  const p = new GbdtPredictor(m).predictProba([num, cat]);
  const known = new Set(m.knownCategories[1]);
  let nan = 0;
  for (let i = 0; i < n; i++) {
    const s = m.fittedScores[i];
    const unseen = cat[i] === cat[i] && !known.has(cat[i]);
    if (s !== s) {
      nan++;
      assert.ok(unseen, `row ${i} NaN with a known category`);
    } else {
      assert.ok(!unseen, `row ${i}: an unseen category ${cat[i]} scored`);
      assert.ok(Object.is(1 / (1 + fastExp(-s)), p[i]), `row ${i}`);
    }
  }
  assert.ok(nan > 0 && nan < 30, `${nan} rows with categories only validation rows have`);
});
