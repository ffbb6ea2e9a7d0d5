import { levelsOf, type Dataset } from './dataset.js';
import type { SegmentFile, StoredRow } from './dataset-bin.js';
import { markDuplicates } from './find-duplicates.js';

export { hashRows } from './row-hash.js';

/**
 * Duplicates among rows being appended to a dataset that is already free of duplicates: marks
 * each added row that equals a stored row or an earlier added row (the same rule as
 * findDuplicates over stored + added, first occurrence kept — and a stored row always comes
 * first). The stored rows are read as their segment files' row hashes, streamed, so they are
 * never loaded or hashed again: an ingest of 1,000 new rows on a 1,000,000-row dataset scans 1M
 * stored integers against a small table. Equal hashes are confirmed by reading the stored row
 * and comparing, so a collision never drops a row. `addedHashes` are the added rows' hashRow
 * values (read, never written).
 */
export function findNewDuplicates(stored: SegmentFile[], added: Dataset, addedHashes: Uint32Array): Uint8Array {
  const mask = markDuplicates(added, addedHashes);
  const n = added.rows;
  if (n === 0) return mask;

  // Open addressing on the added rows' hashes; rows sharing a hash are chained through `next`.
  let size = 16;
  while (size < 2 * n) size <<= 1;
  const slotMask = size - 1;
  const keys = new Uint32Array(size);
  const head = new Int32Array(size).fill(-1);
  const next = new Int32Array(n).fill(-1);
  // A one-bit-per-value filter in front of the table: most stored hashes fail one bit test, and
  // only the rest (~n/2^FILTER_BITS of them) probe the table.
  const filterBits = Math.min(24, Math.max(16, 32 - Math.clz32(n) + 6));
  const filter = new Uint32Array(1 << (filterBits - 5));
  const filterMask = (1 << filterBits) - 1;
  for (let a = 0; a < n; a++) {
    if (mask[a]) continue; // already a duplicate of an earlier added row
    const h = addedHashes[a];
    filter[(h & filterMask) >>> 5] |= 1 << (h & 31);
    let s = mix(h) & slotMask;
    while (head[s] !== -1 && keys[s] !== h) s = (s + 1) & slotMask;
    if (head[s] === -1) keys[s] = h;
    else next[a] = head[s];
    head[s] = a;
  }

  for (const seg of stored) {
    seg.scanHashes((slice, first) => {
      for (let k = 0; k < slice.length; k++) {
        const h = slice[k];
        if ((filter[(h & filterMask) >>> 5] & (1 << (h & 31))) === 0) continue;
        let s = mix(h) & slotMask;
        while (head[s] !== -1 && keys[s] !== h) s = (s + 1) & slotMask;
        if (head[s] === -1) continue;
        let row: StoredRow | undefined;
        for (let a = head[s]; a !== -1; a = next[a]) {
          if (mask[a]) continue;
          row ??= seg.readRow(first + k);
          if (sameAsStored(row, seg, added, a)) mask[a] = 1;
        }
      }
    });
  }
  return mask;
}

/** The row hash is already mixed; this only keeps nearby hashes from sharing slot runs. */
function mix(h: number): number {
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
}

/** The stored row equals added row j; category cells are compared by text (each side has its own dictionary). */
function sameAsStored(row: StoredRow, seg: SegmentFile, b: Dataset, j: number): boolean {
  if (row.y !== b.y[j]) return false;
  for (let f = 0; f < b.x.length; f++) {
    const u = row.x[f];
    const v = b.x[f][j];
    const stored = seg.levelsOf(f);
    const mine = levelsOf(b, f);
    if (stored && mine && u === u && v === v) {
      if (stored[u] !== mine[v]) return false;
    } else if (u !== v && !(u !== u && v !== v)) return false;
  }
  const n = row.id.length;
  if (n !== b.ids.lens[j]) return false;
  const bb = b.ids.bytes;
  const sb = b.ids.starts[j];
  for (let k = 0; k < n; k++) if (row.id[k] !== bb[sb + k]) return false;
  return true;
}
