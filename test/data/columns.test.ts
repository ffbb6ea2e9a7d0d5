import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapHeader, type TableSchema } from '../../src/data/columns.ts';

const SCHEMA: TableSchema = {
  id: 'corporation',
  features: ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'],
  featureTypes: {},
  target: 'exited',
  requireId: true,
  requireTarget: true,
};
const REQUIRED = ['corporation', 'lastmonth_activity', 'lastyear_activity', 'number_of_employees', 'exited'];

/** Fastest of three runs (ms): the least disturbed by other work on a shared machine. */
function fastest(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

test('a header repeating one name is mapped in linear time (10x the names: well under 40x the time)', () => {
  // Each repeat used to copy the name's position list: 20,000 repeats took 4 s, 80,000 38 s.
  const header = (n: number) => [...REQUIRED, ...new Array<string>(n).fill('x')];
  const small = header(2_000);
  const big = header(20_000);
  const tSmall = fastest(() => mapHeader(small, SCHEMA));
  const tBig = fastest(() => mapHeader(big, SCHEMA));
  assert.ok(tBig < Math.max(40 * tSmall, 100), `20,000 repeats took ${tBig.toFixed(1)} ms, 2,000 took ${tSmall.toFixed(1)} ms`);
  const m = mapHeader(header(100_000), SCHEMA);
  assert.deepEqual(m.extra, ['x'], 'an unknown name is listed once');
  assert.equal(m.extraCount, 100_000);
  assert.equal(m.count, 100_005);
  assert.deepEqual([m.id, ...m.features, m.target], [0, 1, 2, 3, 4]);
});

test('a required column repeated 100,000 times: one bounded message naming it, its count and its first positions', () => {
  const header = [...REQUIRED, ...new Array<string>(100_000).fill('exited')];
  const t = performance.now();
  assert.throws(() => mapHeader(header, SCHEMA), (err: Error) => {
    assert.equal(err.message, 'column "exited" appears 100001 times (columns 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 and 99991 more)');
    return true;
  });
  assert.ok(performance.now() - t < 5_000);
});

test('header mapping: names trimmed, columns in any order, extra names in header order', () => {
  const m = mapHeader([' exited', 'note', 'number_of_employees', 'corporation ', 'lastyear_activity', 'note', 'lastmonth_activity', 'region'], SCHEMA);
  assert.deepEqual({ id: m.id, features: m.features, target: m.target, extra: m.extra, extraCount: m.extraCount, count: m.count }, { id: 3, features: [6, 4, 2], target: 0, extra: ['note', 'region'], extraCount: 3, count: 8 });
  assert.throws(() => mapHeader(['corporation', 'exited'], SCHEMA), /required column "lastmonth_activity" is missing \(header has: corporation, exited\)/);
  assert.throws(() => mapHeader([' '], SCHEMA), /header row is empty/);
  assert.throws(() => mapHeader([...REQUIRED, 'corporation'], SCHEMA), /column "corporation" appears 2 times \(columns 1, 6\)$/);
});
