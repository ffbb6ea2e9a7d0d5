import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allMedians, medianQueue, takeMedians } from '../../src/stats/median-queue.ts';
import { medianNonMissing, SortScratch } from '../../src/stats/sorted.ts';

// Training's medians are shared out between the fit's thread and the reference's thread a column
// at a time (src/model/reference-thread.ts): whoever takes a column, its median is
// medianNonMissing's, and the fit gets every wanted column's, even from a thread that stops.

function columns(n: number): Float64Array[] {
  let s = 7;
  const u = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
  return [
    Float64Array.from({ length: n }, () => (u() < 0.05 ? Number.NaN : Math.floor(u() * 40))),
    Float64Array.from({ length: n }, () => (u() - 0.3) * 1e4),
    Float64Array.from({ length: n }, () => Math.floor(u() * 3)), // a category column's codes: not wanted
    Float64Array.from({ length: n + 1 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : u())),
  ];
}

const same = (got: Float64Array, x: Float64Array[], wanted: number[]) => {
  const scratch = new SortScratch(x[0].length + 1);
  x.forEach((col, j) => assert.ok(Object.is(got[j], wanted.includes(j) ? medianNonMissing(col, scratch) : Number.NaN), `column ${j}`));
};

test("allMedians alone: every wanted column's medianNonMissing, NaN for the others", () => {
  const x = columns(5001);
  const wanted = [0, 1, 3];
  same(allMedians(x, medianQueue(x.length, wanted), new SortScratch(5002)), x, wanted);
});

test('columns taken by another first: theirs kept, the rest done here', () => {
  const x = columns(4000);
  const wanted = [3, 0, 1];
  const q = medianQueue(x.length, wanted);
  const other = new SortScratch(4001);
  Atomics.add(q.state, 0, 1);
  q.out[3] = medianNonMissing(x[3], other);
  Atomics.add(q.state, 1, 1);
  takeMedians(x, q, other); // the other takes the rest: nothing left for allMedians to take
  same(allMedians(x, q, new SortScratch(4001)), x, wanted);
});

test('a column the other took and never finished is computed here once it stops making progress', () => {
  const x = columns(3000);
  const wanted = [0, 1, 3];
  const q = medianQueue(x.length, wanted);
  Atomics.add(q.state, 0, 1); // taken, never done
  const t0 = performance.now();
  same(allMedians(x, q, new SortScratch(3001), 30), x, wanted);
  assert.ok(performance.now() - t0 >= 25, 'it waited for the other first');
});
