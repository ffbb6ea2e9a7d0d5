import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER, categoryCounts, keptCategories } from '../../src/data/kinds/category/counts.ts';

test('keptCategories: the max most frequent present texts (ties by text), in text order, the rest folded', () => {
  const levels = ['b', 'a', 'c', 'd', 'e'];
  const codes = Float64Array.from([0, 0, 0, 1, 1, 2, 2, 3, Number.NaN, 0]);
  const { counts, missing } = categoryCounts(codes, codes.length, levels);
  assert.deepEqual(Array.from(counts), [4, 2, 2, 1, 0]);
  assert.equal(missing, 1);
  assert.deepEqual(keptCategories(levels, counts, 10), { kept: ['a', 'b', 'c', 'd'], folded: false }, 'e never occurs: not kept, nothing folded');
  assert.deepEqual(keptCategories(levels, counts, 2), { kept: ['a', 'b'], folded: true }, 'a and c tie at 2: a by text');
  // The same counts under another dictionary give the same answer.
  assert.deepEqual(keptCategories(['d', 'c', 'b', 'a'], [1, 2, 4, 2], 2), { kept: ['a', 'b'], folded: true });
  assert.deepEqual(keptCategories([OTHER, 'x'], [3, 1], 5), { kept: ['x'], folded: true }, 'a text "(other)" joins the fold');
});

test('the model\'s fold (model/logistic/categories.ts) keeps the same categories as keptCategories', async () => {
  const model = await import('../../src/model/logistic/categories.ts');
  let seed = 3;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let trial = 0; trial < 200; trial++) {
    const k = 1 + Math.floor(rnd() * 12);
    const levels = Array.from({ length: k }, (_, i) => (rnd() < 0.05 ? OTHER : `t${Math.floor(rnd() * 20)}-${i}`));
    const codes: number[] = [];
    for (let c = 0; c < k; c++) for (let n = Math.floor(rnd() * 6); n > 0; n--) codes.push(c);
    if (rnd() < 0.3) codes.push(Number.NaN);
    if (codes.every((c) => c !== c)) continue;
    const max = 1 + Math.floor(rnd() * 6);
    const col = Float64Array.from(codes);
    const mine = keptCategories(levels, categoryCounts(col, col.length, levels).counts, max);
    const theirs = model.keptCategories('f', col, col.length, levels, max).categories;
    const texts = theirs.filter((t): t is string => t !== null && t !== OTHER);
    assert.deepEqual(texts, mine.kept, `trial ${trial}`);
    assert.equal(theirs.includes(OTHER), mine.folded, `trial ${trial}: folded`);
  }
});
