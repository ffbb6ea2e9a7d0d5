import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/util/random.ts';
import { HistogramBuilder, PARALLEL_ROWS } from '../../../src/model/gbdt/histogram-threads.ts';

test('a histogram built by two threads (helper over shared memory) equals the one built by one, bit for bit', () => {
  const n = PARALLEL_ROWS + 5000;
  const p = 13;
  const rng = new Random(3);
  const fill = (bins: Uint8Array) => {
    for (let i = 0; i < bins.length; i++) bins[i] = rng.next() < 0.05 ? 255 : rng.int(1 + ((i / n) | 0) * 19);
  };
  const grad = Float64Array.from({ length: n }, () => rng.normal());
  const hess = Float64Array.from({ length: n }, () => rng.next() / 4);
  const one = new HistogramBuilder(n, p, 2, 1, fill);
  const two = new HistogramBuilder(n, p, 2, 2, (b) => b.set(one.bins));
  try {
    assert.ok(two.waitReady(30_000), 'the helper thread started');
    for (const b of [one, two]) for (let i = 0; i < n; i++) b.rows[i] = (i * 7919) % n; // a permutation
    for (const [start, end, identity] of [[0, n, true], [100, 100 + PARALLEL_ROWS + 10, false]] as const) {
      const a = one.take();
      const c = two.take();
      one.build(a, start, end, grad, hess, identity);
      two.build(c, start, end, grad, hess, identity);
      assert.deepEqual(Array.from(c), Array.from(a));
      assert.ok(a.some((v) => v !== 0));
      one.give(a);
      two.give(c);
    }
    assert.equal(two.sharedBuilds, 2, 'both builds were shared with the helper');
    assert.equal(one.sharedBuilds, 0);
  } finally {
    two.close();
  }
});
