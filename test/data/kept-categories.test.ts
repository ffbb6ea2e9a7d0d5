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
