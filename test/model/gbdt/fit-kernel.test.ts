import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/util/random.ts';
import { arraysOf, fitMemory } from '../../../src/model/gbdt/fit-arrays.ts';
import { buildRange, HIST_STRIDE } from '../../../src/model/gbdt/histogram.ts';
import { buildRangeWasm, groupWidths } from '../../../src/model/gbdt/histogram-wasm.ts';
import { addLeaves, gradientsRange, partitionRange } from '../../../src/model/gbdt/row-jobs.ts';

/** Equal as doubles bit for bit (NaN equal to NaN, 0 not equal to −0). */
function sameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) assert.fail(`${what}[${i}]: ${actual[i]} != ${expected[i]}`);
}

function setUp(n: number, p: number, seed: number) {
  const v = arraysOf(fitMemory({ n, p, slots: 2, maxLeaves: 31 }, false));
  assert.ok(v.kernel, 'the WebAssembly kernel was made');
  const rng = new Random(seed);
  for (let i = 0; i < n * p; i++) v.bins[i] = rng.next() < 0.05 ? 255 : rng.int(1 + (((i / n) | 0) % 4) * 60);
  for (let i = 0; i < 2 * n; i++) v.gh[i] = rng.normal() * (i % 2 ? 0.25 : 1);
  let m = 0;
  for (let i = 0; i < n; i++) if (rng.next() < 0.6) v.rows[m++] = i;
  return { v, m, rng };
}

test('the WebAssembly histogram passes give the JavaScript sums bit for bit (root and gathered rows, any feature count)', () => {
  for (const p of [1, 4, 5, 7, 13]) {
    const n = 3000 + p;
    const { v, m } = setUp(n, p, p);
    const hist = v.hists.subarray(0, v.histLength);
    const expected = new Float64Array(p * HIST_STRIDE);
    const ordered = new Float64Array(2 * n);
    for (const [a, b, identity] of [[0, n, true], [11, n - 7, true], [0, m, false], [5, m - 3, false], [9, 9, false]] as const) {
      buildRange(expected, v.bins, n, p, v.rows, v.gh, ordered, a, b, identity);
      hist.fill(Number.NaN);
      buildRangeWasm(v.kernel!, hist, v.bins, n, p, v.rows, v.gh, v.ordered, a, b, identity);
      sameBits(hist, expected, `p ${p} [${a}, ${b}) identity ${identity}`);
      if (!identity) sameBits(v.ordered.subarray(2 * a, 2 * b), ordered.subarray(2 * a, 2 * b), 'gathered pairs');
    }
  }
  assert.deepEqual(groupWidths(13), [5, 4, 4]);
  assert.deepEqual(groupWidths(3), [3]);
});

test('the WebAssembly partition, leaf values and gradient pairs equal row-jobs.ts bit for bit', () => {
  const n = 5000;
  const p = 3;
  const { v, m, rng } = setUp(n, p, 9);
  // Partition of a sub-range by a random goLeft over feature 2.
  const goLeft = Uint8Array.from({ length: 256 }, () => rng.int(2));
  v.goLeft.set(goLeft);
  const rows = v.rows.slice();
  const tmp = new Int32Array(n);
  const l = partitionRange(rows, tmp, v.bins, 2 * n, goLeft, 13, m - 20);
  const lw = v.kernel!.jobs.partition(v.rows.byteOffset, v.tmp.byteOffset, v.bins.byteOffset + 2 * n, v.goLeft.byteOffset, 13, m - 20);
  assert.equal(lw, l);
  assert.deepEqual(Array.from(v.rows), Array.from(rows));
  assert.deepEqual(Array.from(v.tmp.subarray(13, m - 20 - l)), Array.from(tmp.subarray(13, m - 20 - l)));

  // Scores across fastExp's whole range and its edges (clamp at ±700, NaN, ±0, huge).
  const special = [0, -0, 1e-300, -1e-300, 36.7, -36.7, 699.9, 700, 700.1, -700, -700.1, 745, -745, 1e300, -1e300, Infinity, -Infinity, Number.NaN, 0.5 * Math.LN2 / 64, -Math.LN2 / 128];
  for (let i = 0; i < n; i++) v.raw[i] = i < special.length ? special[i] : i % 3 === 0 ? rng.normal() * 3 : (rng.next() - 0.5) * 1600;
  for (let i = 0; i < n; i++) v.y[i] = rng.int(2);
  const raw = v.raw.slice();
  const gh = new Float64Array(2 * n);
  gradientsRange(raw, v.y, gh, 0, n);
  v.kernel!.jobs.gradients(v.raw.byteOffset, v.y.byteOffset, v.gh.byteOffset, v.tables, 0, n);
  sameBits(v.gh, gh, 'gradient pairs');

  // Leaf values into the scores by position.
  for (let i = 0; i < n; i++) v.rows[i] = (i * 7919) % n;
  const leaves = Float64Array.from([0, 1200, 0.125, 1200, 1201, -3.5, 1201, 4000, 1e-3, 4000, n, -0.0625]);
  v.leaves.set(leaves);
  addLeaves(v.rows.slice(), leaves, 4, raw, 600, 4500);
  for (let j = 0; j < 4; j++) {
    const s = Math.max(leaves[3 * j], 600);
    const e = Math.min(leaves[3 * j + 1], 4500);
    if (s < e) v.kernel!.jobs.addLeaf(v.rows.byteOffset, v.raw.byteOffset, s, e, leaves[3 * j + 2]);
  }
  sameBits(v.raw, raw, 'scores');
});

test('the WebAssembly root sums, row reset and overlapping row moves equal the JavaScript loops', () => {
  const n = 4001;
  const { v } = setUp(n, 2, 4);
  let g = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    g += v.gh[2 * i];
    h += v.gh[2 * i + 1];
  }
  v.kernel!.jobs.sumPairs(v.gh.byteOffset, n, v.sums.byteOffset);
  sameBits(v.sums, [g, h], 'sums');
  v.kernel!.jobs.iota(v.rows.byteOffset, n);
  assert.deepEqual(Array.from(v.rows), Array.from({ length: n }, (_, i) => i));
  const expected = v.rows.slice();
  expected.copyWithin(10, 500, 3000);
  v.kernel!.jobs.copy(v.rows.byteOffset + 40, v.rows.byteOffset + 2000, 4 * 2500);
  assert.deepEqual(Array.from(v.rows), Array.from(expected));
  v.kernel!.zero(v.sums.byteOffset, 16);
  sameBits(v.sums, [0, 0], 'zeroed');
});
