/**
 * The id column, stored as UTF-8 bytes in one growing buffer with a start and length per row
 * rather than as one JS string per row. Ingest reads ids straight from the CSV bytes, hashes and
 * compares them as bytes, and writes them back as bytes: on 1,000,000 rows that removes a million
 * short-lived strings, whose garbage collection and UTF-8 conversions cost more than the parsing.
 * Strings are made only when asked for (`get`).
 */
export class IdColumn {
  bytes: Buffer;
  starts: Uint32Array;
  lens: Uint32Array;
  length = 0;
  /** End of the used part of `bytes`. */
  end = 0;

  constructor(capacity = 1024, byteCapacity = capacity * 16) {
    this.bytes = Buffer.allocUnsafe(Math.max(64, byteCapacity));
    this.starts = new Uint32Array(Math.max(1, capacity));
    this.lens = new Uint32Array(Math.max(1, capacity));
  }

  static from(ids: string[]): IdColumn {
    const c = new IdColumn(ids.length, ids.reduce((s, v) => s + Buffer.byteLength(v), 0));
    for (const id of ids) c.pushString(id);
    return c;
  }

  /** Wrap a length table and its bytes (the .bin file's id section) without copying strings. */
  static fromLengths(lens: Uint32Array, bytes: Buffer): IdColumn {
    const c = new IdColumn(0, 0);
    c.bytes = bytes;
    c.lens = lens;
    c.starts = new Uint32Array(lens.length);
    let at = 0;
    for (let i = 0; i < lens.length; i++) {
      c.starts[i] = at;
      at += lens[i];
    }
    c.length = lens.length;
    c.end = at;
    return c;
  }

  /** Wrap ready-made arrays (ids read from finaldata.bin): rows' bytes contiguous, in order. */
  static fromParts(starts: Uint32Array, lens: Uint32Array, bytes: Buffer): IdColumn {
    const c = new IdColumn(0, 0);
    c.bytes = bytes;
    c.starts = starts;
    c.lens = lens;
    c.length = lens.length;
    c.end = bytes.length;
    return c;
  }

  /**
   * Go on in the given arrays (shared memory, see DatasetBuilder.share): the rows so far are
   * copied into them; they are this column's capacity from now on (it grows out of them, into
   * memory of its own, like any full column).
   */
  useArrays(starts: Uint32Array, lens: Uint32Array, bytes: Buffer): void {
    starts.set(this.starts.subarray(0, this.length));
    lens.set(this.lens.subarray(0, this.length));
    this.bytes.copy(bytes, 0, 0, this.end);
    this.starts = starts;
    this.lens = lens;
    this.bytes = bytes;
  }

  /** takeShared's ids: these arrays, `length` rows, bytes used up to `end` (the rows' bytes in row order, maybe with a gap). */
  useSharedTail(starts: Uint32Array, lens: Uint32Array, bytes: Buffer, length: number, end: number): void {
    this.starts = starts;
    this.lens = lens;
    this.bytes = bytes;
    this.length = length;
    this.end = end;
  }

  get(i: number): string {
    const s = this.starts[i];
    return this.bytes.utf8Slice(s, s + this.lens[i]);
  }

  toArray(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /**
   * Room for `rows` more ids of `bytes` more bytes in all. Growing copies only the used part; a
   * caller that knows the size (a file: ids are never longer than the file) reserves it once.
   */
  reserve(rows: number, bytes: number): void {
    if (this.length + rows > this.starts.length) this.resizeRows(this.length + rows);
    if (this.end + bytes > this.bytes.length) this.resizeBytes(this.end + bytes);
  }

  private resizeRows(n: number): void {
    const s = new Uint32Array(n);
    s.set(this.starts.subarray(0, this.length));
    const l = new Uint32Array(n);
    l.set(this.lens.subarray(0, this.length));
    this.starts = s;
    this.lens = l;
  }

  private resizeBytes(n: number): void {
    const b = Buffer.allocUnsafe(n);
    this.bytes.copy(b, 0, 0, this.end);
    this.bytes = b;
  }

  private room(rows: number, bytes: number): void {
    if (this.length + rows > this.starts.length) this.resizeRows(Math.max(this.starts.length * 2, this.length + rows));
    if (this.end + bytes > this.bytes.length) this.resizeBytes(Math.max(this.bytes.length * 2, this.end + bytes));
  }

  /** Append the id whose UTF-8 bytes are src[s, e). */
  pushBytes(src: Buffer, s: number, e: number): void {
    const n = e - s;
    this.room(1, n);
    const b = this.bytes;
    const at = this.end;
    if (n < 32) for (let k = 0; k < n; k++) b[at + k] = src[s + k];
    else src.copy(b, at, s, e);
    this.starts[this.length] = at;
    this.lens[this.length] = n;
    this.length++;
    this.end = at + n;
  }

  /** Append `rows` ids packed elsewhere: row i is bytes[starts[i], starts[i] + lens[i]) of bytes[0, end). */
  appendPacked(starts: Uint32Array, lens: Uint32Array, bytes: Uint8Array, end: number, rows: number): void {
    this.room(rows, end);
    const base = this.end;
    this.bytes.set(bytes.subarray(0, end), base);
    const at = this.length;
    for (let i = 0; i < rows; i++) this.starts[at + i] = base + starts[i];
    this.lens.set(lens.subarray(0, rows), at);
    this.length += rows;
    this.end = base + end;
  }

  pushString(id: string): void {
    this.room(1, id.length * 3);
    const n = this.bytes.utf8Write(id, this.end);
    this.starts[this.length] = this.end;
    this.lens[this.length] = n;
    this.length++;
    this.end += n;
  }

  /** Drop rows from `rows` on (a rejected file): their bytes are reclaimed too. */
  truncate(rows: number): void {
    if (rows >= this.length) return;
    this.length = rows;
    this.end = rows === 0 ? 0 : this.starts[rows - 1] + this.lens[rows - 1];
  }

  /**
   * Close the gaps dropped rows left in `bytes` (compaction moves rows, not bytes) and return the
   * ids' bytes, packed in row order: in place when the rows' bytes are in row order (always, for
   * a column built by appending), else into a new buffer. Runs of rows whose bytes already
   * follow each other move as one block.
   */
  pack(): Buffer {
    const n = this.length;
    const starts = this.starts;
    const lens = this.lens;
    let inOrder = true;
    for (let i = 1; i < n && inOrder; i++) inOrder = starts[i] >= starts[i - 1] + lens[i - 1];
    const from = this.bytes;
    const to = inOrder ? from : Buffer.allocUnsafe(n === 0 ? 0 : this.byteLength());
    let at = 0;
    for (let i = 0; i < n; ) {
      const s = starts[i];
      let e = s + lens[i];
      let j = i + 1;
      while (j < n && starts[j] === e) e += lens[j++];
      if (to !== from || at !== s) from.copy(to, at, s, e); // Buffer.copy is memmove: safe in place, at ≤ s
      for (let k = i, p = at; k < j; p += lens[k], k++) starts[k] = p;
      at += e - s;
      i = j;
    }
    this.bytes = to;
    this.end = at;
    return to.subarray(0, at);
  }

  /** Bytes of all ids. */
  byteLength(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) n += this.lens[i];
    return n;
  }

  /** Row `to` takes row `from`'s id (compaction moves rows down; bytes stay where they are). */
  move(from: number, to: number): void {
    this.starts[to] = this.starts[from];
    this.lens[to] = this.lens[from];
  }

  equals(a: number, b: number): boolean {
    const n = this.lens[a];
    if (n !== this.lens[b]) return false;
    const bytes = this.bytes;
    const sa = this.starts[a];
    const sb = this.starts[b];
    for (let k = 0; k < n; k++) if (bytes[sa + k] !== bytes[sb + k]) return false;
    return true;
  }

  /** Fold row i's bytes into an FNV-1a style 32-bit hash. */
  hash(i: number, h: number): number {
    const bytes = this.bytes;
    const s = this.starts[i];
    const n = this.lens[i];
    for (let k = 0; k < n; k++) h = Math.imul(h ^ bytes[s + k], 0x01000193);
    return Math.imul(h ^ n, 0x01000193);
  }

  /**
   * Write row i's id into `out` at `off` as a CSV field and return the new offset: the bytes are
   * copied as they are, unless the id needs RFC 4180 quoting (a comma, quote, line break, or
   * leading/trailing blank), then it is written quoted. `out` must have room for 2·len + 2 bytes.
   */
  writeCsvField(i: number, out: Buffer, off: number): number {
    const bytes = this.bytes;
    const s = this.starts[i];
    const n = this.lens[i];
    let plain = n === 0 || (bytes[s] !== 32 && bytes[s] !== 9 && bytes[s + n - 1] !== 32 && bytes[s + n - 1] !== 9);
    for (let k = 0; k < n; k++) {
      const c = bytes[s + k];
      // Comma, quote, LF and CR are all below 45: one compare for the usual byte.
      if (c < 45 && (c === 44 || c === 34 || c === 10 || c === 13)) plain = false;
      out[off + k] = c;
    }
    if (plain) return off + n;
    // Rare: quote it, doubling inner quotes.
    let at = off;
    out[at++] = 34;
    for (let k = 0; k < n; k++) {
      const c = bytes[s + k];
      if (c === 34) out[at++] = 34;
      out[at++] = c;
    }
    out[at++] = 34;
    return at;
  }

  /** A new column holding the rows where mask[i] === keep, in order. */
  select(mask: Uint8Array, keep: 0 | 1): IdColumn {
    let rows = 0;
    let bytes = 0;
    for (let i = 0; i < this.length; i++) if (mask[i] === keep) (rows++, (bytes += this.lens[i]));
    const c = new IdColumn(rows, bytes);
    for (let i = 0; i < this.length; i++) if (mask[i] === keep) c.pushBytes(this.bytes, this.starts[i], this.starts[i] + this.lens[i]);
    return c;
  }
}
