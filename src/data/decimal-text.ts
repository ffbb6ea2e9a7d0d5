/**
 * A finite number's text as String(v) writes it, straight into a byte buffer, for the usual
 * values of a `number` column: at most 15 significant digits, fixed notation. finaldata.csv
 * writes millions of such cells; String(v) (the shortest round-trip digits, in general) cost
 * ~250 ns a cell there, a third of the whole ingest of a table with 4 number columns.
 *
 * Why it is String(v): with k decimals the candidate is m = round(|v|·10^k). When m < 10^15 and
 * m / 10^k === |v| — one correctly rounded division of two exact doubles, the double nearest the
 * decimal m·10^−k (Clinger's fast path) — that decimal reads back as v, so it is a round-trip
 * text; at 15 digits or fewer the candidates of k decimals lie more than an ulp apart, so it is
 * the only one with k decimals, and the fewest k that works gives the fewest digits: the text
 * ECMAScript's Number::toString chooses. Fixed notation holds from 1e-6 up (below,
 * String writes an exponent; those values, and any the loop does not settle, return -1).
 */
export function writeDecimal(v: number, o: Uint8Array, off: number): number {
  const a = v < 0 ? -v : v;
  if (!(a >= 1e-6 && a < 1e15)) return -1;
  // Two decimals first (money, most of the usual cells): if m = round(|v|·100) works, any text
  // with fewer decimals that works is m without its trailing zeros (that decimal scaled by 100
  // rounds to the same m), so stripping them gives the shortest — one division instead of three.
  let m = Math.round(a * 100);
  let k = 2;
  if (m < 1e15 && m / 100 === a) {
    if (m < 2147483648) {
      let n = m | 0;
      while (k > 0) {
        const q = (n / 10) | 0;
        if (q * 10 !== n) break;
        n = q;
        k--;
      }
      m = n;
    } else {
      while (k > 0 && m % 10 === 0) {
        m /= 10;
        k--;
      }
    }
    return writeDigits(v < 0, m, k, o, off);
  }
  // Not within two decimals: no text of fewer than three is either.
  for (k = 3; k <= 15; k++) {
    const p = POW10[k];
    m = Math.round(a * p);
    if (m >= 1e15) return -1;
    if (m / p !== a) continue;
    return writeDigits(v < 0, m, k, o, off);
  }
  return -1;
}

/** The decimal m·10^−k (m < 10^15 with no trailing zero unless k = 0), with a minus if `neg`. */
function writeDigits(neg: boolean, m: number, k: number, o: Uint8Array, off: number): number {
  if (neg) o[off++] = MINUS;
  // m's digits, last first, into the scratch; then the integer part, the point, the fraction.
  let n = 0;
  if (m < 2147483648) {
    // In int32 arithmetic: a division by 10 is then a multiply and shift, not a float division.
    let q = m | 0;
    do {
      const d = (q / 10) | 0;
      DIGITS[n++] = 48 + q - d * 10;
      q = d;
    } while (q > 0);
  } else {
    let q = m;
    do {
      const d = Math.floor(q / 10);
      DIGITS[n++] = 48 + q - d * 10;
      q = d;
    } while (q > 0);
  }
  if (n <= k) {
    o[off++] = ZERO;
    o[off++] = POINT;
    for (let z = n; z < k; z++) o[off++] = ZERO;
    while (n > 0) o[off++] = DIGITS[--n];
  } else {
    while (n > k) o[off++] = DIGITS[--n];
    if (k > 0) {
      o[off++] = POINT;
      while (n > 0) o[off++] = DIGITS[--n];
    }
  }
  return off;
}

const MINUS = 45;
const POINT = 46;
const ZERO = 48;
/** 10^k, exact doubles (k ≤ 22). */
const POW10 = Float64Array.from({ length: 16 }, (_, k) => Number(`1e${k}`));
const DIGITS = new Uint8Array(16);
