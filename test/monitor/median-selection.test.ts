import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianNonMissing, medianSorted, sortedNonMissing } from '../../src/stats/sorted.ts';
import { rng } from './gen.ts';

// Training imputes the medians before the fit, from medianNonMissing, while the drift profiles
// (whose `median` the model document used to take) are built on another thread: both must be the
// same number, bit for bit (−0 apart from +0), or the model would change.
const sameBits = (got: number, want: number, label: string) => assert.ok(Object.is(got, want), `${label}: ${got} (selection) vs ${want} (sorted)`);

test('the median by selection is the sorted median bit for bit: odd and even n, missing cells, ±0, duplicates, infinities, count columns', () => {
  const u = rng(11);
  const specials = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, 1, -1, Number.NaN];
  const shapes: [string, () => number][] = [
    ['decimals', () => Math.round((u() - 0.3) * 1e4) / 100],
    ['mixed', () => (u() < 0.2 ? specials[Math.floor(u() * specials.length)] : (u() - 0.5) * 10 ** (u() * 20 - 10))],
    ['few values', () => Math.round((u() - 0.5) * 4)],
    ['zeros of both signs', () => (u() < 0.5 ? 0 : -0)],
    ['zeros and a few others', () => (u() < 0.45 ? 0 : u() < 0.9 ? -0 : u() - 0.5)],
    ['counts', () => Math.floor(u() * u() * 300)],
    ['constant', () => 2.5],
  ];
  for (const [name, draw] of shapes) {
    for (const n of [1, 2, 3, 4, 5, 10, 101, 1000, 1023, 1024, 1025, 5000, 20_001, 60_000]) {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = u() < 0.05 ? Number.NaN : draw();
      const want = medianSorted(sortedNonMissing(x));
      sameBits(medianNonMissing(x), want, `${name}, n=${n}`);
      // With a reused buffer larger than the column, as training passes one.
      sameBits(medianNonMissing(x, { out: new Float64Array(n + 7) }), want, `${name}, n=${n}, buffer`);
    }
  }
  assert.ok(Number.isNaN(medianNonMissing(Float64Array.of(Number.NaN, Number.NaN))));
  assert.ok(Number.isNaN(medianNonMissing(new Float64Array(0))));
});

test('medianNonMissing leaves its input as it was', () => {
  const x = Float64Array.of(5, Number.NaN, 1, 4, 2, 3);
  const copy = Float64Array.from(x);
  assert.equal(medianNonMissing(x), 3);
  assert.deepEqual(Array.from(x), Array.from(copy));
});
