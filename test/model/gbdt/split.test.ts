import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/util/random.ts';
import { MISSING_BIN, type FeatureBins } from '../../../src/model/gbdt/binning.ts';
import { buildRange, newHistogram } from '../../../src/model/gbdt/histogram.ts';
import { bestSplit, categoricalSplit, numericSplit, type SplitRules } from '../../../src/model/gbdt/split.ts';

const RULES: SplitRules = { minSamplesLeaf: 5, minHessianLeaf: 1e-3, l2: 0.5, catSmooth: 0, minCatSupport: 0, maxCatThreshold: 32 };

/** Random rows of one feature: bins (MISSING_BIN for missing), gradients and hessians of log loss. */
function rowsOf(rng: Random, n: number, bins: number, missing: number) {
  const bin = new Uint8Array(n);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const effect = Array.from({ length: bins + 1 }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    const b = rng.next() < missing ? MISSING_BIN : rng.int(bins);
    bin[i] = b;
    const p = 1 / (1 + Math.exp(-effect[b === MISSING_BIN ? bins : b] - 0.3 * rng.normal()));
    const y = rng.next() < p ? 1 : 0;
    const q = 0.2 + 0.6 * rng.next();
    grad[i] = q - y;
    hess[i] = q * (1 - q);
  }
  return { bin, grad, hess };
}

function histogramOf(d: { bin: Uint8Array; grad: Float64Array; hess: Float64Array }) {
  const n = d.bin.length;
  const h = newHistogram(1);
  const gh = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) (gh[2 * i] = d.grad[i]), (gh[2 * i + 1] = d.hess[i]);
  buildRange(h, d.bin, n, 1, new Int32Array(n), gh, new Float64Array(2 * n), 0, n, true);
  let g = 0, s = 0;
  for (let i = 0; i < n; i++) (g += d.grad[i]), (s += d.hess[i]);
  return { hist: h, sums: { g, h: s, count: n } };
}

/** Gain of sending the rows with goLeft(bin) left, from the rows themselves; null when a side breaks the rules. */
function gainOf(d: { bin: Uint8Array; grad: Float64Array; hess: Float64Array }, goLeft: (b: number) => boolean, r: SplitRules): number | null {
  let gl = 0, hl = 0, cl = 0, gr = 0, hr = 0, cr = 0;
  for (let i = 0; i < d.bin.length; i++) {
    if (goLeft(d.bin[i])) (gl += d.grad[i]), (hl += d.hess[i]), cl++;
    else (gr += d.grad[i]), (hr += d.hess[i]), cr++;
  }
  if (cl < r.minSamplesLeaf || cr < r.minSamplesLeaf || hl < r.minHessianLeaf || hr < r.minHessianLeaf) return null;
  const sc = (g: number, h: number) => (g * g) / (h + r.l2);
  return sc(gl, hl) + sc(gr, hr) - sc(gl + gr, hl + hr);
}

test('numeric split: the best threshold and missing side equal a brute-force search over every threshold and side', () => {
  const rng = new Random(7);
  for (let trial = 0; trial < 60; trial++) {
    const nb = 2 + rng.int(30);
    const d = rowsOf(rng, 50 + rng.int(400), nb, trial % 3 === 0 ? 0 : 0.2 * rng.next());
    const { hist, sums } = histogramOf(d);
    const fb: FeatureBins = { categorical: false, thresholds: new Float64Array(nb - 1), count: nb, seen: null };
    const s = numericSplit(hist, 0, sums, (sums.g * sums.g) / (sums.h + RULES.l2), fb, RULES);
    let best = 0;
    for (let t = 0; t < nb; t++) {
      for (const ml of [false, true]) {
        const g = gainOf(d, (b) => (b === MISSING_BIN ? ml : b <= t), RULES);
        if (g !== null && g > best) best = g;
      }
    }
    if (best <= 1e-12) {
      assert.equal(s, null, `trial ${trial}: no split`);
      continue;
    }
    assert.ok(s, `trial ${trial}: a split exists`);
    const got = gainOf(d, (b) => s.goLeft[b] === 1, RULES)!;
    assert.ok(Math.abs(s.gain - best) <= 1e-9 * best, `trial ${trial}: gain ${s.gain} vs brute force ${best}`);
    assert.ok(Math.abs(got - best) <= 1e-9 * best, `trial ${trial}: the partition it describes has the best gain`);
  }
});

test('categorical split: the best partition equals brute force over all partitions (up to 6 categories, missing as one more)', () => {
  const rng = new Random(11);
  let withMissing = 0;
  for (let trial = 0; trial < 200; trial++) {
    const k = 2 + rng.int(5); // 2..6 categories
    const missing = trial % 2 === 0 ? 0 : 0.15;
    const d = rowsOf(rng, 40 + rng.int(300), k, missing);
    const { hist, sums } = histogramOf(d);
    const seen = new Uint8Array(k).fill(1);
    const fb: FeatureBins = { categorical: true, thresholds: new Float64Array(0), count: k, seen };
    const s = categoricalSplit(hist, 0, sums, (sums.g * sums.g) / (sums.h + RULES.l2), fb, RULES);
    // Every subset of the present categories (missing included when present) on the left.
    const present = [...new Set(Array.from(d.bin))];
    if (present.includes(MISSING_BIN)) withMissing++;
    let best = 0;
    for (let mask = 1; mask < 1 << present.length; mask++) {
      const left = new Set(present.filter((_, i) => mask & (1 << i)));
      const g = gainOf(d, (b) => left.has(b), RULES);
      if (g !== null && g > best) best = g;
    }
    if (best <= 1e-12) {
      assert.equal(s, null, `trial ${trial}`);
      continue;
    }
    assert.ok(s, `trial ${trial}: a split exists (best ${best})`);
    const got = gainOf(d, (b) => s.goLeft[b] === 1, RULES)!;
    assert.ok(Math.abs(s.gain - best) <= 1e-9 * best, `trial ${trial}, ${k} categories: gain ${s.gain} vs brute force ${best}`);
    assert.ok(Math.abs(got - best) <= 1e-9 * best, `trial ${trial}: the partition it describes has the best gain`);
  }
  assert.ok(withMissing > 50);
});

test('missing values: a split sends them to the side that lowers the loss; with none at the node, to the child with more rows', () => {
  // Bins 0..9; the missing rows behave like the high bins.
  const n = 400;
  const bin = new Uint8Array(n);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n).fill(0.25);
  for (let i = 0; i < n; i++) {
    bin[i] = i % 5 === 0 ? MISSING_BIN : i % 10;
    grad[i] = bin[i] === MISSING_BIN || bin[i] >= 7 ? -0.5 : 0.5;
  }
  const fb: FeatureBins = { categorical: false, thresholds: new Float64Array(9), count: 10, seen: null };
  const { hist, sums } = histogramOf({ bin, grad, hess });
  const s = bestSplit(hist, sums, [fb], RULES)!;
  assert.equal(s.bin, 6);
  assert.equal(s.missingLeft, false);
  // Mirror: missing rows behave like the low bins -> left.
  for (let i = 0; i < n; i++) grad[i] = bin[i] === MISSING_BIN || bin[i] <= 2 ? -0.5 : 0.5;
  const m = histogramOf({ bin, grad, hess });
  const s2 = bestSplit(m.hist, m.sums, [fb], RULES)!;
  assert.equal(s2.bin, 2);
  assert.equal(s2.missingLeft, true);
  // No missing rows: they go with the majority (bins 0..6 on the left: 7 of 10).
  const none = bin.map((b) => (b === MISSING_BIN ? 0 : b));
  for (let i = 0; i < n; i++) grad[i] = none[i] >= 7 ? -0.5 : 0.5;
  const z = histogramOf({ bin: none, grad, hess });
  const s3 = bestSplit(z.hist, z.sums, [fb], RULES)!;
  assert.equal(s3.bin, 6);
  assert.equal(s3.missingLeft, true);
  assert.equal(s3.goLeft[MISSING_BIN], 1);
});
