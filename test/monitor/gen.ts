// Deterministic test data (mulberry32 + Box–Muller): larger samples without large fixtures.
import { rng } from '../helpers/random.ts';

export { rng };

export function normals(n: number, seed: number, mu = 0, sd = 1): Float64Array {
  const u = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mu + sd * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}

/** Activity-like counts: round(exp(N(mu, 1))), 6% forced to 0 (like the fixture generator). */
export function activity(n: number, seed: number, mu = Math.log(40)): Float64Array {
  const z = normals(n, seed);
  const u = rng(seed + 1);
  for (let i = 0; i < n; i++) z[i] = u() < 0.06 ? 0 : Math.round(Math.exp(mu + z[i]));
  return z;
}

/** Integers 0..3 (heavy ties: several deciles coincide). */
export function smallInts(n: number, seed: number, shift = 0): Float64Array {
  return Float64Array.from(normals(n, seed, shift), (v) => Math.min(3, Math.max(0, Math.round(v))));
}

export function std(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return Math.sqrt(s / (x.length - 1));
}

/** Heavy-tailed activity counts: round(exp(mu + sigma·N(0,1))), no forced zeros. */
export function lognormalCounts(n: number, seed: number, sigma: number, mu = Math.log(40)): Float64Array {
  const z = normals(n, seed);
  for (let i = 0; i < n; i++) z[i] = Math.round(Math.exp(mu + sigma * z[i]));
  return z;
}
