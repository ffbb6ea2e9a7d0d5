/**
 * A finite number's text as String(v) writes it, straight into a byte buffer, for the usual
 * values of a `number` column: at most 15 significant digits, fixed notation. finaldata.csv
 * writes millions of such cells; String(v) (the shortest round-trip digits, in general) cost
 * ~250 ns a cell there, a third of the whole ingest of a table with 4 number columns.
 *
 * Why it is String(v): at k = 0, 1, 2, … decimals the candidate is m = round(|v|·10^k). When
 * m < 10^15 and m / 10^k === |v| — one correctly rounded division of two exact doubles, the
 * double nearest the decimal m·10^−k (Clinger's fast path) — that decimal reads back as v, so it
 * is a round-trip text; at 15 digits or fewer the candidates of k decimals lie more than an ulp
 * apart, so it is the only one with k decimals, and the first k that works gives the fewest
 * digits: the text ECMAScript's Number::toString chooses. Fixed notation holds from 1e-6 up (below,
 * String writes an exponent; those values, and any the loop does not settle, return -1).
 */
export function writeDecimal(v: number, o: Uint8Array, off: number): number {
  const a = v < 0 ? -v : v;
  if (!(a >= 1e-6 && a < 1e15)) return -1;
  for (let k = 0; k <= 15; k++) {
    const p = POW10[k];
    const m = Math.round(a * p);
    if (m >= 1e15) return -1;
    if (m / p !== a) continue;
    if (v < 0) o[off++] = MINUS;
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
  return -1;
}

const MINUS = 45;
const POINT = 46;
const ZERO = 48;
/** 10^k, exact doubles (k ≤ 22). */
const POW10 = Float64Array.from({ length: 16 }, (_, k) => Number(`1e${k}`));
const DIGITS = new Uint8Array(16);
