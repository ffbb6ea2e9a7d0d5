import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { markDuplicatesWith, type Helper } from '../../src/ingest/helper-thread.ts';
import { markDuplicates } from '../../src/data/find-duplicates.ts';
import { hashRows } from '../../src/data/row-hash.ts';
import { PartWorker } from '../../src/data/parse-worker-client.ts';
import { IdColumn } from '../../src/data/id-column.ts';
import type { Dataset } from '../../src/data/dataset.ts';

/** Rows with repeats (ids, features and labels of short periods), NaN among the values; in shared memory as a two-part read leaves them, or not. */
function dataset(n: number, shared: boolean): Dataset {
  const f64 = (len: number) => (shared ? new Float64Array(new SharedArrayBuffer(8 * len)) : new Float64Array(len));
  const u32 = (len: number) => (shared ? new Uint32Array(new SharedArrayBuffer(4 * len)) : new Uint32Array(len));
  const ids = Array.from({ length: n }, (_, i) => `c${(i * 7) % 97}`);
  const text = Buffer.from(ids.join(''), 'utf8');
  const bytes = shared ? Buffer.from(new SharedArrayBuffer(text.length)) : Buffer.alloc(text.length);
  text.copy(bytes);
  const starts = u32(n);
  const lens = u32(n);
  for (let i = 0, at = 0; i < n; at += ids[i].length, i++) {
    starts[i] = at;
    lens[i] = ids[i].length;
  }
  const x = [f64(n), f64(n), f64(n)];
  const y = shared ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[0][i] = i % 3;
    x[1][i] = (i * 31) % 5;
    x[2][i] = i % 2 ? Number.NaN : 1;
    y[i] = (i >> 3) % 2;
  }
  return { features: ['a', 'b', 'c'], rows: n, ids: IdColumn.fromParts(starts, lens, bytes), x, y };
}

describe('markDuplicatesWith: the duplicate search on this thread and the kept parse worker', () => {
  const ds = dataset(40_000, true);
  const keys = hashRows(ds);
  const want = markDuplicates(ds, keys);

  test('half the buckets probed on a parse worker: markDuplicates\' mask', async () => {
    assert.ok(want.some((v) => v === 1) && want.some((v) => v === 0));
    const worker = PartWorker.start();
    assert.ok(worker, 'a parse worker starts');
    try {
      const mask = await markDuplicatesWith(ds, keys, { worker });
      assert.ok(mask.buffer instanceof SharedArrayBuffer, 'the two threads wrote one shared mask');
      assert.deepEqual(new Uint8Array(mask), want);
    } finally {
      worker.stop();
    }
  });

  test('a worker that fails leaves its buckets to this thread: the same mask', async () => {
    let asked = 0;
    const failing = { probe: async () => (asked++, { error: 'the parse worker exited (code 1)' }) } as unknown as PartWorker;
    const mask = await markDuplicatesWith(ds, keys, { worker: failing });
    assert.equal(asked, 1);
    assert.deepEqual(new Uint8Array(mask), want);
  });

  test('columns not in shared memory, or no worker: markDuplicates here, the worker never asked', async () => {
    let asked = 0;
    const counting = { probe: async () => (asked++, { ok: true }) } as unknown as PartWorker;
    const plain = dataset(40_000, false);
    assert.deepEqual(await markDuplicatesWith(plain, hashRows(plain), { worker: counting }), want);
    const none: Helper = {};
    assert.deepEqual(await markDuplicatesWith(ds, keys, none), want);
    assert.equal(asked, 0);
  });
});
