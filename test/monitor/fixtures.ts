// Loads the SciPy/NumPy reference fixtures in test/fixtures/drift/ (see its README.md).
// JSON has no NaN: a missing value is written as null and is mapped back to NaN here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DRIFT_FIXTURES = join(new URL('../..', import.meta.url).pathname, 'test', 'fixtures', 'drift');

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(DRIFT_FIXTURES, name), 'utf8')) as T;
}

type SampleJson = { values: (number | null)[] } | { hist: [number | null, number][] };

let samples: Record<string, SampleJson> | undefined;
const cache = new Map<string, Float64Array>();

/** A named sample from samples.json, missing values as NaN (histograms expanded in value order). */
export function sample(name: string): Float64Array {
  const hit = cache.get(name);
  if (hit) return hit;
  samples ??= readFixture<Record<string, SampleJson>>('samples.json');
  const s = samples[name];
  if (!s) throw new Error(`unknown fixture sample ${name}`);
  let out: Float64Array;
  if ('values' in s) {
    out = Float64Array.from(s.values, (v) => (v === null ? Number.NaN : v));
  } else {
    const n = s.hist.reduce((acc, [, c]) => acc + c, 0);
    out = new Float64Array(n);
    let k = 0;
    for (const [v, c] of s.hist) out.fill(v === null ? Number.NaN : v, k, (k += c));
  }
  cache.set(name, out);
  return out;
}

/** null → NaN for expected values. */
export const num = (v: number | null): number => (v === null ? Number.NaN : v);

/** |a - b| <= tol, with NaN equal to NaN. */
export function close(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= tol;
}

/** Tracks the largest deviation seen per label, printed by the tests as a diagnostic. */
export class MaxDev {
  private readonly m = new Map<string, number>();
  see(label: string, a: number, b: number): void {
    if (Number.isNaN(a) && Number.isNaN(b)) return;
    const d = a === b ? 0 : Math.abs(a - b);
    if (!(d <= (this.m.get(label) ?? -1))) this.m.set(label, d);
  }
  report(): string {
    return [...this.m].map(([k, v]) => `${k}=${v.toExponential(3)}`).join(' ');
  }
}
