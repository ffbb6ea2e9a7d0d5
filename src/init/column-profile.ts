import { parseNumber } from '../data/csv/cells.js';

/**
 * What one pass over a column tells `init`: how many cells are filled, how many distinct values
 * (counted per value up to EXACT_DISTINCT, then as hashes, estimated beyond 200,000), whether the cells read as numbers, whole counts,
 * digit codes, dates, or text with words. Every row is counted, not a sample.
 */
export const EXACT_DISTINCT = 1000;

const DIGITS = /^\d+$/;
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?\\s*(?:[ap]\\.?m\\.?)?';
const ZONE = '(?:z|utc|gmt|[+-]\\d{2}:?\\d{2})?';
const DAY = `(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{4}[-/](?:0?[1-9]|1[0-2])|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|\\d{1,2}[ -]${MONTH}[ -]\\d{2,4}|${MONTH} \\d{1,2},? \\d{4})`;
/** A date, a year and month (2025-03), a date and time (ISO 8601 or the usual spreadsheet forms), or a time of day. */
const DATE_TIME = new RegExp(`^(?:${DAY}(?:[ T]${CLOCK}\\s*${ZONE})?|${CLOCK})$`, 'i');

export class ColumnProfile {
  /** Filled cells (not empty, not only spaces). */
  filled = 0;
  blank = 0;
  /** Filled cells that read as a finite decimal number. */
  numbers = 0;
  /** Filled cells of digits only (a count, or a code such as a postal code). */
  digitsOnly = 0;
  /** Digit cells of two or more digits starting with 0 ("01234"): a code, not a quantity. */
  leadingZero = 0;
  /** The lengths digit cells come in, up to four different ones. */
  digitLengths = new Set<number>();
  dateLike = 0;
  /** Filled cells holding a space inside them (words). */
  withSpace = 0;
  words = 0;
  /** A few cells that do not read as numbers, for messages. */
  textExamples: string[] = [];
  /** The first filled value, for messages. */
  example = '';
  /** Exact counts per value until the column has more than EXACT_DISTINCT values, then null. */
  counts: Map<string, number> | null = new Map();
  private sketch: DistinctSketch | null = null;

  constructor(readonly name: string) {}

  add(raw: string): void {
    const v = raw.trim();
    if (v === '') {
      this.blank++;
      return;
    }
    if (this.filled++ === 0) this.example = v;
    const num = parseNumber(v);
    if (num === num) {
      this.numbers++;
      if (DIGITS.test(v)) {
        this.digitsOnly++;
        if (v.length > 1 && v.charCodeAt(0) === 48) this.leadingZero++;
        if (this.digitLengths.size < 4) this.digitLengths.add(v.length);
      }
    } else if (this.textExamples.length < 3 && !this.textExamples.includes(v)) this.textExamples.push(v);
    // Dates are tested until the column has shown it is not one (most columns, after a few cells).
    if (this.dateLike * 9 >= this.filled - 100 && DATE_TIME.test(v)) this.dateLike++;
    if (v.includes(' ')) {
      this.withSpace++;
      this.words += v.split(/\s+/).length;
    } else this.words++;
    if (this.counts) {
      this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
      if (this.counts.size > EXACT_DISTINCT) {
        this.sketch = new DistinctSketch();
        for (const k of this.counts.keys()) this.sketch.add(k);
        this.counts = null;
      }
    } else this.sketch!.add(v);
  }

  /** Distinct filled values: exact up to 200,000, else an estimate (about ±1.6%, never above the filled cells). */
  get distinct(): number {
    return this.counts ? this.counts.size : Math.min(this.filled, this.sketch!.estimate());
  }

  /** The distinct count for messages: "about 2,000" when estimated. */
  get distinctText(): string {
    const d = this.distinct.toLocaleString('en-US');
    return this.counts || this.sketch!.isExact ? d : `about ${d}`;
  }

  /** Distinct values per filled cell (1: every value different). */
  get distinctShare(): number {
    return this.filled ? Math.min(1, this.distinct / this.filled) : 0;
  }

  get allNumbers(): boolean {
    return this.filled > 0 && this.numbers === this.filled;
  }

  /** Values by count, most frequent first (exact counts only). */
  top(n: number): Array<[string, number]> {
    if (!this.counts) return [];
    return [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
  }
}

/**
 * Distinct values of a column with many (ids, free text) without holding the strings: their
 * hashes, counted exactly (32-bit, in an open-addressing table) up to EXACT_HASHES of them — a
 * collision among 200,000 values is expected a handful of times, 0.005% of the count — then
 * K minimum values — the K smallest 53-bit hashes — whose estimate's relative error is about
 * 1/sqrt(K) ≈ 1.6% with K = 4096: enough to tell "nearly unique" from "a few hundred values".
 */
const EXACT_HASHES = 200_000;

class DistinctSketch {
  private static readonly K = 4096;
  /** Open addressing, 0 = empty slot; null once past EXACT_HASHES. */
  private table: Uint32Array | null = new Uint32Array(1 << 12);
  private size = 0;
  /** Max-heap of the smallest hashes seen (each once), and the same as a set. */
  private heap: number[] = [];
  private held = new Set<number>();

  get isExact(): boolean {
    return this.table !== null;
  }

  add(v: string): void {
    const h = hash53(v);
    if (this.table) this.addExact(h % 4294967295 + 1);
    const heap = this.heap;
    if (heap.length === DistinctSketch.K) {
      if (h >= heap[0] || this.held.has(h)) return;
      this.held.delete(heap[0]);
      heap[0] = h;
      this.held.add(h);
      siftDown(heap, 0);
    } else if (!this.held.has(h)) {
      heap.push(h);
      this.held.add(h);
      siftUp(heap, heap.length - 1);
    }
  }

  private addExact(k: number): void {
    let t = this.table!;
    const mask = t.length - 1;
    let i = Math.imul(k, 0x9e3779b1) >>> 0 & mask;
    while (t[i] !== 0) {
      if (t[i] === k) return;
      i = (i + 1) & mask;
    }
    t[i] = k;
    if (++this.size > EXACT_HASHES) {
      this.table = null;
      return;
    }
    if (this.size * 2 > t.length) {
      // Grow at half full: probes stay short.
      const old = t;
      t = this.table = new Uint32Array(old.length * 2);
      const m = t.length - 1;
      for (const x of old) {
        if (x === 0) continue;
        let j = Math.imul(x, 0x9e3779b1) >>> 0 & m;
        while (t[j] !== 0) j = (j + 1) & m;
        t[j] = x;
      }
    }
  }

  estimate(): number {
    if (this.table) return this.size;
    return Math.round((DistinctSketch.K - 1) / (this.heap[0] / 2 ** 53));
  }
}

function siftUp(h: number[], i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p] >= h[i]) return;
    [h[p], h[i]] = [h[i], h[p]];
    i = p;
  }
}

function siftDown(h: number[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && h[l] > h[m]) m = l;
    if (r < h.length && h[r] > h[m]) m = r;
    if (m === i) return;
    [h[m], h[i]] = [h[i], h[m]];
    i = m;
  }
}

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
