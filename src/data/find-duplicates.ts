import type { Dataset } from './dataset.js';
import type { IdColumn } from './id-column.js';
import { hashRows } from './row-hash.js';

export { hashRow, ROW_HASH_VERSION } from './row-hash.js';

/**
 * Exact duplicate rows, pandas' drop_duplicates() on the dataset's columns: two rows are
 * duplicates when id, every feature (missing equals missing, −0 equals 0) and the label are
 * equal. Returns a mask: 1 marks a row equal to an earlier row (the first occurrence is kept).
 */
export function findDuplicates(ds: Dataset): Uint8Array {
  return markDuplicates(ds, hashRows(ds));
}

/**
 * The batch behind findDuplicates, given each row's hashRow value (ingest's builder keeps them as
 * rows are read; tests force collisions through it); `keys` is read, never written. Rather than one hash table probed per row over the whole dataset (a cache miss per
 * row) or a full radix sort (three scatter passes, 16 bytes of fresh memory per row): one stable
 * counting-sort pass splits the row indices into buckets by the hash's top bits,
 * then each bucket, in row order, goes through a small hash table that stays in L1 cache. Rows
 * whose hashes are equal are compared in full, so a collision never drops a row; a bucket's rows
 * are visited in index order, so the first occurrence is the one kept.
 */
export function markDuplicates(ds: Dataset, keys: Uint32Array): Uint8Array {
  const n = ds.rows;
  const mask = new Uint8Array(n);
  if (n < 2) return mask;
  const plan = planDuplicates(keys, n);
  probeBuckets(ds, plan, 0, plan.buckets, mask);
  return mask;
}

/** markDuplicates' buckets, made by its first two passes: bucket b's rows are idx[starts[b]..starts[b + 1]), their hashes in `sorted`. */
export interface DuplicatePlan {
  starts: Uint32Array;
  idx: Uint32Array;
  sorted: Uint32Array;
  buckets: number;
  /** Rows in the largest bucket (sizes probeBuckets' table). */
  largest: number;
}

/**
 * The buckets of markDuplicates for the `n` rows' hashes `keys`, in shared memory when asked (so
 * another thread can probe some of them: each bucket's rows are marked only by that bucket's pass,
 * so buckets probed on two threads give the mask one thread gives).
 */
export function planDuplicates(keys: Uint32Array, n: number, shared = false): DuplicatePlan {
  // Up to 2^11 buckets: the scatter pass writes to one place per bucket, and more places than
  // that thrash the cache and TLB (2^16 buckets made the pass 3× slower). ~500 rows per bucket
  // on 1,000,000 rows; the table then has 1,024 slots (4 KiB each array).
  const bits = Math.min(11, Math.max(0, Math.ceil(Math.log2(n / 64))));
  const buckets = 1 << bits;
  // One small function per pass: run once per process (ingest is a fresh process), a loop in a
  // big function was compiled before the later loops had run, and deoptimised when they did.
  const starts = bucketStarts(keys, n, bits, shared);
  // The hashes are scattered with the row indices: the probe pass then reads both in order,
  // where reading keys[row] jumped across the whole array (a cache miss per row, twice).
  const idx = shared ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n);
  const sorted = shared ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n);
  scatter(keys, n, bits, starts, idx, sorted);
  let largest = 0;
  for (let b = 0; b < buckets; b++) largest = Math.max(largest, starts[b + 1] - starts[b]);
  return { starts, idx, sorted, buckets, largest };
}

/** Where each bucket (the hash's top `bits` bits) starts in the row order scatter makes. */
function bucketStarts(keys: Uint32Array, n: number, bits: number, shared: boolean): Uint32Array {
  const buckets = 1 << bits;
  const starts = shared ? new Uint32Array(new SharedArrayBuffer(4 * (buckets + 1))) : new Uint32Array(buckets + 1);
  if (bits === 0) {
    starts[1] = n;
    return starts;
  }
  const shift = 32 - bits;
  for (let r = 0; r < n; r++) starts[(keys[r] >>> shift) + 1]++;
  for (let b = 0; b < buckets; b++) starts[b + 1] += starts[b];
  return starts;
}

/** Row indices and their hashes grouped by bucket (a stable counting sort: each bucket's rows in row order). */
function scatter(keys: Uint32Array, n: number, bits: number, starts: Uint32Array, idx: Uint32Array, sorted: Uint32Array): void {
  if (bits === 0) {
    for (let r = 0; r < n; r++) idx[r] = r;
    sorted.set(keys.subarray(0, n));
    return;
  }
  const shift = 32 - bits;
  const at = starts.slice(0, 1 << bits);
  for (let r = 0; r < n; r++) {
    const h = keys[r];
    const k = at[h >>> shift]++;
    idx[k] = r;
    sorted[k] = h;
  }
}

/** Buckets [from, to) of `plan` each through a small hash table: a row equal to an earlier one of its bucket is marked. */
export function probeBuckets(ds: Dataset, plan: DuplicatePlan, from: number, to: number, mask: Uint8Array): void {
  const { sorted, idx, starts, largest } = plan;
  // Open addressing, linear probing, load ≤ 1/2; slots hold row + 1 (0 = empty) and are cleared
  // after each bucket by walking the bucket again (cheaper than clearing the table).
  let size = 16;
  while (size < largest * 2) size *= 2;
  const table = new Uint32Array(size);
  // Each slot's hash next to it: reading keys[row] instead would be a cache miss per probe.
  const tableKeys = new Uint32Array(size);
  const slotMask = size - 1;
  for (let b = from; b < to; b++) {
    const s = starts[b];
    const e = starts[b + 1];
    if (e - s < 2) continue;
    for (let k = s; k < e; k++) {
      const r = idx[k];
      const h = sorted[k];
      let slot = h & slotMask;
      for (;;) {
        const o = table[slot];
        if (o === 0) {
          table[slot] = r + 1;
          tableKeys[slot] = h;
          break;
        }
        if (tableKeys[slot] === h && sameRow(ds, o - 1, r)) {
          mask[r] = 1;
          break;
        }
        slot = (slot + 1) & slotMask;
      }
    }
    for (let k = s; k < e; k++) {
      let slot = sorted[k] & slotMask;
      while (table[slot] !== 0) {
        table[slot] = 0;
        slot = (slot + 1) & slotMask;
      }
    }
  }
}

export function sameRow(ds: Dataset, a: number, b: number): boolean {
  if (ds.y[a] !== ds.y[b]) return false;
  for (let f = 0; f < ds.x.length; f++) {
    const u = ds.x[f][a];
    const v = ds.x[f][b];
    if (u !== v && !(u !== u && v !== v)) return false;
  }
  return ds.ids.equals(a, b);
}

/**
 * Drop the masked rows in place (order kept); returns the new row count. Column by column (one
 * stream of memory at a time, not every column's row at once). `missing`, when given, receives
 * each feature's missing (NaN) cells among the rows kept, counted on the way. Features in
 * `elsewhere` are skipped (compactShared compacts them, counts included).
 */
export function compactRows(ds: { rows: number; ids: IdColumn; x: Float64Array[]; y: Uint8Array }, mask: Uint8Array, missing?: Float64Array, elsewhere?: ReadonlySet<number>): number {
  const n = ds.rows;
  const first = firstMasked(mask, n);
  for (let f = 0; f < ds.x.length; f++) {
    if (elsewhere?.has(f)) continue;
    const m = compactColumn(ds.x[f], mask, first, n, missing !== undefined);
    if (missing) missing[f] = m;
  }
  compactBytes(ds.y, mask, first, n);
  compactWords(ds.ids.starts, mask, first, n);
  return compactWords(ds.ids.lens, mask, first, n);
}

/** The first row the mask drops (`n` when none). */
export function firstMasked(mask: Uint8Array, n: number): number {
  let first = 0;
  while (first < n && !mask[first]) first++;
  return first;
}

/**
 * compactRows' step for feature columns in shared memory, on two threads at once: each thread
 * takes the next column not yet taken (`next[0]`, atomically), compacts it and stores its NaNs
 * among the kept rows in `missing`. A column is compacted whole by one thread, so the result is
 * the same whichever thread takes it.
 */
export function compactShared(cols: Float64Array[], mask: Uint8Array, n: number, next: Int32Array, missing: Float64Array): void {
  const first = firstMasked(mask, n);
  for (let i = Atomics.add(next, 0, 1); i < cols.length; i = Atomics.add(next, 0, 1)) missing[i] = compactColumn(cols[i], mask, first, n, true);
}

/** One column compacted from row `first` (the first masked row) on; returns its NaNs among the kept rows when `count`. */
function compactColumn(col: Float64Array, mask: Uint8Array, first: number, n: number, count: boolean): number {
  let nan = 0;
  if (count) for (let r = 0; r < first; r++) if (col[r] !== col[r]) nan++;
  let w = first;
  for (let r = first; r < n; r++) {
    if (mask[r]) continue;
    const v = col[r];
    col[w++] = v;
    if (v !== v) nan++;
  }
  return count ? nan : 0;
}

function compactBytes(col: Uint8Array, mask: Uint8Array, first: number, n: number): number {
  let w = first;
  for (let r = first; r < n; r++) if (!mask[r]) col[w++] = col[r];
  return w;
}

function compactWords(col: Uint32Array, mask: Uint8Array, first: number, n: number): number {
  let w = first;
  for (let r = first; r < n; r++) if (!mask[r]) col[w++] = col[r];
  return w;
}
