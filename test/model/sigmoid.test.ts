import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastExp, sigmoid } from '../../src/model/sigmoid.ts';

/** Relative error in units of the result's ulp-scale (2^-52 relative). */
function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.abs(want);
}

test('fastExp matches Math.exp to a few ulps over the whole clamped range', () => {
  let worst = 0;
  // A deterministic sweep plus the awkward points: table boundaries, integers, tiny values.
  const xs: number[] = [0, -0, 1, -1, 1e-300, -1e-300, 5e-324, 700, -700, 699.999, -699.999, Math.LN2 / 128, -Math.LN2 / 128];
  for (let i = 0; i <= 200_000; i++) xs.push(-700 + (1400 * i) / 200_000);
  for (let k = -64 * 10; k <= 64 * 10; k++) xs.push((k * Math.LN2) / 64, (k * Math.LN2) / 64 + Math.LN2 / 128);
  for (const x of xs) worst = Math.max(worst, relErr(fastExp(x), Math.exp(x)));
  assert.ok(worst < 4 * Number.EPSILON, `worst relative error ${worst} (${worst / Number.EPSILON} eps)`);
});

test('fastExp clamps beyond ±700 and propagates NaN', () => {
  assert.equal(fastExp(1000), fastExp(700));
  assert.equal(fastExp(-1000), fastExp(-700));
  assert.ok(Number.isFinite(fastExp(Infinity)));
  assert.ok(Number.isNaN(fastExp(NaN)));
});

test('sigmoid agrees with 1/(1+Math.exp(-t)) and saturates cleanly', () => {
  let worst = 0;
  for (let i = 0; i <= 100_000; i++) {
    const t = -40 + (80 * i) / 100_000;
    worst = Math.max(worst, relErr(sigmoid(t), 1 / (1 + Math.exp(-t))));
  }
  assert.ok(worst < 4 * Number.EPSILON, `worst relative error ${worst}`);
  assert.equal(sigmoid(800), 1);
  assert.ok(sigmoid(-800) >= 0 && sigmoid(-800) < 1e-300);
  assert.equal(sigmoid(0), 0.5);
});
