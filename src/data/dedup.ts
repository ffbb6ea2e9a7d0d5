import type { DatasetBuilder } from './dataset.js';

/**
 * Exact duplicate detection over a growing dataset: two rows are duplicates when id, every
 * feature (missing equals missing) and the label are equal — pandas' drop_duplicates() on the
 * dataset's columns. An open-addressing table of row indices keyed by a 32-bit hash; every hash
 * hit is confirmed by comparing the rows themselves, so collisions never drop a row.
 *
 * After `builder.truncate`, table slots pointing at or past `builder.rows` are skipped; if such a
 * row index is reused later the slot compares real content, so lookups stay exact.
 */
export class DuplicateIndex {
  private slots: Int32Array;
  private mask: number;
  private used = 0;
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);

  constructor(
    private readonly b: DatasetBuilder,
    expectedRows = 1024,
  ) {
    let cap = 1024;
    while (cap < expectedRows * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private hashRow(r: number): number {
    let h = 0x811c9dc5 | 0;
    const id = this.b.ids[r];
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ id.length, 0x01000193);
    const x = this.b.x;
    for (let f = 0; f < x.length; f++) {
      const v = x[f][r];
      if (v !== v) {
        h = Math.imul(h ^ 0x7ff80000, 0x01000193);
      } else {
        this.bits[0] = v === 0 ? 0 : v; // -0 equals 0
        h = Math.imul(h ^ this.words[0], 0x01000193);
        h = Math.imul(h ^ this.words[1], 0x01000193);
      }
    }
    h = Math.imul(h ^ this.b.y[r], 0x01000193);
    // Final avalanche (murmur3 fmix) so low bits are well spread for the mask.
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
  }

  private sameRow(a: number, c: number): boolean {
    const b = this.b;
    if (b.y[a] !== b.y[c]) return false;
    for (let f = 0; f < b.x.length; f++) {
      const u = b.x[f][a];
      const v = b.x[f][c];
      if (u !== v && !(u !== u && v !== v)) return false;
    }
    return b.ids[a] === b.ids[c];
  }

  /**
   * Row `r` (already written into the builder, not yet committed) — is it a duplicate of an
   * earlier row? If not, remember it and return -1; otherwise return the earlier row's index.
   */
  addOrFind(r: number): number {
    const h = this.hashRow(r);
    let i = h & this.mask;
    let free = -1;
    for (;;) {
      const s = this.slots[i];
      if (s === -1) break;
      if (s >= r) {
        if (free < 0) free = i; // stale slot from a truncated file
      } else if (this.sameRow(s, r)) {
        return s;
      }
      i = (i + 1) & this.mask;
    }
    if (free >= 0) {
      this.slots[free] = r;
    } else {
      this.slots[i] = r;
      this.used++;
      if (this.used * 2 > this.slots.length) this.rehash();
    }
    return -1;
  }

  private rehash(): void {
    const old = this.slots;
    const cap = old.length * 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.used = 0;
    const live = this.b.rows + 1; // include the row being added
    for (let k = 0; k < old.length; k++) {
      const r = old[k];
      if (r < 0 || r >= live) continue;
      let i = this.hashRow(r) & this.mask;
      while (this.slots[i] !== -1) i = (i + 1) & this.mask;
      this.slots[i] = r;
      this.used++;
    }
  }
}
