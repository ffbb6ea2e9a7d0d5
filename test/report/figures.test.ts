import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionShares, formatMetric, formatPoints, formatRisk, formatShare, formatStat, riskStep } from '../../src/report/figures.ts';

/** Issue 13 item 20: the dashboard and the PDF write figures with this one module. */
test('a change that rounds to zero is 0.0 pp, never -0.0 pp; others carry their sign', () => {
  assert.equal(formatPoints(-0.00004), '0.0 pp');
  assert.equal(formatPoints(0.00004), '0.0 pp');
  assert.equal(formatPoints(0.0021), '+0.2 pp');
  assert.equal(formatPoints(-0.0132), '−1.3 pp');
  assert.equal(formatPoints(null), '—');
});

test('risks at the precision the calibration supports: ECE 0.10 gives 10-point steps, never ">99.9%"', () => {
  assert.equal(riskStep(0.096), 0.1);
  assert.equal(riskStep(0.03), 0.05);
  assert.equal(riskStep(0.01), 0.01);
  assert.equal(riskStep(undefined), 0.1);
  assert.equal(formatRisk(0.99996, 0.1), '90–100%');
  assert.equal(formatRisk(0.95, 0.1), '90–100%');
  assert.equal(formatRisk(0.9349, 0.1), '90%');
  assert.equal(formatRisk(0.61, 0.1), '60%');
  assert.equal(formatRisk(0.0001, 0.1), '0–10%');
  assert.equal(formatRisk(0.987, 0.05), '95–100%');
  assert.equal(formatRisk(0.987, 0.01), '99%');
  assert.equal(formatRisk(0.9996, 0.01), '99–100%');
});

test('one way to write a statistic: separators from 1,000 on, no "2.3k" beside "227.01"', () => {
  assert.equal(formatStat(227.01), '227.0');
  assert.equal(formatStat(2254.3), '2,254');
  assert.equal(formatStat(1_234_567), '1,234,567');
  assert.equal(formatStat(0.28312), '0.283');
  assert.equal(formatStat(12), '12');
  assert.equal(formatStat(null), '—');
  assert.equal(formatMetric(0.54012), '0.540');
  assert.equal(formatShare(0.8347), '83.5%');
});

test('confusion shares: each actual class (row) adds up to 1', () => {
  assert.deepEqual(confusionShares([[1454, 40], [304, 202]]).map((r) => r.map((v) => +v.toFixed(4))), [[0.9732, 0.0268], [0.6008, 0.3992]]);
  assert.deepEqual(confusionShares([[0, 0], [3, 1]]), [[0, 0], [0.75, 0.25]]);
});
