import type { Levels } from '../levels.js';

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * A category column's dictionary looked up by a cell's raw UTF-8 bytes (for the CSV fast path,
 * fast-row.ts): no string is made for a text already known. It only finds; new texts are added to
 * the Levels by the general path (which reads the row whenever this misses) and picked up by
 * `sync`, so the dictionary is the same whichever path read a row.
 */
export class ByteLookup {
  private slots = new Int32Array(64); // code + 1; 0 = empty
  private keys = new Int32Array(64);
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
    }
  }

  /** The row-hash text hash (Levels.hashes) of code `code`'s text. */
  textHash(code: number): number {
    return this.levels.hashes[code];
  }

  /** The code of the text whose bytes are data[s, e) with hash `h` (bytesHash), or -1. */
  find(data: Uint8Array, s: number, e: number, h: number): number {
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

/** FNV-1a over bytes, the hash `find` takes (the fast path computes it while scanning the cell). */
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
