/**
 * Shared helpers for the drift kernels: missing-value removal, sorting, numpy-identical quantiles
 * and compensated sums.
 *
 * Choices, and why:
 * - Missing = NaN, always dropped before any statistic (the column readers already map empty cells
 *   to NaN). ±Infinity is NOT missing: it is kept as an ordinary, extreme value (order-based
 *   statistics such as KS and PSI handle it; distances such as Wasserstein become Infinity/NaN,
 *   exactly as scipy's would).
 * - One pass to count, one to copy, then a counting sort (small non-negative integers), an LSD
 *   radix sort on the bit patterns (long columns) or `Float64Array.prototype.sort()` (short ones);
 *   all three give the same array. The typed-array sort orders -0 before +0 (the radix sort too);
 *   every consumer here compares with `<`/`===`, for which -0 and +0 are the same value, as in
 *   numpy.
 * - Quantiles reproduce numpy.quantile(method="linear") (Hyndman–Fan type 7) bit for bit,
 *   including numpy's two-sided lerp (`b - (b-a)*(1-t)` when t >= 0.5), so that PSI edges agree
 *   with the fixture script exactly and a value lying exactly on an edge is binned the same way.
 * - Sums use Neumaier compensation: numpy uses pairwise summation; both are within a few ulps of
 *   the exact sum, so compensated sums agree with numpy's to ~1e-15 relative, where a naive loop
 *   over 10^6 terms could drift by ~1e-10.
 */

import { radixSortFloat64 } from './radix-sort.js';
import { fewDistinctSort } from './distinct-sort.js';

/** Whether x holds a value that is not missing (NaN): the first one found ends the scan. */
export function hasNonMissing(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) return true;
  return false;
}

/** Number of non-missing (non-NaN) entries. */
export function countNonMissing(x: Float64Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) n++;
  return n;
}

/**
 * Buffers a caller sorting many long columns reuses (see `SortScratch`): `out` receives the sorted
 * values (its first n entries; the result is a view of it), `tmp` is the radix sort's scratch.
 */
export interface SortBuffers {
  out?: Float64Array;
  tmp?: Float64Array;
}

/** Below this many values the native sort is as fast as the radix sort and needs no scratch. */
const RADIX_MIN = 4096;

/**
 * An ascending Float64Array holding the non-missing values of `x` (`x` is not modified): a new
 * array, or a view of `buffers.out` when it is given (valid until the buffer is reused).
 */
export function sortedNonMissing(x: Float64Array, buffers: SortBuffers = {}): Float64Array {
  const n = countNonMissing(x);
  const out = buffers.out && buffers.out.length >= n ? buffers.out.subarray(0, n) : new Float64Array(n);
  if (n === x.length) {
    out.set(x);
  } else {
    let k = 0;
    for (let i = 0; i < x.length; i++) if (x[i] === x[i]) out[k++] = x[i];
  }
  if (!countingSort(out)) {
    // Same order as the native sort: by counting when the column has few distinct values
    // (distinct-sort.ts, one pass: ~3 instead of ~30 ms on 800,000 rows), else by the radix sort
    // (radix-sort.ts), in O(n): ~40 instead of ~110 ms on 10^6.
    if (n >= RADIX_MIN) {
      if (!fewDistinctSort(out)) radixSortFloat64(out, buffers.tmp && buffers.tmp.length >= n && buffers.tmp.buffer !== out.buffer ? buffers.tmp : undefined);
    } else out.sort();
  }
  return out;
}

/**
 * Two lazily allocated buffers of one capacity, reused for every column sorted through them:
 * first touching fresh memory costs page faults (~4 ms per 8 MB column measured here), and a
 * fresh copy per column is garbage the collector must then free.
 */
export class SortScratch implements SortBuffers {
  private outBuf?: Float64Array;
  private tmpBuf?: Float64Array;
  constructor(readonly capacity: number) {}
  get out(): Float64Array {
    return (this.outBuf ??= new Float64Array(this.capacity));
  }
  get tmp(): Float64Array {
    return (this.tmpBuf ??= new Float64Array(this.capacity));
  }
}

/**
 * Sort in place by counting when every value is a non-negative integer not much larger than the
 * sample (activity counts, employees): O(n + max) instead of O(n log n) — 1,000,000 counts sort
 * in ~10 ms instead of ~80 ms. Returns false, untouched, for any other data.
 */
function countingSort(a: Float64Array): boolean {
  const n = a.length;
  if (n < 1024) return false;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (!(v >= 0 && (v | 0) === v)) return false;
    if (v > max) max = v;
  }
  if (max > 4 * n) return false;
  const counts = new Uint32Array(max + 1);
  for (let i = 0; i < n; i++) counts[a[i]]++;
  let k = 0;
  for (let v = 0; v <= max; v++) {
    const c = counts[v];
    if (c) (a.fill(v, k, k + c), (k += c));
  }
  return true;
}

/** Throws unless `x` is ascending and NaN-free (cheap O(n) guard for the *FromSorted entry points). */
export function assertSorted(x: Float64Array, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i]) throw new RangeError(`${name}: missing value (NaN) at index ${i}; drop missing values first`);
    if (i > 0 && x[i] < x[i - 1]) throw new RangeError(`${name}: not sorted ascending at index ${i}`);
  }
}

/** numpy `_lerp`: a + (b-a)*t, computed from the nearer end so t = 1 gives b exactly. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * numpy.quantile(sorted, p) with the default method="linear" (type 7) on an ascending, NaN-free
 * array of length >= 1: virtual index (n-1)*p, gamma = its fractional part.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const v = (n - 1) * p;
  if (v >= n - 1) return sorted[n - 1];
  if (v < 0) return sorted[0];
  const lo = Math.floor(v);
  return lerp(sorted[lo], sorted[lo + 1], v - lo);
}

/** quantileSorted for a sorted sample of n values given by rank (`at(r)`, r = 0..n-1). */
export function quantileAt(n: number, at: (rank: number) => number, p: number): number {
  if (n === 0) return Number.NaN;
  const v = (n - 1) * p;
  if (v >= n - 1) return at(n - 1);
  if (v < 0) return at(0);
  const lo = Math.floor(v);
  return lerp(at(lo), at(lo + 1), v - lo);
}

/** numpy.median of an ascending, NaN-free array: the middle value, or the mean of the middle two. */
export function medianSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/**
 * numpy.median of the non-missing values of `x` — the same number, bit for bit, as
 * `medianSorted(sortedNonMissing(x))` (−0 included) — without sorting: count columns go through
 * the counting sort (O(n + max)), any other column through a radix selection — one pass counts
 * the values by the top 16 bits of their order-preserving key, which names the bucket(s) holding
 * the middle rank(s); a second copies only those buckets' values out, and a selection among them
 * finds the middle (on 784,000 rows a few percent of them: ~2.5× faster than selecting on a copy
 * of the column). What training needs before the fit, while the full profiles (which sort every
 * column) are built elsewhere.
 */
export function medianNonMissing(x: Float64Array, buffers: SortBuffers = {}): number {
  const counted = countedMedian(x);
  if (counted !== undefined) return counted;
  if (!LITTLE_ENDIAN || x.byteOffset % 8 !== 0) return selectedMedian(x, buffers);
  const words = new Uint32Array(x.buffer, x.byteOffset, 2 * x.length);
  const counts = new Uint32Array(1 << 16);
  const n = keyCounts(x, words, counts);
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  // Ranks [first, h] are wanted: h alone when n is odd, h − 1 and h when even.
  const first = n % 2 === 1 ? h : h - 1;
  let below = 0;
  let lo = 0;
  while (below + counts[lo] <= first) below += counts[lo++];
  let hiKey = lo;
  let upTo = below + counts[lo];
  while (upTo <= h) upTo += counts[++hiKey];
  const m = upTo - below;
  const a = buffers.out && buffers.out.length >= m ? buffers.out.subarray(0, m) : new Float64Array(m);
  gatherKeys(x, words, lo, hiKey, a);
  return middleOf(a, first - below, h - below);
}

const LITTLE_ENDIAN = new Uint8Array(Float64Array.of(-0).buffer)[7] === 0x80;

/** The top 16 bits of a double's order-preserving key (negatives flipped, positives' sign bit set): −0 before +0. */
const key16 = (hiWord: number): number => (hiWord >>> 31 ? ~hiWord >>> 16 : (hiWord >>> 16) | 0x8000);

/** Counts of x's non-missing values by key16 into `counts`; returns how many there are. */
function keyCounts(x: Float64Array, words: Uint32Array, counts: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i]) continue;
    n++;
    counts[key16(words[2 * i + 1])]++;
  }
  return n;
}

/** x's values whose key16 is in [lo, hi], in row order, into `a` (sized to hold them exactly). */
function gatherKeys(x: Float64Array, words: Uint32Array, lo: number, hi: number, a: Float64Array): void {
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i]) continue;
    const key = key16(words[2 * i + 1]);
    if (key >= lo && key <= hi) a[k++] = x[i];
  }
}

/** The value of rank `first` (when first === last) or the mean of ranks first and last = first + 1, among a's values. */
function middleOf(a: Float64Array, first: number, last: number): number {
  if (first === last) return signedAt(a, last, select(a, last));
  const hi = select(a, last); // a[0..last) <= hi now: the rank `first` value is their maximum
  let lo = a[0];
  for (let i = 1; i < last; i++) if (a[i] > lo) lo = a[i];
  return (signedAt(a, first, lo) + signedAt(a, last, hi)) / 2;
}

/** medianNonMissing by a selection on a copy of the whole column (a big-endian machine, or an unaligned array). */
function selectedMedian(x: Float64Array, buffers: SortBuffers): number {
  const n = countNonMissing(x);
  if (n === 0) return Number.NaN;
  const a = buffers.out && buffers.out.length >= n ? buffers.out.subarray(0, n) : new Float64Array(n);
  if (n === x.length) a.set(x);
  else {
    let k = 0;
    for (let i = 0; i < x.length; i++) if (x[i] === x[i]) a[k++] = x[i];
  }
  const h = n >> 1;
  return middleOf(a, n % 2 === 1 ? h : h - 1, h);
}

/**
 * The median of a count column (where `countingSort` applies: the same conditions) from a histogram
 * of its values, without the sorted copy; undefined for any other column. The counting sort writes
 * −0 as 0, and so is it counted here.
 */
function countedMedian(x: Float64Array): number | undefined {
  let n = 0;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    if (!(v >= 0 && (v | 0) === v)) return undefined;
    n++;
    if (v > max) max = v;
  }
  if (n < 1024 || max > 4 * n) return undefined;
  const counts = new Uint32Array(max + 1);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v === v) counts[v]++;
  }
  const h = n >> 1;
  // The values at ranks h − 1 and h of the sorted column.
  let below = 0;
  let v = 0;
  while (below + counts[v] <= h - 1) below += counts[v++];
  const lower = v;
  while (below + counts[v] <= h) below += counts[v++];
  return n % 2 === 1 ? v : (lower + v) / 2;
}

/** a[k] after ordering `a` so that a[i] <= a[k] <= a[j] for i < k < j (Hoare partitions, median-of-3 pivots); returns it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot.
    let x = a[lo];
    let y = a[mid];
    let z = a[hi];
    if (x > y) [x, y] = [y, x];
    if (y > z) y = z;
    if (x > y) y = x;
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: a[k] equals the pivot
  }
  return a[k];
}

/**
 * The value of rank `r` as the sorted column holds it: a selection compares −0 and +0 as equal and
 * may return either, where the sort puts every −0 before every +0. Only a zero needs the check.
 */
function signedAt(a: Float64Array, r: number, v: number): number {
  if (v !== 0) return v;
  let below = 0;
  let negZeros = 0;
  for (let i = 0; i < a.length; i++) {
    const w = a[i];
    if (w < 0) below++;
    else if (w === 0 && 1 / w < 0) negZeros++;
  }
  return r < below + negZeros ? -0 : 0;
}

/** Neumaier-compensated sum of x[from..to). */
export function compensatedSum(x: Float64Array, from = 0, to = x.length): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

/** Streaming Neumaier accumulator (for sums whose terms are computed on the fly). */
export class Accumulator {
  private s = 0;
  private c = 0;
  add(v: number): void {
    const t = this.s + v;
    this.c += Math.abs(this.s) >= Math.abs(v) ? this.s - t + v : v - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}
