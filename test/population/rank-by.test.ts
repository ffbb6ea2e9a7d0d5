import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callListSummary, highestRisk, rankPopulation, ranking } from '../../src/population/risk-list.ts';
import type { Population } from '../../src/population/read-population.ts';
import { datasetOf } from '../helpers/dataset.ts';
import { rng } from '../helpers/random.ts';

// ranking() and callListSummary() on populations whose probabilities are given (a model that
// returns the column "p"), against orders and sums computed here: ties, no value, negative values,
// a top larger than the list and an empty one.

function list(clients: Array<{ id: string; p: number; value: number }>, withValue = true) {
  const dataset = datasetOf(clients.map((c) => ({ id: c.id, x: [c.p], y: 0 })), ['p']);
  const pop: Population = { info: { source: 'dataset', description: '', clients: clients.length, rows: clients.length, left: 0 }, dataset, hash: 'h', value: withValue ? Float64Array.from(clients, (c) => c.value) : null };
  return rankPopulation(pop, { version: 'v1', features: ['p'], predictProba: (d) => Float64Array.from(d.x[0]) });
}

test('expected loss order: loss descending, ties by probability then row order; no value after every value, by probability; negative values below zero', () => {
  const l = list([
    { id: 'a', p: 0.5, value: 100 }, // loss 50
    { id: 'b', p: 0.25, value: 200 }, // loss 50, lower probability than a
    { id: 'c', p: 0.9, value: Number.NaN }, // no value: after all with one
    { id: 'd', p: 0.5, value: 100 }, // loss 50, same probability as a, later row
    { id: 'e', p: 0.1, value: -40 }, // loss -4
    { id: 'f', p: 0.95, value: 0 }, // loss 0
    { id: 'g', p: 0.3, value: Number.NaN },
  ]);
  const ids = (by: 'probability' | 'expected_loss') => highestRisk(l, 100, by).map((r) => r.id);
  assert.deepEqual(ids('probability'), ['f', 'c', 'a', 'd', 'g', 'b', 'e']);
  assert.deepEqual(ids('expected_loss'), ['a', 'd', 'b', 'f', 'e', 'c', 'g']);
  assert.deepEqual(highestRisk(l, 2, 'expected_loss'), [
    { rank: 1, id: 'a', probability: 0.5, value: 100, expectedLoss: 50 },
    { rank: 2, id: 'd', probability: 0.5, value: 100, expectedLoss: 50 },
  ]);
  assert.deepEqual(highestRisk(l, 7, 'expected_loss')[5], { rank: 6, id: 'c', probability: 0.9, value: null, expectedLoss: null });
  // Summaries: the sums of the first k in each order; k beyond the list is the whole list, 0 is nothing.
  assert.deepEqual(callListSummary(l, 'expected_loss', 3), { rank: 'expected_loss', clients: 3, expectedLeavers: 0.5 + 0.5 + 0.25, expectedLoss: 150, withoutValue: 0, population: { clients: 7, expectedLeavers: 0.5 + 0.25 + 0.9 + 0.5 + 0.1 + 0.95 + 0.3, expectedLoss: 50 + 50 + 50 + 0 - 4 } });
  assert.equal(callListSummary(l, 'probability', 2).withoutValue, 1);
  assert.equal(callListSummary(l, 'probability', 2).expectedLoss, 0);
  assert.equal(callListSummary(l, 'expected_loss', 99).clients, 7);
  assert.deepEqual(callListSummary(l, 'probability', 0), { rank: 'probability', clients: 0, expectedLeavers: 0, expectedLoss: 0, withoutValue: 0, population: callListSummary(l, 'probability', 7).population });
});

test('on 2,000 random clients the order and every prefix sum equal a plain recomputation; without a value column the sums are null and expected_loss is refused', () => {
  const u = rng(5);
  const clients = Array.from({ length: 2000 }, (_, i) => ({ id: `k${i}`, p: Math.round(u() * 50) / 50, value: u() < 0.1 ? Number.NaN : Math.round(u() * 20) * 10 }));
  const l = list(clients);
  const idx = clients.map((_, i) => i);
  const loss = (i: number) => clients[i].p * clients[i].value;
  const probOrder = [...idx].sort((a, b) => clients[b].p - clients[a].p || a - b);
  const pos = new Map(probOrder.map((i, k) => [i, k]));
  const lossOrder = [...idx].sort((a, b) => {
    const na = Number.isNaN(clients[a].value);
    const nb = Number.isNaN(clients[b].value);
    if (na || nb) return na && nb ? pos.get(a)! - pos.get(b)! : na ? 1 : -1;
    return loss(b) - loss(a) || pos.get(a)! - pos.get(b)!;
  });
  assert.deepEqual([...ranking(l, 'probability').order], probOrder);
  assert.deepEqual([...ranking(l, 'expected_loss').order], lossOrder);
  for (const k of [1, 17, 100, 1999, 2000]) {
    const top = lossOrder.slice(0, k);
    let leavers = 0;
    let sum = 0;
    let none = 0;
    for (const i of top) {
      leavers += clients[i].p;
      sum += Number.isNaN(clients[i].value) ? 0 : loss(i);
      none += Number.isNaN(clients[i].value) ? 1 : 0;
    }
    const s = callListSummary(l, 'expected_loss', k);
    assert.deepEqual([s.expectedLeavers, s.expectedLoss, s.withoutValue], [leavers, sum, none], `top ${k}`);
  }
  const bare = list(clients, false);
  assert.deepEqual(callListSummary(bare, 'probability', 10).expectedLoss, null);
  assert.equal(highestRisk(bare, 1)[0].value, null);
  assert.throws(() => ranking(bare, 'expected_loss'), /needs value_column/);
});
