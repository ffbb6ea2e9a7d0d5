import { Random } from '../../util/random.js';

/** The bin of a missing value (and of a category the training rows never had), for every feature. */
export const MISSING_BIN = 255;
/** Histogram slots per feature: up to 255 value bins and the missing bin. */
export const BINS_PER_FEATURE = 256;
/** sklearn's _BinMapper subsample: thresholds come from at most this many rows. */
export const BINNING_SUBSAMPLE = 200_000;

/** How one feature's values map to bins. */
export interface FeatureBins {
  categorical: boolean;
  /** Numeric: bin b holds values in (thresholds[b−1], thresholds[b]]; the last bin everything above. */
  thresholds: Float64Array;
  /** Value bins in use: numeric thresholds.length + 1; categorical the largest code seen + 1. */
  count: number;
  /** Categorical: seen[c] = 1 when the training rows had code c. */
  seen: Uint8Array | null;
}

/**
 * numpy's percentile(a, q, method="midpoint") of a sorted array, with the same floating-point
 * steps (q/100·(n−1) as the virtual index; b − (b−a)·0.5 between neighbours) so that thresholds
 * agree with scikit-learn's bit for bit.
 */
function midpointPercentile(sorted: Float64Array, q: number): number {
  const v = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(v);
  if (v === lo) return sorted[lo];
  const a = sorted[lo];
  const b = sorted[lo + 1];
  return finiteMidpoint(a, b, b - (b - a) * 0.5);
}

/**
 * The midpoint as computed (`m`), unless the sum or difference overflowed (neighbours beyond
 * ±9e307): then a/2 + b/2, which is the same double wherever the first form is finite. An
 * infinite threshold would be written to JSON as null and the model document would not load.
 */
function finiteMidpoint(a: number, b: number, m: number): number {
  return Number.isFinite(m) ? m : a * 0.5 + b * 0.5;
}

/**
 * Thresholds of a numeric feature from its non-missing training values, as scikit-learn's
 * _find_binning_thresholds: up to maxBins distinct values get one bin each (thresholds at the
 * midpoints between neighbours); more, and the thresholds are the midpoint-method percentiles at
 * 100·i/maxBins. Repeated thresholds (ties across percentiles) are dropped: an empty bin can never
 * give a split of its own.
 */
export function numericThresholds(values: Float64Array, maxBins: number): Float64Array {
  const few = distinctUpTo(values, maxBins);
  if (few) {
    // Midpoints between neighbours, as below from the deduplicated sort; a −0 that the sort would
    // have kept is +0 here, and gives the same sums.
    const sorted = Float64Array.from(few).sort();
    const mids = new Float64Array(Math.max(0, sorted.length - 1));
    for (let i = 0; i + 1 < sorted.length; i++) mids[i] = finiteMidpoint(sorted[i], sorted[i + 1], (sorted[i] + sorted[i + 1]) * 0.5);
    return mids;
  }
  const selected = percentilesBySelection(values, maxBins);
  if (selected) return selected;
  // Sorted once: `all` keeps the ties (percentiles are taken over all values), `sorted` is
  // deduplicated in place.
  const all = values.slice().sort();
  // Distinct values counted up to maxBins + 1; the deduplicated copy is only needed below that.
  let distinct = 0;
  for (let i = 0; i < all.length && distinct <= maxBins; i++) if (i === 0 || all[i] !== all[i - 1]) distinct++;
  const out: number[] = [];
  if (distinct <= maxBins) {
    const sorted = new Float64Array(distinct);
    distinct = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) sorted[distinct++] = all[i];
    for (let i = 0; i + 1 < distinct; i++) out.push(finiteMidpoint(sorted[i], sorted[i + 1], (sorted[i] + sorted[i + 1]) * 0.5));
  } else {
    const step = 100 / maxBins; // numpy's linspace(0, 100, maxBins + 1): i·step
    for (let i = 1; i < maxBins; i++) {
      const t = midpointPercentile(all, i * step);
      if (out.length === 0 || t !== out[out.length - 1]) out.push(t);
    }
  }
  return Float64Array.from(out);
}

/** The distinct numbers of values when there are at most `max` (−0 and +0 one, as the sorted dedup counts them), else null. */
function distinctUpTo(values: Float64Array, max: number): Set<number> | null {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    seen.add(values[i]);
    if (seen.size > max) return null;
  }
  return seen;
}

const SELECT_BITS = 16;

/**
 * The percentile thresholds of numericThresholds without sorting all values: the values are
 * counted by the top 16 bits of their order key (the same order as the sort's, −0 before +0),
 * and only the buckets holding a rank the percentiles read are gathered and sorted — the values
 * at those ranks, and so the thresholds, are those of the full sort. Null where the values'
 * words cannot be read in place (then the caller sorts).
 */
function percentilesBySelection(values: Float64Array, maxBins: number): Float64Array | null {
  if (!LITTLE_ENDIAN || values.byteOffset % 8 !== 0) return null;
  const n = values.length;
  const hiWords = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const size = 1 << SELECT_BITS;
  const key = (hi: number) => (hi < 0 ? ~hi : hi | 0x80000000) >>> (32 - SELECT_BITS);
  // start[p]: rank of the first value in bucket p; start[size] = n.
  const start = new Int32Array(size + 1);
  for (let i = 0; i < n; i++) start[key(hiWords[2 * i + 1]) + 1]++;
  for (let p = 0; p < size; p++) start[p + 1] += start[p];
  const bucketOf = (rank: number): number => {
    let lo = 0;
    let hi = size - 1; // the last p with start[p] ≤ rank
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (start[mid] <= rank) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const step = 100 / maxBins;
  const ranks: number[] = [];
  for (let i = 1; i < maxBins; i++) {
    const v = ((i * step) / 100) * (n - 1);
    const lo = Math.floor(v);
    ranks.push(lo);
    if (v !== lo) ranks.push(lo + 1);
  }
  const need = new Uint8Array(size);
  for (const r of ranks) need[bucketOf(r)] = 1;
  const at = new Float64Array(n);
  const pos = start.slice(0, size);
  for (let i = 0; i < n; i++) {
    const p = key(hiWords[2 * i + 1]);
    if (need[p] === 1) at[pos[p]++] = values[i];
  }
  for (let p = 0; p < size; p++) if (need[p] === 1) at.subarray(start[p], start[p + 1]).sort();
  const out: number[] = [];
  for (let i = 1; i < maxBins; i++) {
    const t = midpointPercentile(at, i * step);
    if (out.length === 0 || t !== out[out.length - 1]) out.push(t);
  }
  return Float64Array.from(out);
}

/** The bin of value v for thresholds t: the first b with v ≤ t[b] (sklearn's _map_col_to_bins). */
export function numericBin(v: number, t: Float64Array): number {
  if (v !== v) return MISSING_BIN;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= t[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The bin of a category code: the code itself when training had it, else the missing bin. */
export function categoryBin(v: number, seen: Uint8Array): number {
  if (v !== v || v < 0 || v >= seen.length || (v | 0) !== v || seen[v] === 0) return MISSING_BIN;
  return v;
}

/** Rows the numeric thresholds are computed from: all, or a seeded sample of 200,000 as sklearn does. */
function thresholdRows(rows: Int32Array, seed: number): Int32Array {
  if (rows.length <= BINNING_SUBSAMPLE) return rows;
  const pick = rows.slice();
  const rng = new Random(seed ^ 0x5bd1e995);
  for (let i = 0; i < BINNING_SUBSAMPLE; i++) {
    const j = i + rng.int(pick.length - i);
    const t = pick[i];
    pick[i] = pick[j];
    pick[j] = t;
  }
  // Ascending: the columns are then read in order (the thresholds do not depend on the order).
  return pick.subarray(0, BINNING_SUBSAMPLE).sort();
}

/**
 * Learns each feature's bins from the given training rows. A categorical column must hold integer
 * codes below maxBins; anything else is reported, naming the feature.
 */
export function fitBins(columns: readonly Float64Array[], categorical: readonly boolean[], rows: Int32Array, maxBins: number, seed: number): FeatureBins[] {
  const sample = thresholdRows(rows, seed);
  return columns.map((col, f) => {
    if (categorical[f]) {
      const seen = new Uint8Array(maxBins);
      let count = 0;
      for (let i = 0; i < rows.length; i++) {
        const v = col[rows[i]];
        const c = v | 0;
        if (c === v && c >= 0 && c < maxBins) seen[c] = 1;
        else if (v === v) throw new RangeError(`feature ${f}: category code ${v} is not an integer from 0 to ${maxBins - 1}`);
      }
      for (let c = 0; c < maxBins; c++) if (seen[c] === 1) count = c + 1;
      return { categorical: true, thresholds: new Float64Array(0), count, seen: seen.slice(0, count) };
    }
    const values = new Float64Array(sample.length);
    let m = 0;
    for (let i = 0; i < sample.length; i++) {
      const v = col[sample[i]];
      if (v === v) values[m++] = v;
    }
    const thresholds = numericThresholds(values.subarray(0, m), maxBins);
    return { categorical: false, thresholds, count: m === 0 ? 0 : thresholds.length + 1, seen: null };
  });
}

/**
 * The bin matrix of the given rows, column-major: bins[f·rows.length + i] is row rows[i]'s bin of
 * feature f.
 */
export function binRows(columns: readonly Float64Array[], bins: readonly FeatureBins[], rows: Int32Array, out: Uint8Array = new Uint8Array(rows.length * columns.length)): Uint8Array {
  const n = rows.length;
  columns.forEach((col, f) => {
    const fb = bins[f];
    const dst = out.subarray(f * n, (f + 1) * n);
    if (fb.seen) binCategories(col, fb.seen, rows, dst);
    else binNumbers(col, fb.thresholds, rows, dst);
  });
  return out;
}

/** Whether doubles are stored little-endian (the high word second), as on every platform Node runs on today. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([-0]).buffer)[7] === 0x80;
const PREFIX_BITS = 16;

/** The top PREFIX_BITS of a double's order key (its bits, sign flipped, or all flipped when negative), from its high word. */
function prefixOf(hi: number): number {
  return (hi < 0 ? ~hi : hi | 0x80000000) >>> (32 - PREFIX_BITS);
}

/**
 * numericBin over rows. The bin is the count of thresholds below v; a table indexed by the top
 * bits of v's order key gives the count of thresholds whose key prefix is below v's (all of them
 * below v) and of those whose prefix is not above it (none of the rest is below v), and a binary
 * search between the two — usually zero to two thresholds — settles it with v's own comparisons.
 * Thresholds are keyed as t + 0 so that a −0 threshold is never counted below a +0 value.
 */
function binNumbers(col: Float64Array, t: Float64Array, rows: Int32Array, dst: Uint8Array): void {
  if (!LITTLE_ENDIAN || col.byteOffset % 8 !== 0) {
    for (let i = 0; i < rows.length; i++) dst[i] = numericBin(col[rows[i]], t);
    return;
  }
  const size = 1 << PREFIX_BITS;
  // below[p]: thresholds whose prefix is below p; below[p + 1]: whose prefix is at most p.
  const below = new Uint8Array(size + 1);
  const word = new Uint32Array(new Float64Array(1).buffer);
  const tw = new Float64Array(word.buffer);
  let k = 0;
  for (let p = 0; p <= size; p++) {
    while (k < t.length) {
      tw[0] = t[k] + 0;
      if (prefixOf(word[1] | 0) >= p) break;
      k++;
    }
    below[p] = k;
  }
  const high = new Int32Array(col.buffer, col.byteOffset, col.length * 2);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const v = col[r];
    if (v !== v) {
      dst[i] = MISSING_BIN;
      continue;
    }
    const p = prefixOf(high[2 * r + 1]);
    let lo = below[p];
    let hi = below[p + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= t[mid]) hi = mid;
      else lo = mid + 1;
    }
    dst[i] = lo;
  }
}

/** categoryBin over rows, by a table of the codes 0…seen.length − 1 (the missing bin for unseen ones). */
function binCategories(col: Float64Array, seen: Uint8Array, rows: Int32Array, dst: Uint8Array): void {
  const map = new Uint8Array(seen.length);
  for (let c = 0; c < seen.length; c++) map[c] = seen[c] === 1 ? c : MISSING_BIN;
  const len = seen.length;
  for (let i = 0; i < rows.length; i++) {
    const v = col[rows[i]];
    const c = v | 0;
    // NaN, fractions and codes out of range fail c === v or the bounds; −0 is code 0 as before.
    dst[i] = c === v && c >= 0 && c < len ? map[c] : MISSING_BIN;
  }
}
