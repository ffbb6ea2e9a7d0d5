import type { Levels } from '../levels.js';

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Dictionaries up to this many texts are matched through the first-byte chains; larger ones by hash (chains would grow long). */
const CHAINED_MAX = 64;

/**
 * A category column's dictionary looked up by a cell's raw UTF-8 bytes (for the CSV fast path,
 * fast-row-any.ts): no string is made for a text already known. It only finds; new texts are
 * added to the Levels by the general path (which reads the row whenever this misses) and picked
 * up by `sync`, so the dictionary is the same whichever path read a row.
 *
 * `match` takes the cells a scan to the field's end (no quote on the way) followed by a lookup of
 * its bytes takes, when nothing there would be trimmed (mayNeedTrim). A small dictionary's texts
 * are chained by their first byte, and a cell is compared with the few texts that start with its
 * first byte, each followed by a field's end: no pass over the cell to find its end and hash it
 * first. Only the texts such a scan can find are chained — none holding a comma, quote or line
 * break, none trimmable — so the same cells are taken. A larger dictionary is scanned and looked
 * up in a hash table.
 */
export class ByteLookup {
  private slots = new Int32Array(64); // code + 1; 0 = empty
  private keys = new Int32Array(64);
  /** Per first byte, the first and last chained codes + 1 (0: none). */
  private readonly heads = new Int32Array(256);
  private readonly tails = new Int32Array(256);
  /** Per code, the next chained code with the same first byte + 1 (0: none). */
  private chain = new Int32Array(16);
  private bytes: Buffer[] = [];

  constructor(private readonly levels: Levels) {
    this.sync();
  }

  /** Take in the texts added to the Levels since the last call. */
  sync(): void {
    const texts = this.levels.texts;
    for (let c = this.bytes.length; c < texts.length; c++) {
      const b = Buffer.from(texts[c], 'utf8');
      this.bytes.push(b);
      if (this.bytes.length * 2 > this.slots.length) this.grow();
      this.insert(c, bytesHash(b, 0, b.length));
      if (c >= this.chain.length) {
        const longer = new Int32Array(this.chain.length * 2);
        longer.set(this.chain);
        this.chain = longer;
      }
      if (b.length === 0 || b.includes(COMMA) || b.includes(QUOTE) || b.includes(LF) || b.includes(CR) || mayNeedTrim(b, 0, b.length)) continue;
      // At the end of its first byte's chain: earlier codes are tried first.
      const f = b[0];
      if (this.tails[f] === 0) this.heads[f] = c + 1;
      else this.chain[this.tails[f] - 1] = c + 1;
      this.tails[f] = c + 1;
    }
  }

  /** The row-hash text hash (Levels.hashes) of code `code`'s text. */
  textHash(code: number): number {
    return this.levels.hashes[code];
  }

  /** Bytes of code `code`'s text (the cell `match` found is that long). */
  byteLength(code: number): number {
    return this.bytes[code].length;
  }

  /**
   * The code of the cell starting at data[s] (not a comma or line break: the cell is not empty)
   * when its bytes up to the first comma or line break before `len` are a text of the dictionary,
   * with no quote and nothing trim would remove; else -1 (the general path decides).
   */
  match(data: Uint8Array, s: number, len: number): number {
    if (this.bytes.length > CHAINED_MAX) return this.scan(data, s, len);
    for (let at = this.heads[data[s]]; at !== 0; at = this.chain[at - 1]) {
      const b = this.bytes[at - 1];
      const e = s + b.length;
      if (e >= len) continue;
      const t = data[e];
      if (t !== COMMA && t !== LF && t !== CR) continue;
      let k = 1;
      while (k < b.length && b[k] === data[s + k]) k++;
      if (k === b.length) return at - 1;
    }
    return -1;
  }

  /** match for a large dictionary: the cell scanned to its end and hashed, then looked up. */
  private scan(data: Uint8Array, s: number, len: number): number {
    let h = FNV_OFFSET;
    let p = s;
    while (p < len) {
      const ch = data[p];
      if (ch === COMMA || ch === LF || ch === CR) break;
      if (ch === QUOTE) return -1;
      h = Math.imul(h ^ ch, FNV_PRIME);
      p++;
    }
    if (p >= len || mayNeedTrim(data, s, p)) return -1;
    return this.find(data, s, p, h);
  }

  /** The code of the text whose bytes are data[s, e) with hash `h` (bytesHash), or -1. */
  private find(data: Uint8Array, s: number, e: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i];
      if (slot === 0) return -1;
      if (this.keys[i] !== h) continue;
      const b = this.bytes[slot - 1];
      if (b.length !== e - s) continue;
      let k = 0;
      while (k < b.length && b[k] === data[s + k]) k++;
      if (k === b.length) return slot - 1;
    }
  }

  private insert(code: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = code + 1;
    this.keys[i] = h;
  }

  private grow(): void {
    const old = this.slots;
    const oldKeys = this.keys;
    this.slots = new Int32Array(old.length * 2);
    this.keys = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.insert(old[i] - 1, oldKeys[i]);
  }
}

/** FNV-1a over bytes, the hash the large-dictionary lookup takes. */
export function bytesHash(data: Uint8Array, s: number, e: number): number {
  let h = FNV_OFFSET;
  for (let i = s; i < e; i++) h = Math.imul(h ^ data[i], FNV_PRIME);
  return h;
}

/**
 * Whether the cell's bytes may begin or end with white space String.prototype.trim removes (the
 * general path trims a category; the fast path takes only cells it would leave as they are). ASCII
 * white space and control bytes at either end, or a lead byte of a Unicode space (U+00A0, U+1680,
 * U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000, U+FEFF: C2, E1, E2, E3, EF) at the start or
 * among the last three bytes: conservative — a cell it flags merely goes the general way.
 */
export function mayNeedTrim(data: Uint8Array, s: number, e: number): boolean {
  const a = data[s];
  if (a <= 0x20 || a === 0xc2 || a === 0xe1 || a === 0xe2 || a === 0xe3 || a === 0xef) return true;
  const z = data[e - 1];
  if (z <= 0x20) return true;
  if (z < 0x80) return false;
  for (let i = Math.max(s, e - 3); i < e; i++) {
    const b = data[i];
    if (b === 0xc2 || b === 0xe1 || b === 0xe2 || b === 0xe3 || b === 0xef) return true;
  }
  return false;
}
