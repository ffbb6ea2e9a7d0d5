import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binRows, categoryBin, fitBins, MISSING_BIN, numericBin, numericThresholds } from '../../../src/model/gbdt/binning.ts';
import { loadChurn } from './churn-fixture.ts';
import { Random } from '../../../src/util/random.ts';

test('numeric thresholds equal scikit-learn _BinMapper thresholds on the fixture (percentiles and distinct-value midpoints)', () => {
  const d = loadChurn();
  const rows = Int32Array.from({ length: d.train.y.length }, (_, i) => i);
  const bins = fitBins(d.train.columns, d.categorical, rows, 255, 0);
  let checked = 0;
  d.header.forEach((name, f) => {
    if (d.categorical[f]) return;
    const expected: number[] = d.expected.binThresholds[name];
    // sklearn keeps repeated percentiles as empty bins; riskwatch drops them.
    const dedup = expected.filter((t, i) => i === 0 || t !== expected[i - 1]);
    assert.deepEqual(Array.from(bins[f].thresholds), dedup, `thresholds of ${name}`);
    checked++;
  });
  assert.equal(checked, 8);
  // fee has more than 255 distinct values: 254 percentile thresholds.
  assert.equal(bins[d.header.indexOf('fee')].thresholds.length, 254);
});

test('thresholds against numpy-style midpoint percentiles computed here, and value -> bin by the rule value <= threshold', () => {
  const values = Float64Array.from({ length: 5003 }, (_, i) => Math.round(Math.sin(i) * 1e4) / 7);
  const t = numericThresholds(values, 255);
  const sorted = values.slice().sort();
  const n = sorted.length;
  for (let i = 1; i < 255; i++) {
    const v = ((i * (100 / 255)) / 100) * (n - 1);
    const q = Number.isInteger(v) ? sorted[v] : (sorted[Math.floor(v)] + sorted[Math.ceil(v)]) / 2;
    assert.ok(Math.abs(t[i - 1] - q) <= 1e-12 * Math.abs(q), `threshold ${i}`);
  }
  for (const v of [sorted[0], sorted[n - 1], t[10], t[10] + 1e-9, -1e300, 1e300, Infinity]) {
    const b = numericBin(v, t);
    assert.ok(b === 0 || t[b - 1] < v, `${v} above the previous threshold`);
    assert.ok(b === t.length || v <= t[b], `${v} at most its bin's threshold`);
  }
  assert.equal(numericBin(NaN, t), MISSING_BIN);
});

test('few distinct values get one bin each; categories map to their code, unseen or invalid codes to the missing bin', () => {
  assert.deepEqual(Array.from(numericThresholds(Float64Array.from([3, 1, 2, 2, 1]), 255)), [1.5, 2.5]);
  const col = Float64Array.from([0, 2, 2, NaN, 0]);
  const cat = Float64Array.from([1, 1, 4, NaN, 0]);
  const rows = Int32Array.from([0, 1, 2, 3, 4]);
  const fb = fitBins([col, cat], [false, true], rows, 255, 0);
  assert.equal(fb[1].count, 5);
  assert.deepEqual(Array.from(fb[1].seen!), [1, 1, 0, 0, 1]);
  for (const [v, b] of [[0, 0], [1, 1], [4, 4], [2, MISSING_BIN], [7, MISSING_BIN], [1.5, MISSING_BIN], [-1, MISSING_BIN], [NaN, MISSING_BIN]]) {
    assert.equal(categoryBin(v, fb[1].seen!), b, `code ${v}`);
  }
  assert.deepEqual(Array.from(binRows([col, cat], fb, rows)), [0, 1, 1, MISSING_BIN, 0, 1, 1, 4, MISSING_BIN, 0]);
  assert.throws(() => fitBins([Float64Array.from([0.5])], [true], Int32Array.from([0]), 255, 0), /category code 0.5/);
});

test('thresholds between neighbours beyond ±9e307 stay finite (an overflowing midpoint would be written to JSON as null)', () => {
  const few = Float64Array.from([-1.7e308, 1e308, 1.6e308, 1.7e308]);
  const many = Float64Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? -1 : 1) * 1.7e308 * (1 - i / 1200));
  for (const [name, values, bins] of [['distinct midpoints', few, 255], ['percentiles', many, 16]] as const) {
    const t = numericThresholds(values, bins);
    assert.ok(t.length > 0, name);
    for (const v of t) assert.ok(Number.isFinite(v), `${name}: threshold ${v}`);
    const sorted = values.slice().sort();
    for (const v of t) assert.ok(v >= sorted[0] && v <= sorted[sorted.length - 1], `${name}: ${v} within the values`);
  }
  // Where the plain midpoint is finite the fallback is never taken: same double as before.
  assert.deepEqual(Array.from(numericThresholds(Float64Array.from([1, 2, 4]), 255)), [1.5, 3]);
});

test('binRows gives numericBin and categoryBin of every value, at edges of the prefix table too', () => {
  const rng = new Random(7);
  const thresholds = [
    Float64Array.from([-0, 0.5, 1, 1.0000001, 1.0000002, 1e300, 1.7976931348623157e308]),
    Float64Array.from([-1e-310, 0, 5e-324]),
    Float64Array.from({ length: 254 }, (_, i) => 1000 + i / 1024), // all in one or two prefixes
    numericThresholds(Float64Array.from({ length: 5000 }, () => rng.normal() * 1e3), 255),
    new Float64Array(0),
  ];
  const special = [-0, 0, 5e-324, -5e-324, -1e-310, 0.5, 1, 1.0000001, 1.00000015, Infinity, -Infinity, NaN, 1e300, -1e300, 1.7976931348623157e308, 1000, 1000.1, 1000.2480, 1001];
  const values = Float64Array.from([...special, ...Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? rng.normal() * 1e3 : i % 3 === 1 ? 1000 + rng.next() / 2 : rng.normal()))]);
  const rows = Int32Array.from(values.keys());
  for (const t of thresholds) {
    const fb = [{ categorical: false, thresholds: t, count: t.length + 1, seen: null }];
    const got = binRows([values], fb, rows);
    values.forEach((v, i) => assert.equal(got[i], numericBin(v, t), `value ${v}`));
  }
  const seen = Uint8Array.from([1, 0, 1, 1]);
  const codes = Float64Array.from([0, -0, 1, 2, 3, 4, -1, 2.5, NaN, Infinity, 2 ** 32 + 2, 3]);
  const got = binRows([codes], [{ categorical: true, thresholds: new Float64Array(0), count: 4, seen }], Int32Array.from(codes.keys()));
  codes.forEach((v, i) => assert.equal(got[i], categoryBin(v, seen) | 0, `code ${v}`));
});

/** numericThresholds as first written: one full sort, numpy's midpoint percentiles over it. */
function sortedThresholds(values: Float64Array, maxBins: number): Float64Array {
  const all = values.slice().sort();
  const d: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) d.push(all[i]);
  const mid = (a: number, b: number, m: number) => (Number.isFinite(m) ? m : a * 0.5 + b * 0.5);
  const out: number[] = [];
  if (d.length <= maxBins) {
    for (let i = 0; i + 1 < d.length; i++) out.push(mid(d[i], d[i + 1], (d[i] + d[i + 1]) * 0.5));
  } else {
    for (let i = 1; i < maxBins; i++) {
      const v = ((i * (100 / maxBins)) / 100) * (all.length - 1);
      const lo = Math.floor(v);
      const t = v === lo ? all[lo] : mid(all[lo], all[lo + 1], all[lo + 1] - (all[lo + 1] - all[lo]) * 0.5);
      if (out.length === 0 || t !== out[out.length - 1]) out.push(t);
    }
  }
  return Float64Array.from(out);
}

test('numericThresholds (distinct set, bucketed selection) equals the full sort bit for bit', () => {
  const rng = new Random(11);
  const cases: Float64Array[] = [
    Float64Array.from({ length: 20_000 }, () => rng.normal()),
    Float64Array.from({ length: 20_000 }, () => Math.round(rng.normal() * 3)),
    Float64Array.from({ length: 20_000 }, (_, i) => (i % 2 ? -0 : 0) + (i % 7 === 0 ? rng.int(300) - 150 : 0)),
    Float64Array.from({ length: 5_000 }, (_, i) => i % 256),
    Float64Array.from({ length: 5_000 }, (_, i) => i % 257),
    Float64Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? 1000 + rng.next() / 1e6 : i % 3 === 1 ? -rng.lognormal(0, 5) : 5e-324 * rng.int(1000))),
    Float64Array.from({ length: 3_001 }, () => (rng.next() < 0.9 ? 1 : rng.normal() * 1e308)),
    Float64Array.from({ length: 1 }, () => 3),
    new Float64Array(0),
  ];
  for (const [k, values] of cases.entries()) {
    for (const maxBins of [255, 16, 2]) {
      const got = numericThresholds(values, maxBins);
      const want = sortedThresholds(values, maxBins);
      assert.equal(got.length, want.length, `case ${k}, maxBins ${maxBins}`);
      got.forEach((t, i) => assert.ok(Object.is(t, want[i]) || (t === 0 && want[i] === 0), `case ${k}, maxBins ${maxBins}, threshold ${i}: ${t} vs ${want[i]}`));
    }
  }
});
