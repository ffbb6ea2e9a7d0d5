import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetBuilder, NO_LABEL } from '../../src/data/dataset.ts';
import { currentClients } from '../../src/population/current-clients.ts';
import { rng } from '../helpers/random.ts';

function table(rows: Array<[string, number]>) {
  const b = new DatasetBuilder(['f']);
  for (const [id, y] of rows) {
    const r = b.next();
    b.x[0][r] = r;
    b.y[r] = y;
    b.ids.pushString(id);
    b.commit();
  }
  return b.build();
}

test('each client once, by its latest row; a client whose latest row says it left is not current', () => {
  const ds = table([
    ['a', 0], // a: stayed, then left → gone
    ['b', 1], // b: left, then came back → current, by row 4
    ['a', 1],
    ['c', NO_LABEL], // no label: current
    ['b', 0],
    ['d', 0],
    ['d', 0], // d: two rows saying stayed → its latest (6)
  ]);
  const c = currentClients(ds);
  assert.deepEqual([...c.rows], [3, 4, 6]);
  assert.equal(c.clients, 4);
  assert.equal(c.left, 1);
  assert.deepEqual(currentClients(table([])), { rows: new Uint32Array(0), clients: 0, left: 0 });
});

test('agrees with a Map over 50,000 random rows', () => {
  const rand = rng(5);
  const rows: Array<[string, number]> = Array.from({ length: 50_000 }, () => [`id-${Math.floor(rand() * 20_000)}`, rand() < 0.3 ? 1 : 0]);
  const latest = new Map<string, number>();
  rows.forEach(([id], i) => latest.set(id, i));
  const expected = [...latest.values()].filter((i) => rows[i][1] === 0).sort((a, b) => a - b);
  const c = currentClients(table(rows));
  assert.deepEqual([...c.rows], expected);
  assert.equal(c.clients, latest.size);
  assert.equal(c.left, latest.size - expected.length);
});
