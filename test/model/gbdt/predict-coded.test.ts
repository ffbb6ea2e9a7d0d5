import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodedTrees } from '../../../src/model/gbdt/predict-coded.ts';
import { FlatTrees } from '../../../src/model/gbdt/predict-flat.ts';
import { GbdtPredictor } from '../../../src/model/gbdt/predict.ts';
import type { GbdtModel, GbdtTree } from '../../../src/model/gbdt/types.ts';
import { rng } from '../../helpers/random.ts';

// The coded kernel (rows coded per feature, one table lookup per node, four rows a walk) must give
// the flat kernel's log-odds to the bit on any trees it accepts: seeded random trees over numeric
// features whose thresholds the rows hit exactly (±0, ±Infinity, the largest doubles) and category
// features with codes out of range, fractional, 255 and beyond; both missing directions; with and
// without the training codes; row counts that are not a multiple of four or of the block.

const NUMERIC = [0, 1, 2];
const CATEGORY = [3, 4];
const CODES = [4, 256]; // feature 4 has 256 categories: code 255 is an ordinary one

function pools(r: () => number): number[][] {
  const a = Array.from({ length: 60 }, () => (r() - 0.4) * 100 * r());
  a.push(0, -0, 1e300, -1e300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity);
  return [a, Array.from({ length: 40 }, (_, i) => i), Array.from({ length: 30 }, () => r())];
}

function randomTree(r: () => number, pool: number[][], leaves: number): GbdtTree {
  const t: GbdtTree = { feature: [-1], threshold: [0], categories: [null], missingLeft: [false], left: [-1], right: [-1], value: [r() - 0.5], cover: [1] };
  const open = [0];
  while (open.length < leaves) {
    const k = Math.floor(r() * open.length);
    const at = open[k];
    const feature = Math.floor(r() * 5);
    t.feature[at] = feature;
    t.missingLeft[at] = r() < 0.5;
    if (CATEGORY.includes(feature)) {
      t.threshold[at] = 0;
      t.categories[at] = Array.from({ length: CODES[feature - 3] }, (_, c) => c).filter(() => r() < 0.4);
    } else {
      const p = pool[feature];
      t.threshold[at] = r() < 0.7 ? p[Math.floor(r() * p.length)] : (p[Math.floor(r() * p.length)] + p[Math.floor(r() * p.length)]) / 2;
      t.categories[at] = null;
    }
    const l = t.feature.length;
    for (const child of [l, l + 1]) {
      t.feature[child] = -1;
      t.threshold[child] = 0;
      t.categories[child] = null;
      t.missingLeft[child] = false;
      t.left[child] = -1;
      t.right[child] = -1;
      t.value[child] = r() - 0.5;
      t.cover[child] = 1;
    }
    t.left[at] = l;
    t.right[at] = l + 1;
    open.splice(k, 1, l, l + 1);
  }
  return t;
}

function randomColumns(r: () => number, pool: number[][], rows: number): Float64Array[] {
  const odd = [Number.NaN, -1, 2.5, 255, 256, 999, -0, Infinity];
  return [0, 1, 2, 3, 4].map((f) =>
    Float64Array.from({ length: rows }, () => {
      const u = r();
      if (u < 0.08) return Number.NaN;
      if (CATEGORY.includes(f)) return u < 0.15 ? odd[Math.floor(r() * odd.length)] : Math.floor(r() * CODES[f - 3]);
      return u < 0.7 ? pool[f][Math.floor(r() * pool[f].length)] : (r() - 0.5) * 200;
    }),
  );
}

function sameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: row ${i}: ${a[i]} vs ${b[i]}`);
}

for (const seed of [1, 2, 3, 4]) {
  test(`coded kernel = flat kernel to the bit, random trees (seed ${seed})`, () => {
    const r = rng(seed);
    const pool = pools(r);
    const trees = Array.from({ length: 30 }, (_, t) => randomTree(r, pool, t === 0 ? 1 : 2 + Math.floor(r() * 40)));
    const knownCategories: GbdtModel['knownCategories'] = [null, null, null, [0, 2, 3], Array.from({ length: 256 }, (_, c) => c).filter(() => r() < 0.8)];
    for (const model of [{ baseScore: r() - 0.5, trees }, { baseScore: -0.25, trees, knownCategories }]) {
      const coded = CodedTrees.compile(model);
      assert.ok(coded, 'the kernel takes these trees');
      for (const rows of [0, 1, 3, 4, 7, 513, 1500]) {
        const cols = randomColumns(r, pool, rows);
        sameBits(coded.rawScores(cols, model.baseScore, new Float64Array(rows)), new FlatTrees(model).rawScores(cols, new Float64Array(rows)), `${rows} rows, known categories ${'knownCategories' in model}`);
      }
    }
  });
}

test('trees the coded kernel declines are scored by the flat one: over 255 thresholds on a feature, NaN thresholds, a feature split both ways', () => {
  const r = rng(9);
  const pool = pools(r);
  const many: GbdtTree[] = Array.from({ length: 256 }, (_, k) => ({ feature: [0, -1, -1], threshold: [k + 0.5, 0, 0], categories: [null, null, null], missingLeft: [k % 2 === 0, false, false], left: [1, -1, -1], right: [2, -1, -1], value: [0, k, -k], cover: [2, 1, 1] }));
  const nan: GbdtTree = { ...many[0], threshold: [Number.NaN, 0, 0] };
  const mixed: GbdtTree = { ...many[0], categories: [[1], null, null] }; // feature 0 as categories here, as numbers in many[0]
  for (const trees of [many, [nan], [many[0], mixed]]) {
    const model = { baseScore: 0.1, trees };
    assert.equal(CodedTrees.compile(model), undefined);
    const cols = randomColumns(r, pool, 300);
    cols[0] = cols[0].map((v, i) => (i % 3 === 0 ? v : i % 257));
    sameBits(new GbdtPredictor(model).rawScores(cols), new FlatTrees(model).rawScores(cols, new Float64Array(300)), 'declined');
  }
  // 255 thresholds still fit: the codes are 0..255 with missing apart.
  assert.ok(CodedTrees.compile({ trees: many.slice(1) }));
});
