/**
 * Write a probability into a byte buffer exactly as String(x) prints it (ECMAScript
 * Number::toString: the shortest decimal that reads back as x, the closest one if several), without
 * making a string. `predict --out` prints 1,000,000 of them; String() is a runtime call into V8's
 * Grisu3/bignum code plus a heap string per number, and was most of the command's time.
 *
 * Method (in the spirit of Grisu3 / Schubfach): for 0 < x < 1, a normal double m·2^e, compute
 * v = x·10^K with K chosen so v ∈ [1e16, 2e17), as a double-double whose error is below 2^-46
 * (10^K comes from an exact BigInt table, the product m·10^K from Dekker's error-free product).
 * The rounding interval of x, scaled the same way, is v ± h with h ∈ [0.55, 23]. The shortest
 * decimal is the multiple of the largest power 10^j that falls inside the interval, the closer one
 * to v when two do. Every decision compares distances that are known to ±2^-46; whenever one is
 * within EPS (2^-30) of its boundary — a candidate on the very edge of the interval, or two
 * candidates equally near — the answer could depend on the rounding rules at the edge, so this
 * falls back to String(x) rather than decide. Values outside (0, 1) and subnormals also fall back.
 * test/model/format-probability.test.ts checks byte equality with String() on millions of values.
 */

const EPS = 2 ** -30;
const FAR = 1e9;
/** K ranges over [17, 324] for normal x in (0, 1). */
const K_MIN = 17;
const K_MAX = 324;
/** 10^K = (PH + PL)·2^PS[K], PH ∈ [1, 2); PH split in two 26-bit halves for Dekker's product. */
const PH = new Float64Array(K_MAX + 1);
const PHH = new Float64Array(K_MAX + 1);
const PHL = new Float64Array(K_MAX + 1);
const PL = new Float64Array(K_MAX + 1);
const PS = new Int32Array(K_MAX + 1);
const SPLIT = 134217729; // 2^27 + 1
for (let k = K_MIN; k <= K_MAX; k++) {
  const n = 10n ** BigInt(k);
  const bits = n.toString(2).length;
  // The top 107 bits of 10^k (10^k has fewer than 107 bits only for small k: shift up).
  const top = bits >= 107 ? n >> BigInt(bits - 107) : n << BigInt(107 - bits);
  const hi = top >> 54n;
  PH[k] = Number(hi) * 2 ** -52;
  PL[k] = Number(top - (hi << 54n)) * 2 ** -106;
  PS[k] = bits - 1;
  const c = SPLIT * PH[k];
  PHH[k] = c - (c - PH[k]);
  PHL[k] = PH[k] - PHH[k];
}
const POW10 = new Int32Array([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
/** 2^(i - 64): the exact scale factors (a table read instead of a pow call). */
const POW2 = new Float64Array(128);
for (let i = 0; i < 128; i++) POW2[i] = 2 ** (i - 64);
const LOG10_2 = 0.3010299956639812;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;
/** '00' … '99' as ASCII pairs: two digits per division. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) (PAIRS[2 * i] = 48 + Math.floor(i / 10)), (PAIRS[2 * i + 1] = 48 + (i % 10));

/** Write v (0 ≤ v < 1e8) as exactly 8 ASCII digits at out[at]. */
function put8(out: Buffer, at: number, v: number): void {
  const hi = (v / 10000) | 0;
  const lo = v - hi * 10000;
  let p = (hi / 100) | 0;
  let q = hi - p * 100;
  out[at] = PAIRS[2 * p];
  out[at + 1] = PAIRS[2 * p + 1];
  out[at + 2] = PAIRS[2 * q];
  out[at + 3] = PAIRS[2 * q + 1];
  p = (lo / 100) | 0;
  q = lo - p * 100;
  out[at + 4] = PAIRS[2 * p];
  out[at + 5] = PAIRS[2 * p + 1];
  out[at + 6] = PAIRS[2 * q];
  out[at + 7] = PAIRS[2 * q + 1];
}

/** The digits of a1·1e16 + a2·1e8 + b (1 ≤ a1 < 100) at out[at]; returns the end. */
function putDigits(out: Buffer, at: number, a1: number, a2: number, b: number): number {
  if (a1 >= 10) {
    out[at++] = PAIRS[2 * a1];
    out[at++] = PAIRS[2 * a1 + 1];
  } else out[at++] = 48 + a1;
  put8(out, at, a2);
  put8(out, at + 8, b);
  return at + 16;
}

/** Drop trailing '0' bytes of out[from, end); returns the new end. */
function stripZeros(out: Buffer, from: number, end: number): number {
  while (end > from && out[end - 1] === 48) end--;
  return end;
}

/** How often String() was used: the tests check the fast path really carries the load. */
export const fallbackCount = { n: 0 };

function fallback(x: number, out: Buffer, off: number): number {
  fallbackCount.n++;
  return off + out.latin1Write(String(x), off);
}

/**
 * Write String(x) (ASCII) into `out` at `off`; returns the new offset. `out` needs 26 bytes of
 * room from `off`, all of which it may use as scratch (bytes past the returned end are garbage).
 */
export function writeProbability(x: number, out: Buffer, off: number): number {
  if (!(x > 0 && x < 1)) return fallback(x, out, off);
  f64[0] = x;
  const hiWord = u32[HI];
  const be = hiWord >>> 20; // biased exponent (sign is 0)
  if (be === 0) return fallback(x, out, off); // subnormal
  const m = (hiWord & 0xfffff) * 4294967296 + 1048576 * 4294967296 + u32[LO]; // 53-bit significand
  const e2 = be - 1023; // x ∈ [2^e2, 2^(e2+1))
  const K = 16 - Math.floor(e2 * LOG10_2);
  // v = m·10^K·2^(be-1075) = m·(PH+PL)·2^(PS+be-1075): Dekker's exact product m·PH, plus m·PL.
  const ph = PH[K];
  const p = m * ph;
  const c = SPLIT * m;
  const mh = c - (c - m);
  const ml = m - mh;
  const err = mh * PHH[K] - p + mh * PHL[K] + ml * PHH[K] + ml * PHL[K];
  const tail = err + m * PL[K];
  let vh = p + tail;
  let vl = tail - (vh - p);
  const scale = POW2[PS[K] + be - 1075 + 64];
  vh *= scale;
  vl *= scale;
  // Half the gap to the neighbouring doubles, scaled alike (the gap below is half as wide when m is a power of two).
  const hUp = ph * scale * 0.5;
  const hDown = m === 4503599627370496 && be > 1 ? hUp * 0.5 : hUp;
  // v = I + f with I = a·1e8 + b an exact integer (vh is an integer: v > 2^53) and f ∈ [0, 1).
  const fl = Math.floor(vl);
  const f = vl - fl;
  let a = Math.floor(vh / 1e8);
  let bf = vh - a * 1e8 + fl;
  while (bf < 0) (a--, (bf += 1e8));
  while (bf >= 1e8) (a++, (bf -= 1e8));
  // Both fit in int32 (a < 2e9, b < 1e8): the modulo and digit loops below stay integer operations.
  a = a | 0;
  const b = bf | 0;
  // Largest j with a multiple of 10^j inside [v - hDown, v + hUp]; j = 0 always has one (width > 1).
  let bestJ = -1;
  let bestT = 0;
  for (let j = 0; j <= 17; j++) {
    // Candidates: the multiple of 10^j at or below I (I - down) and the next one up (I + up).
    // Past 10^8 only a = 0 or -1 modulo 10^(j-8) can put one within reach (h < 23); FAR stands for out of reach.
    let down: number;
    let up: number;
    if (j <= 8) {
      const q = POW10[j];
      down = b % q;
      up = q - down;
    } else {
      const q = POW10[j - 8];
      const r = a % q;
      down = r === 0 ? b : FAR;
      up = r === q - 1 ? 100000000 - b : FAR;
    }
    const dDown = down + f;
    const dUp = up - f;
    if (Math.abs(dDown - hDown) < EPS || Math.abs(dUp - hUp) < EPS) return fallback(x, out, off);
    const inDown = dDown < hDown;
    const inUp = dUp < hUp;
    if (!inDown && !inUp) break;
    if (inDown && inUp) {
      if (Math.abs(dDown - dUp) < EPS) return fallback(x, out, off);
      bestT = dDown < dUp ? -down : up;
    } else bestT = inDown ? -down : up;
    bestJ = j;
  }
  if (bestJ < 0) return fallback(x, out, off);
  // The chosen decimal N = I + bestT as A·1e8 + B.
  let A = a;
  let B = b + bestT;
  while (B < 0) (A--, (B += 1e8));
  while (B >= 1e8) (A++, (B -= 1e8));
  // N = A·1e8 + B ≥ 1e16 has 17 or 18 digits: A's top one or two, then A's last 8 and B's 8.
  const A1 = (A / 100000000) | 0;
  const A2 = A - A1 * 100000000;
  const len = A1 >= 10 ? 18 : 17;
  const n = len - K; // x = 0.d1d2… · 10^n
  if (n > 0) return fallback(x, out, off);
  if (n > -6) {
    // Fixed: "0.", -n zeros, the digits without their trailing zeros.
    out[off++] = 48;
    out[off++] = 46;
    for (let i = 0; i < -n; i++) out[off++] = 48;
    const end = putDigits(out, off, A1, A2, B);
    return stripZeros(out, off + 1, end); // the first digit is never 0
  }
  // Exponential: the digits written one place to the right, the first moved left over a '.'.
  let end = putDigits(out, off + 1, A1, A2, B);
  out[off] = out[off + 1];
  out[off + 1] = 46;
  end = stripZeros(out, off + 2, end);
  off = end === off + 2 ? off + 1 : end; // no digit after the point: no point
  out[off++] = 101; // e
  out[off++] = 45; // -
  let ex = 1 - n; // 7..324
  if (ex >= 100) {
    out[off++] = 48 + Math.floor(ex / 100);
    ex %= 100;
    out[off++] = 48 + Math.floor(ex / 10);
  } else if (ex >= 10) out[off++] = 48 + Math.floor(ex / 10);
  out[off++] = 48 + (ex % 10);
  return off;
}
