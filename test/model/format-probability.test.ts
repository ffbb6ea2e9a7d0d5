import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackCount, writeProbability } from '../../src/model/format-probability.ts';
import { sigmoid } from '../../src/model/sigmoid.ts';
import { rngUint32 } from '../helpers/random.ts';

// The oracle is String(x) itself: `predict --out` promised String()'s bytes before this formatter
// existed, so every check is byte equality with it.
const buf = Buffer.alloc(64);
function format(x: number): string {
  return buf.toString('latin1', 0, writeProbability(x, buf, 0));
}

const f64 = new Float64Array(1);
const bits = new BigUint64Array(f64.buffer);
function fromBits(b: bigint): number {
  bits[0] = b;
  return f64[0];
}
function toBits(x: number): bigint {
  f64[0] = x;
  return bits[0];
}
/** The doubles just below and above x (x > 0). */
function neighbours(x: number): number[] {
  const b = toBits(x);
  return [fromBits(b - 1n), x, fromBits(b + 1n)];
}

/** Collects mismatches rather than stopping at the first, so a failure shows a pattern. */
function mismatches(xs: Iterable<number>): string[] {
  const bad: string[] = [];
  for (const x of xs) {
    const got = format(x);
    const want = String(x);
    if (got !== want && bad.length < 20) bad.push(`${want} (bits ${toBits(x).toString(16)}): got ${got}`);
  }
  return bad;
}

test('edge cases: 0, 1, subnormals, the normal boundary, 0.1, the largest double below 1, format switch at 1e-6/1e-7', () => {
  const xs = [
    0, -0, 1, 0.1, 0.2, 0.3, 0.5, 0.25, 0.7, 0.9, 0.99, 0.999999, 1 - 2 ** -53, 1 - 2 ** -52, 2 ** -53,
    5e-324, 1e-323, 2.225073858507201e-308, 2.2250738585072014e-308, 2.2250738585072024e-308, 1e-308, 1.7976931348623157e308,
    1e-6, 1e-7, 9.999999999999999e-7, 1.0000000000000002e-6, 9.999999999999997e-8, 1.2345e-7, 0.000001234, 0.0000001234,
    1e-300, 1e-100, 1e-99, 1e-10, 1e-9, 1.5e-300, 3.2e-26, 0.3465355032283934, 0.007407957803963175,
    NaN, Infinity, -Infinity, -0.5, 2, 1e21,
  ];
  assert.deepEqual(mismatches(xs), []);
  // The shapes, spelled out (beyond agreeing with String): fixed above 1e-6, exponential below.
  assert.equal(format(0.000001), '0.000001');
  assert.equal(format(1e-7), '1e-7');
  assert.equal(format(1.5e-300), '1.5e-300');
  assert.equal(format(0.1), '0.1');
  assert.equal(format(1), '1');
  assert.equal(format(1 - 2 ** -53), '0.9999999999999999');
});

test('every power of ten and of two in (0, 1), with both neighbours', () => {
  const xs: number[] = [];
  for (let k = 1; k <= 323; k++) xs.push(...neighbours(Number(`1e-${k}`)));
  for (let k = 1; k <= 1074; k++) xs.push(...neighbours(2 ** -k).filter((x) => x > 0));
  // Halves, quarters… of powers of ten: short decimals whose intervals are asymmetric or near-tied.
  for (let k = 1; k <= 300; k++) for (const d of [2, 3, 5, 7, 9]) xs.push(...neighbours(Number(`${d}e-${k}`)), ...neighbours(Number(`${d}5e-${k + 1}`)));
  assert.deepEqual(mismatches(xs), []);
});

test('short decimals (1 to 17 significant digits) at every exponent read back as themselves', () => {
  const next = rngUint32(7);
  const xs: number[] = [];
  for (let i = 0; i < 200_000; i++) {
    const digits = 1 + (next() % 17);
    let s = String(1 + (next() % 9));
    for (let d = 1; d < digits; d++) s += String(next() % 10);
    const exp = 1 + (next() % 320);
    const x = Number(`0.${s}e-${exp - 1}`);
    if (x > 0 && x < 1) xs.push(x);
  }
  assert.deepEqual(mismatches(xs), []);
});

test('2,000,000 random doubles: uniform in (0, 1) and uniform over the bit patterns of (0, 1)', () => {
  const next = rngUint32(42);
  function* uniform(): Generator<number> {
    for (let i = 0; i < 1_000_000; i++) yield (next() * 2 ** 21 + (next() >>> 11)) * 2 ** -53 || 2 ** -60;
  }
  function* anyBits(): Generator<number> {
    // Every double in (0, 1) is a bit pattern below 0x3ff0000000000000: all exponents alike.
    for (let i = 0; i < 1_000_000; i++) yield fromBits(((BigInt(next()) << 32n) | BigInt(next())) % 0x3ff0000000000000n) || 5e-324;
  }
  const before = fallbackCount.n;
  assert.deepEqual(mismatches(uniform()), []);
  assert.deepEqual(mismatches(anyBits()), []);
  // Only exact ties and candidates within 2^-30 of an interval edge go to String(); in random
  // data that is next to never (subnormals, 1 in 2^11 of the bit patterns, always do).
  const used = fallbackCount.n - before;
  assert.ok(used < 2_000, `${used} of 2,000,000 fell back to String()`);
});

test("sigmoid's outputs over the whole score range (what predict actually prints)", () => {
  const next = rngUint32(3);
  function* probs(): Generator<number> {
    for (let i = 0; i < 500_000; i++) yield sigmoid(-720 + (next() / 2 ** 32) * 760);
  }
  const before = fallbackCount.n;
  assert.deepEqual(mismatches(probs()), []);
  // Probabilities that are exactly 1 print through String(); nothing else should.
  let ones = 0;
  const again = rngUint32(3);
  for (let i = 0; i < 500_000; i++) if (sigmoid(-720 + (again() / 2 ** 32) * 760) === 1) ones++;
  assert.equal(fallbackCount.n - before, ones);
});

test('writes at the given offset and returns the end; bytes before it untouched, at most 26 bytes used', () => {
  const out = Buffer.alloc(40, 120);
  const end = writeProbability(0.25, out, 5);
  assert.equal(end, 9);
  assert.equal(out.toString('latin1', 0, 9), 'xxxxx0.25');
  // Past the end it may have used scratch room (trailing zeros it dropped), never beyond 26 bytes.
  assert.equal(out.toString('latin1', 5 + 26), 'x'.repeat(40 - 31));
  for (const x of [1.2345678901234567e-300, 0.000001234567890123456, 0.1234567890123456]) {
    const b = Buffer.alloc(60, 120);
    const e = writeProbability(x, b, 10);
    assert.equal(b.toString('latin1', 10, e), String(x));
    assert.equal(b.toString('latin1', 0, 10) + b.toString('latin1', 36), 'x'.repeat(34));
  }
  const end2 = writeProbability(5e-324, out, 10); // a fallback path writes the same way
  assert.equal(out.toString('latin1', 10, end2), '5e-324');
});
