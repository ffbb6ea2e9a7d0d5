import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/util/random.ts';
import { FitThreads, PARALLEL_ROWS } from '../../../src/model/gbdt/histogram-threads.ts';

test('partitions, histograms and leaf values done by two threads (helper over shared memory) equal those of one, bit for bit', () => {
  const n = 2 * PARALLEL_ROWS + 5000;
  const p = 13;
  const rng = new Random(3);
  const bins = Uint8Array.from({ length: n * p }, (_, i) => (rng.next() < 0.05 ? 255 : rng.int(1 + ((i / n) | 0) * 19)));
  const raw = Float64Array.from({ length: n }, () => rng.normal());
  const y = Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const one = new FitThreads(n, p, 2, 31, 1, (b) => b.set(bins));
  // `two` always waits for the helper to take a job; `three` runs it itself when the helper has
  // not started on it by then (as a fit does). Either way the same bits.
  const two = new FitThreads(n, p, 2, 31, 2, (b) => b.set(bins));
  two.mayKeep = false;
  const three = new FitThreads(n, p, 2, 31, 2, (b) => b.set(bins));
  const all = [one, two, three];
  try {
    assert.ok(two.waitReady(30_000), 'the helper thread started');
    assert.ok(three.waitReady(30_000), 'the other helper thread started');
    for (const f of all) {
      f.arrays.raw.set(raw);
      f.arrays.y.set(y);
      f.gradients();
      for (let i = 0; i < n; i++) f.arrays.rows[i] = i;
    }
    const root = all.map((f) => {
      const h = f.take();
      f.build(h, 0, n, true);
      return h;
    });
    assert.deepEqual(Array.from(root[1]), Array.from(root[0]));
    assert.deepEqual(Array.from(root[2]), Array.from(root[0]));
    for (let round = 0; round < 5; round++) {
      const start = rng.int(1000);
      const end = n - rng.int(1000);
      const goLeft = Uint8Array.from({ length: 256 }, () => rng.int(2));
      const feature = rng.int(p);
      const seen = all.map((f) => {
        const l = f.partition(start, end, feature, goLeft);
        const h = f.take();
        f.build(h, start, l, false);
        const hist = Array.from(h);
        f.give(h);
        f.applyLeaves([
          [0, l, 0.01 * round],
          [l, n, -0.02],
        ]);
        return { l, rows: Array.from(f.arrays.rows), hist, gh: Array.from(f.arrays.gh), raw: Array.from(f.arrays.raw) };
      });
      assert.deepEqual(seen[1], seen[0]);
      assert.deepEqual(seen[2], seen[0]);
      assert.ok(seen[0].hist.some((v) => v !== 0));
    }
    assert.ok(two.sharedJobs >= 10, `jobs shared with the helper: ${two.sharedJobs}`);
    assert.equal(two.keptJobs, 0);
    assert.equal(three.sharedJobs + three.keptJobs, two.sharedJobs, 'the same jobs posted');
    assert.equal(one.sharedJobs + one.keptJobs, 0);
  } finally {
    two.close();
    three.close();
  }
});
