/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n:
 * `kstwoSf(n, x) = P(D_n >= x)` — a port of `scipy.stats.kstwo.sf(x, n)` as it is in scipy 1.10.1
 * (`scipy/stats/_ksstats.py::_kolmogn(n, x, cdf=False)` behind `rv_continuous.sf`, plus cephes
 * `smirnov` from `scipy/special/cephes/kolmogorov.c`).
 *
 * Why this function: scipy's `ks_2samp(..., method='asymp')`, two-sided, returns
 * `kstwo.sf(D, round(m*n/(m+n)))` — the *exact one-sample* Kolmogorov distribution evaluated at the
 * effective sample size — not the limiting Kolmogorov series `kolmogorov(sqrt(en)*D)`. The two
 * differ by up to ~1e-2 at small n, so matching scipy to 1e-6 needs this algorithm.
 *
 * Algorithm (Simard & L'Ecuyer 2011, as scipy implements it), branch by branch:
 * - x <= 0.5/n → 1 and x >= 1 → 0 (`rv_continuous.sf` support handling);
 * - n*x <= 1: Ruben–Gambino closed form, 1 - n!/n^n (2nx-1)^n;
 * - n*x >= n-1: Ruben–Gambino, 2(1-x)^n;
 * - x >= 0.5: exactly 2 * smirnov(n, x) (the one-sided tails cannot both be exceeded);
 * - n <= 140: n x^2 <= 0.754693 → 1 - Durbin matrix (Marsaglia–Tsang–Wang), <= 4 → 1 - Pomeranz
 *   recursion, else 2 * smirnov (Miller);
 * - n > 140: n x^2 >= 370 → 0, >= 2.2 → 2 * smirnov; otherwise 1 - CDF with the CDF from Durbin
 *   when n <= 100000 and n x^1.5 <= 1.4, else from the Pelz–Good asymptotic series.
 *
 * Numerical differences from scipy, and why they do not matter: numpy's matmul (BLAS) sums in a
 * different order; scipy keeps a few intermediates in long double and evaluates cephes `smirnov`
 * in double-double, while this port uses plain doubles and sums the Smirnov (Birnbaum–Tingey)
 * series term by term in log space. Each of these changes results by ~1e-14 or less; the fixture
 * grid (`test/fixtures/drift/kstwo_sf.json`, every branch) is asserted to 1e-10 absolute.
 */

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
/** cephes MINLOG = log(2^-1075). */
const CEPHES_MINLOG = -7.451332191019412076235e2;
const DBL_EPSILON = 2 ** -52;
const SMIRNOV_MAX_COMPUTE_N = 1000000;

/** B_{2j}/(2j)/(2j-1) for j = 8..1 (scipy `_STIRLING_COEFFS`). */
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p); // NaN passes through, like np.clip

/** x * 2^e without overflowing/underflowing 2^e itself. */
function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/** log(n! / n^n) by Stirling's series (scipy `_log_nfactorial_div_n_pow_n`). */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  const t = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * t + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** c = a·b for m×m row-major matrices. */
function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const ci = i * m;
    for (let k = 0; k < m; k++) {
      const aik = a[ci + k];
      if (aik === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) c[ci + j] += aik * b[bk + j];
    }
  }
  return c;
}

/** P(D_n <= d) by the Durbin matrix algorithm, MTW formulation (scipy `_kolmogn_DMTW`). */
function kolmognDMTWcdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;

  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let Hpwr: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hpwr[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let Hexpnt = 0;
  const kk = (k - 1) * m + (k - 1);
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, H, m);
      expnt += Hexpnt;
    }
    nn = Math.floor(nn / 2);
    if (nn === 0) break; // scipy squares once more here; the result is never used
    H = matmul(H, H, m);
    Hexpnt *= 2;
    if (Math.abs(H[kk]) > E128) {
      for (let i = 0; i < H.length; i++) H[i] /= E128;
      Hexpnt += 128;
    }
  }
  let p = Hpwr[kk];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}

/** Row i interval of the Pomeranz recursion (scipy `_pomeranz_compute_j1j2`). */
function pomeranzJ1J2(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n <= x) by the Pomeranz recursion (scipy `_kolmogn_Pomeranz`). */
function kolmognPomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1] * gOverN) / m;
    twogpower[m] = (twogpower[m - 1] * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1] * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let [j1, j2] = pomeranzJ1J2(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    const tmp = V0;
    V0 = V1;
    V1 = tmp;
    const ts = V0s;
    V0s = V1s;
    V1s = ts;
    V1.fill(0);
    [j1, j2] = pomeranzJ1J2(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = np.convolve(V0[k1-V0s : k1-V0s+ln2], pwrs[:ln2]); V1[:len] = conv[start:start+len].
      // (Within the n <= 140, 0.754693 < n x^2 <= 4 domain the slices are never truncated.)
      const off = k1 - V0s;
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      for (let r = 0; r < convLen; r++) {
        const q = convStart + r; // index into the full convolution
        let s = 0;
        const lo = Math.max(0, q - (ln2 - 1));
        const hi = Math.min(q, ln2 - 1);
        for (let a = lo; a <= hi; a++) s += V0[off + a] * pwrs[q - a];
        V1[r] = s;
      }
      let mx = 0;
      for (let r = 0; r < V1.length; r++) if (V1[r] > mx) mx = V1[r];
      if (mx > 0 && mx < EM128) {
        for (let r = 0; r < V1.length; r++) V1[r] *= E128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}

/** Pelz–Good approximation to P(D_n <= x) (scipy `_kolmogn_PelzGood`, cdf=True). */
function kolmognPelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = q ** (8 * k);
    K[0] = K[0] * qpower + 1;
    K[1] = K[1] * qpower + (k1a + k1b * m2);
    K[2] = K[2] * qpower + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3] * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / div[i];

  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ks2 = k * k;
    const qp = q ** ks2;
    const kspi = Math.PI * k;
    k2extra += ks2 * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
  }
  K[2] += k2extra * ((PI2 * SQRT2PI) / (-36 * z3));
  K[3] += k3extra * ((PI2 * SQRT2PI) / (216 * z6));
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / n ** (i / 2);
  return sum;
}

/** Exact floor(n*x) and n*x - floor(n*x) (cephes `modNX` does this in double-double). */
function modNX(n: number, x: number): { nxfl: number; alpha: number } {
  // Dekker's exact product n*x = hi + lo.
  const hi = n * x;
  const split = (a: number): [number, number] => {
    const c = 134217729 * a; // 2^27 + 1
    const ah = c - (c - a);
    return [ah, a - ah];
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const lo = nh * xh - hi + nh * xl + nl * xh + nl * xl;
  let nxfl = Math.floor(hi);
  let alpha = hi - nxfl + lo;
  if (alpha < 0) {
    nxfl -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }
  return { nxfl, alpha };
}

/**
 * One-sided Smirnov survival function P(D_n^+ >= x) (cephes `smirnov`), via the Birnbaum–Tingey
 * lower sum x Σ_{v=0}^{floor(n(1-x))} C(n,v) (x+v/n)^(v-1) (1-x-v/n)^(n-v) evaluated term by term
 * in log space. cephes' alternative "upper sum" is only chosen for x <= 0.5/sqrt(n) with n x >= 1,
 * a region `kstwoSf` never sends here (it calls smirnov only for n x^2 >= 2.2 or x >= 0.5).
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { nxfl, alpha } = modNX(n, x);
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  if (alpha === 0) n1mxfl -= 1;
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const t = (1 + x) ** (n - 1);
    return clip01(1 - x * t);
  }
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxfl >= n - 1) return clip01((1 - x) ** n);
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp));
  }
  const nTerms = n1mxfl + 1;
  const vmid = Math.floor(n / 2);
  // v = 0 term: (1-x)^n / x
  let sum = Math.exp(n * Math.log1p(-x)) / x;
  // log C(n, v), accumulated with Neumaier compensation: logC reaches ~1e5 for n = 1e6 and cancels
  // against the two power terms, so an uncompensated running sum would cost ~1e-8 relative.
  let logC = Math.log(n); // log C(n, 1)
  let logCc = 0;
  for (let v = 1; v < nTerms; v++) {
    const base1 = x + v / n;
    const base2 = (n - v) / n - x;
    let term = 0;
    if (base2 > 0) term = Math.exp(logC + logCc + (v - 1) * Math.log(base1) + (n - v) * Math.log(base2));
    sum += term;
    if (term !== 0) {
      if (4 * (nTerms - v) * term < DBL_EPSILON * sum && v !== nTerms - 1) break;
    } else if (v > vmid) {
      break;
    }
    const inc = Math.log((n - v) / (v + 1));
    const t = logC + inc;
    logCc += Math.abs(logC) >= Math.abs(inc) ? logC - t + inc : inc - t + logC;
    logC = t;
  }
  return clip01(x * sum);
}

/** scipy `_kolmogn(n, x, cdf=False)` for integer n >= 1. */
function kolmognSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      const c = 2 * t - 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * c;
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1 - kolmognDMTWcdf(n, x));
    if (nxsquared <= 4) return clip01(1 - kolmognPomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370.0) return 0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxsquared >= 18.0) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = kolmognDMTWcdf(n, x);
  else cdf = kolmognPelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

/**
 * `scipy.stats.kstwo.sf(x, n)`: P(D_n >= x) for the two-sided one-sample KS statistic.
 * NaN when n is not an integer >= 1 (scipy's bad-argument value) or x is NaN.
 */
export function kstwoSf(n: number, x: number): number {
  if (!(n >= 1 && Number.isInteger(n)) || x !== x) return Number.NaN;
  if (x <= 0.5 / n) return 1;
  if (x >= 1) return 0;
  return kolmognSf(n, x);
}
