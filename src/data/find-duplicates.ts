import type { Dataset } from './dataset.js';
import type { IdColumn } from './id-column.js';

/**
 * Exact duplicate rows, pandas' drop_duplicates() on the dataset's columns: two rows are
 * duplicates when id, every feature (missing equals missing, −0 equals 0) and the label are
 * equal. Returns a mask: 1 marks a row equal to an earlier row (the first occurrence is kept).
 *
 * Done in one batch rather than a hash table probed per row: 32-bit row hashes are radix-sorted
 * together with row indices (three passes of 11 bits, stable — so equal hashes stay in row order),
 * then each run of equal hashes is confirmed by comparing the rows themselves, so a hash
 * collision never drops a row. Sequential passes instead of one random probe per row: ~4× faster
 * on 1,000,000 rows, where the table's cache misses dominated.
 */
export function findDuplicates(ds: Dataset, hashesOut?: Uint32Array): Uint8Array {
  const n = ds.rows;
  const mask = new Uint8Array(n);
  let keys = new Uint32Array(n);
  let idx = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    keys[r] = hashRow(ds, r);
    idx[r] = r;
  }
  // The row hashes are kept with the dataset (finaldata.bin) so that a later ingest can check
  // new rows against it without hashing every existing row again.
  if (hashesOut) hashesOut.set(keys);
  if (n < 2) return mask;
  let keys2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  const counts = new Uint32Array(2048);
  for (const shift of [0, 11, 22]) {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[(keys[k] >>> shift) & 2047]++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const at = counts[(keys[k] >>> shift) & 2047]++;
      keys2[at] = keys[k];
      idx2[at] = idx[k];
    }
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  for (let k = 0; k < n; ) {
    let e = k + 1;
    while (e < n && keys[e] === keys[k]) e++;
    // Within a run, rows are in index order: compare each kept row with the later ones.
    for (let a = k; a < e - 1; a++) {
      const ra = idx[a];
      if (mask[ra]) continue;
      for (let b = a + 1; b < e; b++) {
        const rb = idx[b];
        if (!mask[rb] && sameRow(ds, ra, rb)) mask[rb] = 1;
      }
    }
    k = e;
  }
  return mask;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/**
 * Names the row hash below. Row hashes are stored in finaldata.bin; a file whose hashes were made
 * by another version of hashRow is not trusted for dedup (its hashes are recomputed).
 */
export const ROW_HASH_VERSION = 'fnv1a-murmur3fin-v1';

/** 32-bit hash of a row's id, features and label; equal rows (as sameRow) hash equal. */
export function hashRow(ds: Dataset, r: number): number {
  let h = ds.ids.hash(r, 0x811c9dc5 | 0);
  const x = ds.x;
  for (let f = 0; f < x.length; f++) {
    const v = x[f][r];
    if (v !== v) {
      h = Math.imul(h ^ 0x7ff80000, 0x01000193);
    } else if ((v | 0) === v) {
      h = Math.imul(h ^ v, 0x01000193); // int32 values (counts): no float bits needed; 0 and −0 agree
      h = Math.imul(h ^ 0x5bd1e995, 0x01000193);
    } else {
      bits[0] = v;
      h = Math.imul(h ^ words[0], 0x01000193);
      h = Math.imul(h ^ words[1], 0x01000193);
    }
  }
  h = Math.imul(h ^ ds.y[r], 0x01000193);
  // murmur3 finaliser: spreads every input bit over the radix digits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
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

/** Drop the masked rows in place (order kept); returns the new row count. */
export function compactRows(ds: { rows: number; ids: IdColumn; x: Float64Array[]; y: Uint8Array }, mask: Uint8Array): number {
  let w = 0;
  for (let r = 0; r < ds.rows; r++) {
    if (mask[r]) continue;
    if (w !== r) {
      for (let f = 0; f < ds.x.length; f++) ds.x[f][w] = ds.x[f][r];
      ds.y[w] = ds.y[r];
      ds.ids.move(r, w);
    }
    w++;
  }
  return w;
}
