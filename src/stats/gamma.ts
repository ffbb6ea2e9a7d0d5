/**
 * The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), and the chi-square
 * survival function chi2.sf(x, k) = Q(k/2, x/2) — what `scipy.stats.chi2_contingency` reports as
 * the p-value (scipy: `scipy.special.chdtrc` / `gammaincc`). Tested against scipy 1.10.1 over
 * k = 1..5,000 and p down to 1e-300 (test/fixtures/drift/category.json).
 *
 * Method (Numerical Recipes §6.2, with the prefactor computed for relative accuracy):
 * - x < a + 1: the series P = f · Σ x^n / (a (a+1) … (a+n)), then Q = 1 − P (Q >= ~0.3 there, so
 *   the subtraction loses nothing that matters);
 * - otherwise Q by its continued fraction (modified Lentz), which converges fast exactly there;
 * - f = x^a e^(−x) / Γ(a+1)·a… i.e. e^(a ln x − x − lnΓ(a)), which for large a and x near a is a
 *   difference of large numbers: it is computed as a·log1pmx((x − a)/a) + ½ln(a/2π) − s(a), where
 *   s is Stirling's correction lnΓ(a) − ((a − ½)ln a − a + ½ln 2π) (series for a >= 15, the
 *   recurrence Γ(a) = Γ(a + n)/(a(a+1)…(a+n−1)) below) and log1pmx(t) = ln(1 + t) − t by its
 *   series for small |t| — so a p-value of 1e-200 with thousands of degrees of freedom keeps its
 *   relative accuracy instead of inheriting the ~1e-11 absolute error of a ln x − x.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 1e-16;

/** Stirling's correction s(a) = lnΓ(a) − ((a − ½) ln a − a + ½ ln 2π), a > 0. */
function stirlingCorrection(a: number): number {
  if (a >= 15) {
    const r = 1 / a;
    const r2 = r * r;
    // 1/12a − 1/360a³ + 1/1260a⁵ − 1/1680a⁷ + 1/1188a⁹ − 691/360360a¹¹
    return r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360))))));
  }
  // lnΓ(a) = lnΓ(a + n) − ln(a (a+1) … (a+n−1)), with a + n >= 15
  let n = 0;
  let prod = 1;
  while (a + n < 15) prod *= a + n++;
  const b = a + n;
  const lgB = (b - 0.5) * Math.log(b) - b + LN_SQRT_2PI + stirlingCorrection(b);
  return lgB - Math.log(prod) - ((a - 0.5) * Math.log(a) - a + LN_SQRT_2PI);
}

/** ln Γ(a), a > 0. */
export function lnGamma(a: number): number {
  return (a - 0.5) * Math.log(a) - a + LN_SQRT_2PI + stirlingCorrection(a);
}

/** ln(1 + t) − t, accurate for small |t| (t > −1). */
function log1pmx(t: number): number {
  if (Math.abs(t) > 0.25) return Math.log1p(t) - t;
  // −t²/2 + t³/3 − t⁴/4 + …
  let term = t;
  let sum = 0;
  for (let k = 2; k < 200; k++) {
    term *= -t;
    const d = term / k;
    sum += d;
    if (Math.abs(d) <= Math.abs(sum) * 1e-17) break;
  }
  return sum;
}

/** ln(x^a e^(−x) / Γ(a)). */
function logPrefactor(a: number, x: number): number {
  return a * log1pmx((x - a) / a) + 0.5 * Math.log(a) - LN_SQRT_2PI - stirlingCorrection(a);
}

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? series(a, x) : 1 - continuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - series(a, x) : continuedFraction(a, x);
}

function series(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  const max = 1000 + 10 * Math.sqrt(a) + a;
  for (let n = 0; n < max; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  // f · Σ, with f = x^a e^(−x) / Γ(a); the sum above is Σ x^n / (a (a+1) … (a+n)).
  return Math.exp(logPrefactor(a, x) + Math.log(sum));
}

function continuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  const max = 1000 + 10 * Math.sqrt(a) + a;
  for (let i = 1; i < max; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x) + Math.log(h));
}

/** chi2.sf(x, k): the probability that a chi-square variable with k degrees of freedom exceeds x. */
export function chi2Sf(x: number, k: number): number {
  if (!(k > 0)) return Number.NaN;
  if (!(x > 0)) return x === 0 ? 1 : x < 0 ? 1 : Number.NaN;
  return gammaQ(k / 2, x / 2);
}
