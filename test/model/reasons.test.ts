import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReasonWriter, formatValue, humanise } from '../../src/model/reasons.ts';
import { stayerProfile } from '../../src/stats/stayers.ts';
import type { ModelFeature } from '../../src/contracts/model-document.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { IdColumn } from '../../src/data/id-column.ts';

// Reason codes (issue 17 item 2) from given contributions: which features, in what order, and the
// words a client manager reads — for a count, a decimal number, a category and a missing value.

const NaN_ = Number.NaN;
const specs: ModelFeature[] = [
  { name: 'lastyear_activity', type: 'count' },
  { name: 'balance', type: 'number' },
  { name: 'contract_type', type: 'category', categories: ['monthly', 'yearly'] },
  { name: 'numberOfEmployees', type: 'count' },
] as ModelFeature[];

// Six training rows: y = 0 (stayed) for rows 0, 1, 2, 4.
const training: Dataset = {
  features: specs.map((s) => s.name),
  rows: 6,
  ids: IdColumn.from(['a', 'b', 'c', 'd', 'e', 'f']),
  x: [Float64Array.of(60, 70, 65, 5, NaN_, 1), Float64Array.of(1234.5678, NaN_, 0.5, 3, 10, 2), Float64Array.of(0, 1, 1, 0, NaN_, 0), Float64Array.of(3, 4, 5, 6, 7, 8)],
  y: Uint8Array.of(0, 0, 0, 1, 0, 1),
  levels: [null, null, ['monthly', 'yearly'], null],
};

test('stayerProfile: per feature the mean (numbers) or shares (categories) over the rows that stayed, and the share missing', () => {
  const p = stayerProfile(training);
  assert.equal(p.rows, 4);
  assert.deepEqual(p.features.lastyear_activity, { kind: 'number', mean: (60 + 70 + 65) / 3, missing: 1 / 4 });
  assert.deepEqual(p.features.balance, { kind: 'number', mean: (1234.5678 + 0.5 + 10) / 3, missing: 1 / 4 });
  assert.deepEqual(p.features.contract_type, { kind: 'category', shares: { monthly: 1 / 4, yearly: 2 / 4 }, missing: 1 / 4 });
  assert.deepEqual(p.features.numberOfEmployees, { kind: 'number', mean: (3 + 4 + 5 + 7) / 4, missing: 0 });
});

test('humanise and formatValue: column names in words, numbers rounded for a person', () => {
  assert.equal(humanise('lastyear_activity'), 'Lastyear activity');
  assert.equal(humanise('numberOfEmployees'), 'Number of employees');
  assert.equal(humanise('MRR'), 'Mrr');
  assert.equal(formatValue(28, true), '28');
  assert.equal(formatValue(12345.678, false), '12,346');
  assert.equal(formatValue(3.14159, false), '3.14');
  assert.equal(formatValue(0.0123456, false), '0.0123');
  assert.equal(formatValue(-2.5, false), '-2.5');
});

test('ReasonWriter: the top N positive contributions largest first, the most negative keeping, texts per kind', () => {
  const w = new ReasonWriter(specs, { labels: { lastyear_activity: 'Transactions last year' }, stayers: stayerProfile(training) });
  // Three clients; columns are features.
  const data = { rows: 3, x: [Float64Array.of(28, 100, 7), Float64Array.of(NaN_, 0.25, 20000), Float64Array.of(0, 1, NaN_), Float64Array.of(2, 2, 2)], levels: [null, null, ['monthly', 'yearly'], null] };
  const c = { base: -1, values: [Float64Array.of(0.9, -0.2, 0.5), Float64Array.of(0.3, 0.1, 0.5), Float64Array.of(0.6, -0.7, 0), Float64Array.of(-0.05, 0.4, 0.1)] };
  const a = w.explain(c, data, 0, 3);
  assert.deepEqual(a.contributions, { lastyear_activity: 0.9, balance: 0.3, contract_type: 0.6, numberOfEmployees: -0.05 });
  assert.deepEqual(a.reasons, [
    { feature: 'lastyear_activity', value: 28, contribution: 0.9, text: 'Transactions last year: 28 — clients who stay average 65' },
    { feature: 'contract_type', value: 'monthly', contribution: 0.6, text: 'Contract type: monthly — 25% of clients who stay have it' },
    { feature: 'balance', value: null, contribution: 0.3, text: 'Balance: missing' },
  ]);
  assert.deepEqual(a.keeping, { feature: 'numberOfEmployees', value: 2, contribution: -0.05, text: 'Number of employees: 2 — clients who stay average 4.8' });

  const b = w.explain(c, data, 1, 1);
  assert.deepEqual(b.reasons.map((r) => r.feature), ['numberOfEmployees'], 'N = 1: the largest only');
  assert.equal(b.keeping?.feature, 'contract_type', 'the most negative, not the first negative');
  assert.equal(b.keeping?.text, 'Contract type: yearly — 50% of clients who stay have it');
  assert.equal(w.explain(c, data, 1, 3).reasons.map((r) => r.text).join(' | '), 'Number of employees: 2 — clients who stay average 4.8 | Balance: 0.25 — clients who stay average 415');

  const d = w.explain(c, data, 2, 5);
  assert.deepEqual(d.reasons.map((r) => r.feature), ['lastyear_activity', 'balance', 'numberOfEmployees'], 'ties keep model order; a zero contribution is no reason');
  assert.equal(d.reasons[1].text, 'Balance: 20,000 — clients who stay average 415');
  assert.equal(d.keeping, null, 'nothing negative: nothing keeps the client');
  assert.equal(w.explain(c, data, 0, 0).reasons.length, 0);

  // Without the stayers (a reference written before reasons) a text names the value alone.
  const bare = new ReasonWriter(specs);
  assert.deepEqual(bare.explain(c, data, 0, 2).reasons.map((r) => r.text), ['Lastyear activity: 28', 'Contract type: monthly']);

  // A category no stayer had.
  const unseen = { ...data, x: [...data.x.slice(0, 2), Float64Array.of(2, 2, 2), data.x[3]], levels: [null, null, ['monthly', 'yearly', 'weekly'], null] };
  assert.equal(w.explain(c, unseen, 0, 2).reasons[1].text, 'Contract type: weekly — no client who stays has it');
});

test('ReasonWriter.compare: every feature against the stayers — their mean, or the share with the same category or missing', () => {
  const w = new ReasonWriter(specs, { stayers: stayerProfile(training) });
  const data = { rows: 1, x: [Float64Array.of(28), Float64Array.of(NaN_), Float64Array.of(1), Float64Array.of(9)], levels: [null, null, ['monthly', 'yearly'], null] };
  const c = { base: 0, values: [Float64Array.of(1), Float64Array.of(2), Float64Array.of(3), Float64Array.of(4)] };
  assert.deepEqual(
    w.compare(c, data, 0).map((r) => [r.feature, r.label, r.value, r.stayers]),
    [
      ['lastyear_activity', 'Lastyear activity', 28, { mean: 65 }],
      ['balance', 'Balance', null, { share: 0.25 }],
      ['contract_type', 'Contract type', 'yearly', { share: 0.5 }],
      ['numberOfEmployees', 'Number of employees', 9, { mean: 4.75 }],
    ],
  );
});

test('ReasonWriter.text: a writer kept for many clients (texts kept per value) writes what a fresh writer writes, value after value', () => {
  const stayers = stayerProfile(training);
  const kept = new ReasonWriter(specs, { stayers, labels: { balance: 'Account balance' } });
  const values: (number | string | null)[][] = [
    [60, 5, 0, 1e6, 65, null, 60, 0.5],
    [1234.5678, 0.001234, -3, 0, 1234.5678, null, 99.999],
    ['monthly', 'yearly', 'weekly', null, 'monthly'],
    [3, 4, 3, 1234567, null],
  ];
  for (let round = 0; round < 2; round++) {
    values.forEach((vs, j) => {
      for (const v of vs) assert.equal(kept.text(j, v), new ReasonWriter(specs, { stayers, labels: { balance: 'Account balance' } }).text(j, v), `${specs[j].name} ${v}`);
    });
  }
});
