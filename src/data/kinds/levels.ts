/**
 * A category column's dictionary: code (0..k-1, in order of first appearance) ↔ text. The column
 * itself holds codes (Dataset.x[j]); `texts` is what Dataset.levels[j] shows. Each text's hash is
 * kept by code so the row hash (row-hash.ts) mixes in the text, not the code: two datasets with
 * different dictionaries give equal rows equal hashes, which dedup against stored rows needs.
 */
export class Levels {
  readonly texts: string[] = [];
  /** textHash of each code's text. */
  hashes = new Int32Array(16);
  private readonly codes = new Map<string, number>();

  static of(texts: readonly string[]): Levels {
    const l = new Levels();
    for (const t of texts) l.code(t);
    return l;
  }

  get size(): number {
    return this.texts.length;
  }

  /** The code of `text`, added at the end when new. */
  code(text: string): number {
    let c = this.codes.get(text);
    if (c === undefined) {
      c = this.texts.length;
      this.texts.push(text);
      this.codes.set(text, c);
      if (c === this.hashes.length) {
        const h = new Int32Array(c * 2);
        h.set(this.hashes);
        this.hashes = h;
      }
      this.hashes[c] = textHash(text);
    }
    return c;
  }

  /** The code of `text`, or -1 when it is not in the dictionary (nothing added). */
  find(text: string): number {
    return this.codes.get(text) ?? -1;
  }
}

/**
 * 32-bit FNV-1a over the text's UTF-16 code units, then a murmur3 finaliser step. Stored row
 * hashes depend on it (ROW_HASH_VERSION): change it only with that version.
 */
export function textHash(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ text.length, 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) | 0;
}

/**
 * A map from one dictionary's codes to another's (adding the texts the target lacks): joining
 * rows read with their own dictionaries (the parse worker's part, a stored segment).
 */
export function recode(from: readonly string[], into: Levels): Int32Array {
  const map = new Int32Array(from.length);
  for (let c = 0; c < from.length; c++) map[c] = into.code(from[c]);
  return map;
}
