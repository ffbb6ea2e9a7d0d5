import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics } from 'node:v8';
import { growYoungGeneration } from '../../src/server/young-generation.ts';

const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;

test('growYoungGeneration brings new space to its full size (16 MB per semi-space) and says so', () => {
  const r = growYoungGeneration();
  assert.equal(r.bytes, newSpace());
  // Node 20 on 64-bit: the default maximum semi-space is 16 MB, and the loop reaches it.
  assert.ok(newSpace() >= 16 * 1024 * 1024, `new space ${newSpace()} bytes after ${r.ms} ms`);
  // Already full: a second call returns at once.
  const again = growYoungGeneration();
  assert.ok(again.ms < 50, `second call took ${again.ms} ms`);
});
