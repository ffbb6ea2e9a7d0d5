import { test } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { jsonInSlices } from '../../src/server/json-slices.ts';

test('jsonInSlices gives byte for byte what JSON.stringify gives, for 0, 1, a slice and many slices of items', async () => {
  for (const n of [0, 1, 2000, 2001, 9_999]) {
    const items = Array.from({ length: n }, (_, i) => ({ id: `c"${i}\\u2028é`, probability: i / 7, prediction: i % 2 }));
    const head = { version: 'v"1' };
    assert.equal(await text(jsonInSlices(head, 'predictions', items)), JSON.stringify({ ...head, predictions: items }), `n=${n}`);
  }
});
