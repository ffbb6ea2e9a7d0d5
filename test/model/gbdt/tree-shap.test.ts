import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TreeShap } from '../../../src/model/gbdt/tree-shap.ts';
import { GbdtPredictor } from '../../../src/model/gbdt/predict.ts';
import type { GbdtTree } from '../../../src/model/gbdt/types.ts';
import { Random } from '../../../src/util/random.ts';
import { fitGbdtDocument } from '../../../src/model/gbdt/document.ts';
import { loadModel } from '../../../src/model/fitted-model.ts';
import { parseModelDocument } from '../../../src/registry/versions.ts';
import { churnLevels, churnTraining, loadChurn } from './churn-fixture.ts';
import { additivityGap } from '../../helpers/additivity.ts';

// TreeSHAP against its definition: the exact Shapley values of the path-dependent value function
// — v(S) = the trees' expected output when the features in S are the row's and every other
// split follows both branches weighted by cover[child]/cover[node] — by enumerating all 2^M
// feature subsets, on random small trees (≤ 6 features, features repeated along a path, category
// and missing-value splits, covers that do and do not add up).

const CATS = 5;

/** A random tree over `m` features (the last `categorical` of them category codes 0..CATS−1). */
function randomTree(rng: Random, m: number, categorical: number, maxDepth: number, consistent: boolean): GbdtTree {
  const t: GbdtTree = { feature: [], threshold: [], categories: [], missingLeft: [], left: [], right: [], value: [], cover: [] };
  const grow = (depth: number, cover: number): number => {
    const i = t.feature.length;
    t.feature.push(-1);
    t.threshold.push(0);
    t.categories.push(null);
    t.missingLeft.push(false);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(rng.normal());
    t.cover.push(cover);
    if (depth >= maxDepth || (depth > 0 && rng.next() < 0.25) || cover < 2) return i;
    // Few features, deep trees: the same feature comes back along a path.
    const f = Math.floor(rng.next() * m);
    t.feature[i] = f;
    t.missingLeft[i] = rng.next() < 0.5;
    if (f >= m - categorical) {
      const left = [...Array(CATS).keys()].filter(() => rng.next() < 0.5);
      t.categories[i] = left.length ? left : [0];
    } else t.threshold[i] = Math.round(rng.normal() * 4) / 4;
    const share = 0.1 + 0.8 * rng.next();
    const lc = consistent ? Math.max(1, Math.round(cover * share)) : 1 + rng.next() * cover;
    const rc = consistent ? Math.max(1, cover - lc) : 1 + rng.next() * cover;
    t.left[i] = grow(depth + 1, lc);
    t.right[i] = grow(depth + 1, rc);
    return i;
  };
  grow(0, 200 + Math.floor(rng.next() * 800));
  return t;
}

/** Where a row goes at split node i, read straight from the document's rules. */
function wayLeft(t: GbdtTree, i: number, x: number[]): boolean {
  const v = x[t.feature[i]];
  if (Number.isNaN(v)) return t.missingLeft[i];
  const c = t.categories[i];
  return c ? c.includes(v) : v <= t.threshold[i];
}

/** The path-dependent value function: expected output with the features in `known` (a bit mask) fixed. */
function valueOf(t: GbdtTree, x: number[], known: number, i = 0): number {
  if (t.feature[i] < 0) return t.value[i];
  if (known & (1 << t.feature[i])) return valueOf(t, x, known, wayLeft(t, i, x) ? t.left[i] : t.right[i]);
  const l = t.left[i];
  const r = t.right[i];
  return (t.cover[l] * valueOf(t, x, known, l) + t.cover[r] * valueOf(t, x, known, r)) / t.cover[i];
}

function bruteForce(trees: GbdtTree[], baseScore: number, m: number, x: number[]): { phi: number[]; base: number } {
  const v = (S: number) => trees.reduce((s, t) => s + valueOf(t, x, S), baseScore);
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const phi = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let S = 0; S < 1 << m; S++) {
      if (S & (1 << i)) continue;
      let size = 0;
      for (let k = 0; k < m; k++) if (S & (1 << k)) size++;
      phi[i] += ((fact(size) * fact(m - size - 1)) / fact(m)) * (v(S | (1 << i)) - v(S));
    }
  }
  return { phi, base: v(0) };
}

function randomRow(rng: Random, m: number, categorical: number): number[] {
  return Array.from({ length: m }, (_, f) => {
    if (rng.next() < 0.15) return Number.NaN;
    // Category codes include ones no node lists (CATS, CATS + 1): they go right.
    return f >= m - categorical ? Math.floor(rng.next() * (CATS + 2)) : Math.round(rng.normal() * 8) / 4;
  });
}

// Both ways of computing it: per-leaf tables (the default), the recursion alone (table budget 0),
// and a budget so small that some trees of an ensemble take tables and the others recurse.
for (const [mode, budget] of [['per-leaf tables', undefined], ['recursion', 0], ['tables and recursion mixed', 200]] as const) test(`TreeSHAP (${mode}) equals brute-force Shapley values of the path-dependent value function (random trees, ≤ 6 features)`, () => {
  const rng = new Random(20261207);
  let worst = 0;
  let cases = 0;
  let mixed = 0;
  for (let round = 0; round < 60; round++) {
    const m = 1 + Math.floor(rng.next() * 6);
    const categorical = Math.floor(rng.next() * (m + 1));
    const consistent = round % 3 !== 2;
    const trees = Array.from({ length: 1 + Math.floor(rng.next() * 4) }, () => randomTree(rng, m, categorical, 1 + Math.floor(rng.next() * 7), consistent));
    const baseScore = rng.normal();
    const shap = new TreeShap({ baseScore, trees }, m, budget);
    if (shap.tabledTrees > 0 && shap.tabledTrees < trees.length) mixed++;
    assert.ok(budget === 0 ? shap.tabledTrees === 0 : budget === undefined ? shap.tabledTrees === trees.length : true);
    const rows = 8;
    const xs = Array.from({ length: rows }, () => randomRow(rng, m, categorical));
    const columns = Array.from({ length: m }, (_, f) => Float64Array.from(xs, (x) => x[f]));
    const out = Array.from({ length: m }, () => new Float64Array(rows));
    shap.explain(columns, rows, out);
    const raw = new GbdtPredictor({ baseScore, trees }).rawScores(columns);
    xs.forEach((x, i) => {
      const want = bruteForce(trees, baseScore, m, x);
      assert.ok(Math.abs(shap.base - want.base) < 1e-12, `round ${round}: base ${shap.base} vs ${want.base}`);
      for (let f = 0; f < m; f++) {
        const d = Math.abs(out[f][i] - want.phi[f]);
        worst = Math.max(worst, d);
        assert.ok(d < 1e-10, `round ${round} row ${i} feature ${f}: ${out[f][i]} vs brute force ${want.phi[f]}`);
      }
      // Local accuracy: base + Σ = the row's log-odds as the predictor scores it.
      const sum = out.reduce((s, col) => s + col[i], shap.base);
      assert.ok(Math.abs(sum - raw[i]) < 1e-9, `round ${round} row ${i}: base + Σ ${sum} vs log-odds ${raw[i]}`);
      cases++;
    });
  }
  console.log(`# ${mode}, ${cases} rows: max |TreeSHAP − brute force| ${worst.toExponential(2)}; ensembles with both kinds of tree: ${mixed}`);
  if (budget === 200) assert.ok(mixed >= 10, `only ${mixed} ensembles mixed tables and recursion`);
});

test('base is baseScore + Σ of each tree\'s cover-weighted mean leaf value; a one-leaf tree adds its value to base only', () => {
  const tree: GbdtTree = { feature: [0, -1, 1, -1, -1], threshold: [1.5, 0, 0, 0, 0], categories: [null, null, [2], null, null], missingLeft: [true, false, false, false, false], left: [1, -1, 3, -1, -1], right: [2, -1, 4, -1, -1], value: [0, 0.3, 0, -0.2, 0.5], cover: [100, 40, 60, 15, 45] };
  const stump: GbdtTree = { feature: [-1], threshold: [0], categories: [null], missingLeft: [false], left: [-1], right: [-1], value: [0.25], cover: [100] };
  const shap = new TreeShap({ baseScore: -1, trees: [tree, stump] }, 2);
  assert.ok(Math.abs(shap.base - (-1 + (40 * 0.3 + 15 * -0.2 + 45 * 0.5) / 100 + 0.25)) < 1e-15);
  // A row at x0 = 2 (right), x1 = 2 (left): leaf −0.2.
  const out = [new Float64Array(1), new Float64Array(1)];
  shap.explain([Float64Array.of(2), Float64Array.of(2)], 1, out);
  assert.ok(Math.abs(shap.base + out[0][0] + out[1][0] - (-1 - 0.2 + 0.25)) < 1e-15);
  assert.throws(() => new TreeShap({ baseScore: 0, trees: [{ ...tree, cover: [0, 40, 60, 15, 45] }] }, 2), /cover 0/);
});

test('a trained gbdt model explains every held-out row: base + Σ contributions = logit(p) to 1e-9, texts mapped through the data\'s dictionaries', () => {
  const d = loadChurn();
  // Dictionaries whose codes are not the model's (texts in reverse order), as in document.test.ts.
  const textOf = (j: number, c: number) => `${d.header[j]}-${String.fromCharCode(90 - c)}`;
  const levelsOf = (cols: Float64Array[]) => churnLevels(d, cols, textOf);
  const { document } = fitGbdtDocument(churnTraining(d, textOf, 50, { earlyStopping: false, maxIter: 30 }));

  const doc = document({ version: 'v1', createdAt: 't', datasetHash: 'h', target: 'y', idColumn: 'id' }, { rows: d.train.y.length, positives: 1, iterations: 30, ms: 0 });
  const model = loadModel(parseModelDocument(JSON.parse(JSON.stringify(doc)), 'model.json'));
  const data = { x: d.test.columns, rows: d.test.y.length, levels: levelsOf(d.test.columns) };
  const p = model.predictProba(data);
  const { base, values } = model.contributions(data);
  const worst = additivityGap({ base, values }, p);
  console.log(`# ${data.rows} rows, ${values.length} features: max |base + Σ − logit(p)| ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-9, `${worst}`);
  // Every feature the trees split on explains something; none the trees never use does.
  const used = new Set(doc.gbdt.trees.flatMap((t) => t.feature.filter((f) => f >= 0)));
  values.forEach((col, j) => assert.equal(col.some((v) => v !== 0), used.has(j), d.header[j]));
});

test('coded splits (tree-shap-codes.ts) give the comparisons\' contributions bit for bit: thresholds met exactly, ±0, ±Infinity, missing, category codes listed or not, fractional, negative or past 255', () => {
  const rng = new Random(71);
  const odd = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2.5, -1, 255, 256, 300, 1e300, -1e-300];
  let coded = 0;
  for (let round = 0; round < 80; round++) {
    const m = 1 + Math.floor(rng.next() * 6);
    const categorical = Math.floor(rng.next() * (m + 1));
    const trees = Array.from({ length: 1 + Math.floor(rng.next() * 5) }, () => randomTree(rng, m, categorical, 1 + Math.floor(rng.next() * 7), true));
    // Some thresholds are ±0 or ±Infinity; some rows hit a threshold exactly.
    for (const t of trees) t.threshold.forEach((v, i) => (t.threshold[i] = rng.next() < 0.1 ? [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][Math.floor(rng.next() * 4)] : v));
    const thresholds = trees.flatMap((t) => t.threshold.filter((_, i) => t.feature[i] >= 0 && t.categories[i] === null));
    const rows = 64;
    const xs = Array.from({ length: rows }, () =>
      randomRow(rng, m, categorical).map((v) => {
        const u = rng.next();
        if (u < 0.1) return odd[Math.floor(rng.next() * odd.length)];
        if (u < 0.25 && thresholds.length) return thresholds[Math.floor(rng.next() * thresholds.length)];
        return v;
      }),
    );
    const columns = Array.from({ length: m }, (_, f) => Float64Array.from(xs, (x) => x[f]));
    const run = (useCodes: boolean) => {
      const shap = new TreeShap({ baseScore: 0.1, trees }, m, undefined, useCodes);
      const out = Array.from({ length: m }, () => new Float64Array(rows));
      shap.explain(columns, rows, out);
      return out;
    };
    const a = run(true);
    const b = run(false);
    a.forEach((col, f) => col.forEach((v, i) => assert.ok(Object.is(v, b[f][i]), `round ${round} row ${i} feature ${f} (${xs[i][f]}): ${v} vs ${b[f][i]}`)));
    coded++;
  }
  assert.equal(coded, 80);
});

test('the WebAssembly loop (tree-shap-wasm.ts) gives the JavaScript loop\'s contributions bit for bit: tabled and recursing trees mixed, several blocks, odd values', () => {
  const rng = new Random(97);
  const odd = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2.5, -1, 255, 256, 300];
  let ran = 0;
  for (let round = 0; round < 40; round++) {
    const m = 1 + Math.floor(rng.next() * 6);
    const categorical = Math.floor(rng.next() * (m + 1));
    const trees = Array.from({ length: 1 + Math.floor(rng.next() * 8) }, () => randomTree(rng, m, categorical, 1 + Math.floor(rng.next() * 7), true));
    const rows = 1 + Math.floor(rng.next() * 700); // up to 3 blocks of 256
    const xs = Array.from({ length: rows }, () => randomRow(rng, m, categorical).map((v) => (rng.next() < 0.1 ? odd[Math.floor(rng.next() * odd.length)] : v)));
    const columns = Array.from({ length: m }, (_, f) => Float64Array.from(xs, (x) => x[f]));
    // A budget that tables only some trees (the others recurse between them, adding to the same phi).
    const budget = round % 3 === 0 ? undefined : Math.floor(rng.next() * 400);
    const run = (wasm: boolean) => {
      const shap = new TreeShap({ baseScore: 0.1, trees }, m, budget, true, wasm);
      if (wasm && shap.tabledTrees > 0) assert.ok((shap as unknown as { wasm?: unknown }).wasm, 'the WebAssembly loop runs');
      const out = Array.from({ length: m }, () => new Float64Array(rows));
      shap.explain(columns, rows, out);
      shap.explain(columns, rows, out); // a second job on the same explainer: the same
      return out;
    };
    const a = run(true);
    const b = run(false);
    a.forEach((col, f) => col.forEach((v, i) => assert.ok(Object.is(v, b[f][i]), `round ${round} row ${i} feature ${f}: ${v} vs ${b[f][i]}`)));
    ran++;
  }
  assert.equal(ran, 40);
});
