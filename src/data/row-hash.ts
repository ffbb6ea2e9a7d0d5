import type { Dataset } from './dataset.js';
import { textHash } from './kinds/levels.js';

// The row hash dedup uses (find-duplicates.ts) and finaldata.bin stores with each row. Its own
// module so the CSV fast path (fast-row.ts) computes the same value while it parses a row.

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/**
 * Names the row hash below. Row hashes are stored in finaldata.bin; segments whose hashes were
 * made by another version of hashRow are not used for dedup (the dataset is rewritten instead).
 * Change it whenever hashRow's output changes.
 */
export const ROW_HASH_VERSION = 'fnv1a-murmur3fin-v1';

/**
 * Per feature, the text hash of each code of a category column (textHash, kinds/levels.ts), null
 * for a numeric column; null as a whole when no column is a category. A category cell enters the
 * row hash as its text's hash, not its code: rows read with different dictionaries (a stored
 * segment, the parse worker's part) hash equal when their texts are equal.
 */
export type LevelHashes = (Int32Array | null)[] | null;

/** The LevelHashes of a dataset's dictionaries. */
export function levelHashes(ds: Dataset): LevelHashes {
  if (!ds.levels || ds.levels.every((l) => !l)) return null;
  return ds.levels.map((l) => (l ? Int32Array.from(l, textHash) : null));
}

/** 32-bit hash of a row's id, features and label; equal rows (as sameRow) hash equal. */
export function hashRow(ds: Dataset, r: number, lh: LevelHashes = levelHashes(ds)): number {
  return hashRowTail(ds.ids.hash(r, FNV_OFFSET), ds.x, r, ds.y[r], lh);
}

/** Every row's hashRow value. */
export function hashRows(ds: Dataset): Uint32Array {
  const out = new Uint32Array(ds.rows);
  const lh = levelHashes(ds);
  for (let r = 0; r < ds.rows; r++) out[r] = hashRow(ds, r, lh);
  return out;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** hashRow from the id's hash `h` on: the features of row r, the label, the finaliser. */
export function hashRowTail(h: number, x: Float64Array[], r: number, label: number, lh: LevelHashes = null): number {
  for (let f = 0; f < x.length; f++) {
    const v = x[f][r];
    const texts = lh === null ? null : lh[f];
    if (texts !== null && v === v) {
      // A category: its text's hash, tagged so that it never reads as the count of the same bits.
      h = Math.imul(h ^ texts[v], FNV_PRIME);
      h = Math.imul(h ^ 0x27d4eb2f, FNV_PRIME);
    } else if (v !== v) {
      h = Math.imul(h ^ 0x7ff80000, FNV_PRIME);
    } else if ((v | 0) === v) {
      h = Math.imul(h ^ v, FNV_PRIME); // int32 values (counts): no float bits needed; 0 and −0 agree
      h = Math.imul(h ^ 0x5bd1e995, FNV_PRIME);
    } else {
      bits[0] = v;
      h = Math.imul(h ^ words[0], FNV_PRIME);
      h = Math.imul(h ^ words[1], FNV_PRIME);
    }
  }
  return finishRowHash(h, label);
}

/** The last step of hashRow: the label, then the murmur3 finaliser (spreads every input bit over the radix digits). */
export function finishRowHash(h: number, label: number): number {
  h = Math.imul(h ^ label, FNV_PRIME);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
