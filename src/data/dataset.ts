import { IdColumn } from './id-column.js';
import { Levels, recode } from './kinds/levels.js';
import { FNV_OFFSET, hashRow, hashRowTail, levelHashes, type LevelHashes } from './row-hash.js';

/**
 * A dataset in memory: columnar, typed. Missing feature values are NaN; labels are 0/1, or
 * NO_LABEL where a file has no label column (prediction input).
 */
export const NO_LABEL = 255;

export interface Dataset {
  features: string[];
  rows: number;
  /** Row ids as UTF-8 bytes (see id-column.ts); empty when loaded without ids. */
  ids: IdColumn;
  /** One column per feature, `rows` long. */
  x: Float64Array[];
  y: Uint8Array;
  /**
   * Per feature: null for a numeric column (count, number); for a category column its dictionary,
   * code -> text (the column holds codes, see kinds/levels.ts). Absent means every column is numeric.
   */
  levels?: (readonly string[] | null)[];
}

/** Feature j's dictionary (null: a numeric column). */
export function levelsOf(ds: Dataset, j: number): readonly string[] | null {
  return ds.levels?.[j] ?? null;
}

/**
 * A builder's columns in shared memory (DatasetBuilder.share) for a file read in two parts: the
 * builder's rows, room for the rest of its part, then, from `row` (and id byte `byte`) on, the
 * region the parse worker fills with the other part's rows (DatasetBuilder.over). Full-length
 * views; they cross to the worker's thread as the same memory.
 */
export interface SharedColumns {
  x: Float64Array[];
  y: Uint8Array;
  hashes: Uint32Array | null;
  idStarts: Uint32Array;
  idLens: Uint32Array;
  idBytes: Buffer;
  row: number;
  byte: number;
}

/** Grows columns by doubling; `truncate` undoes a file that turned out unusable. */
export class DatasetBuilder {
  rows = 0;
  ids: IdColumn;
  x: Float64Array[];
  y: Uint8Array;
  /**
   * Each row's hashRow (row-hash.ts), kept as rows are added when asked for (ingest's dedup):
   * the CSV fast path computes it while the row's bytes are at hand. Null otherwise.
   */
  hashes: Uint32Array | null;
  /** Per feature: the dictionary of a category column (codes in x), null for a numeric one. */
  levels: (Levels | null)[];
  private capacity: number;
  /** Set by share: the shared columns this builder's rows are in (until it outgrows them). */
  private shared: SharedColumns | null = null;

  constructor(
    readonly features: string[],
    capacity = 1024,
    opts: { hashes?: boolean } = {},
  ) {
    this.capacity = capacity;
    this.x = features.map(() => new Float64Array(capacity));
    this.y = new Uint8Array(capacity);
    this.ids = new IdColumn(capacity);
    this.hashes = opts.hashes ? new Uint32Array(capacity) : null;
    this.levels = features.map(() => null);
  }

  /** Give the coded features (`coded[j]`) a dictionary if they have none yet. */
  useLevels(coded: boolean[]): void {
    coded.forEach((c, j) => {
      if (c && !this.levels[j]) this.levels[j] = new Levels();
    });
  }

  static from(ds: Dataset, opts: { hashes?: boolean } = {}): DatasetBuilder {
    const b = new DatasetBuilder(ds.features, Math.max(1024, ds.rows * 2), opts);
    // Codes keep their meaning: Levels.of numbers the texts in the order given.
    b.levels = ds.features.map((_, j) => {
      const l = levelsOf(ds, j);
      return l ? Levels.of(l) : null;
    });
    for (let f = 0; f < ds.features.length; f++) b.x[f].set(ds.x[f].subarray(0, ds.rows));
    b.y.set(ds.y.subarray(0, ds.rows));
    b.ids = ds.ids.select(new Uint8Array(ds.rows), 0);
    b.rows = ds.rows;
    if (b.hashes) {
      const lh = levelHashes(ds);
      for (let r = 0; r < ds.rows; r++) b.hashes[r] = hashRow(ds, r, lh);
    }
    return b;
  }

  /**
   * Move the columns into shared memory, with room for `rows` more rows (`idBytes` more id bytes)
   * and after that a region of `partRows` rows (`partIdBytes` id bytes) for the parse worker
   * (over), whose rows takeShared then moves in after this builder's: no copy from the worker's
   * memory into this one's, and its part is written to memory once. Pages never written cost
   * nothing, so the estimates can be generous.
   */
  share(rows: number, idBytes: number, partRows: number, partIdBytes: number): SharedColumns {
    const row = this.rows + rows;
    const total = row + partRows;
    const x = this.x.map((col) => {
      const c = new Float64Array(new SharedArrayBuffer(total * 8));
      c.set(col.subarray(0, this.rows));
      return c;
    });
    const y = new Uint8Array(new SharedArrayBuffer(total));
    y.set(this.y.subarray(0, this.rows));
    let hashes: Uint32Array | null = null;
    if (this.hashes) {
      hashes = new Uint32Array(new SharedArrayBuffer(total * 4));
      hashes.set(this.hashes.subarray(0, this.rows));
    }
    const byte = this.ids.end + idBytes;
    const s: SharedColumns = {
      x,
      y,
      hashes,
      idStarts: new Uint32Array(new SharedArrayBuffer(total * 4)),
      idLens: new Uint32Array(new SharedArrayBuffer(total * 4)),
      idBytes: Buffer.from(new SharedArrayBuffer(byte + partIdBytes)),
      row,
      byte,
    };
    this.x = x.map((c) => c.subarray(0, row));
    this.y = y.subarray(0, row);
    this.hashes = hashes ? hashes.subarray(0, row) : null;
    this.ids.useArrays(s.idStarts.subarray(0, row), s.idLens.subarray(0, row), s.idBytes.subarray(0, byte));
    this.capacity = row;
    this.shared = s;
    return s;
  }

  /**
   * A builder over the worker's region of shared columns (see share), its dictionaries starting as
   * `levels` (the reader's so far: the codes of those texts are then the same in both parts).
   */
  static over(features: string[], s: SharedColumns, levels: (readonly string[] | null)[]): DatasetBuilder {
    const b = new DatasetBuilder(features, 1, { hashes: s.hashes !== null });
    b.x = s.x.map((c) => c.subarray(s.row));
    b.y = s.y.subarray(s.row);
    b.hashes = s.hashes ? s.hashes.subarray(s.row) : null;
    // A Buffer crosses threads as a plain Uint8Array: a Buffer again over the same memory.
    b.ids.useArrays(s.idStarts.subarray(s.row), s.idLens.subarray(s.row), Buffer.from(s.idBytes.buffer, s.idBytes.byteOffset + s.byte, s.idBytes.byteLength - s.byte));
    b.capacity = b.y.length;
    b.levels = features.map((_, j) => (levels[j] ? Levels.of(levels[j]!) : null));
    b.shared = s;
    return b;
  }

  /** Whether every column is still in the shared memory `share`/`over` gave it (it has not outgrown it). */
  inShared(): boolean {
    const s = this.shared;
    if (!s) return false;
    const same = (a: ArrayBufferView, b: ArrayBufferView) => a.buffer === b.buffer;
    return this.x.every((c, j) => same(c, s.x[j])) && same(this.y, s.y) && (s.hashes === null || (this.hashes !== null && same(this.hashes, s.hashes))) && same(this.ids.starts, s.idStarts) && same(this.ids.lens, s.idLens) && same(this.ids.bytes, s.idBytes);
  }

  /**
   * Take the `rows` rows the parse worker wrote into the shared region (its part of the file; its
   * ids end at byte `idEnd` of the region, its dictionaries `levels`), after this builder's rows:
   * moved down within the shared columns, category codes recoded into this builder's
   * dictionaries. False (nothing done) unless both sides' rows are all in the shared columns;
   * the caller then copies them in (appendRows).
   */
  takeShared(rows: number, idEnd: number, levels: (readonly string[] | null)[], workerInShared: boolean): boolean {
    const s = this.shared;
    if (!s || !workerInShared || !this.inShared()) return false;
    const at = this.rows;
    const from = s.row;
    for (let f = 0; f < s.x.length; f++) {
      const col = s.x[f];
      const into = this.levels[f];
      const map = levels[f] && into ? recode(levels[f]!, into) : null;
      let identity = true;
      if (map) for (let c = 0; c < map.length && identity; c++) identity = map[c] === c;
      if (identity) col.copyWithin(at, from, from + rows);
      else for (let r = 0; r < rows; r++) {
        const v = col[from + r];
        col[at + r] = v === v ? map![v] : v;
      }
    }
    s.y.copyWithin(at, from, from + rows);
    if (s.hashes) s.hashes.copyWithin(at, from, from + rows);
    // The ids' bytes stay where the worker wrote them (IdColumn.pack closes the gap later).
    for (let r = 0; r < rows; r++) s.idStarts[at + r] = s.byte + s.idStarts[from + r];
    s.idLens.copyWithin(at, from, from + rows);
    this.x = s.x;
    this.y = s.y;
    this.hashes = s.hashes;
    this.ids.useSharedTail(s.idStarts, s.idLens, s.idBytes, at + rows, s.byte + idEnd);
    this.capacity = s.y.length;
    this.rows = at + rows;
    this.shared = null;
    return true;
  }

  /** Make room for one more row and return its index; the caller fills x/y at that index. */
  next(): number {
    if (this.rows === this.capacity) this.grow();
    return this.rows;
  }

  /** The row at `next()` is complete: its id was pushed onto `ids` last. */
  commit(): void {
    if (this.hashes) this.hashes[this.rows] = hashRowTail(this.ids.hash(this.rows, FNV_OFFSET), this.x, this.rows, this.y[this.rows], this.levelHashes());
    this.rows++;
  }

  /**
   * Make room for `rows` more rows (and `idBytes` more id bytes) at once. Capacity beyond what is
   * filled costs address space only: fresh zeroed pages are not touched until written.
   */
  reserve(rows: number, idBytes = rows * 16): void {
    if (this.rows + rows > this.capacity) this.resize(this.rows + rows);
    this.ids.reserve(rows, idBytes);
  }

  /**
   * Append `rows` rows built elsewhere (the second part of a file, parsed on another thread):
   * columns, labels, and ids as packed bytes with each row's start and length in them.
   */
  appendRows(x: Float64Array[], y: Uint8Array, ids: { starts: Uint32Array; lens: Uint32Array; bytes: Uint8Array; end: number }, rows: number, hashes?: Uint32Array | null, levels?: (readonly string[] | null)[]): void {
    if (rows === 0) return;
    this.reserve(rows, ids.end);
    for (let f = 0; f < this.x.length; f++) {
      const from = levels?.[f];
      const into = this.levels[f];
      if (!from || !into) {
        this.x[f].set(x[f].subarray(0, rows), this.rows);
        continue;
      }
      // The part's codes are its own dictionary's: recoded into this one's.
      const map = recode(from, into);
      const src = x[f];
      const dst = this.x[f];
      for (let r = 0; r < rows; r++) {
        const v = src[r];
        dst[this.rows + r] = v === v ? map[v] : v;
      }
    }
    this.y.set(y.subarray(0, rows), this.rows);
    this.ids.appendPacked(ids.starts, ids.lens, ids.bytes, ids.end, rows);
    if (this.hashes) {
      if (hashes) this.hashes.set(hashes.subarray(0, rows), this.rows);
      else {
        const lh = this.levelHashes();
        for (let r = this.rows; r < this.rows + rows; r++) this.hashes[r] = hashRowTail(this.ids.hash(r, FNV_OFFSET), this.x, r, this.y[r], lh);
      }
    }
    this.rows += rows;
  }

  /** The dictionaries' text hashes for hashRowTail (null: no category column). */
  private levelHashes(): LevelHashes {
    let any = false;
    for (const l of this.levels) if (l) any = true;
    return any ? this.levels.map((l) => (l ? l.hashes : null)) : null;
  }

  truncate(rows: number): void {
    this.rows = rows;
    this.ids.truncate(rows);
  }

  private grow(): void {
    this.resize(this.capacity * 2);
  }

  private resize(capacity: number): void {
    this.capacity = capacity;
    // Only the filled rows are copied: copying the whole old column would touch its unused pages.
    this.x = this.x.map((col) => {
      const n = new Float64Array(capacity);
      n.set(col.subarray(0, this.rows));
      return n;
    });
    const y = new Uint8Array(capacity);
    y.set(this.y.subarray(0, this.rows));
    this.y = y;
    if (this.hashes) {
      const h = new Uint32Array(capacity);
      h.set(this.hashes.subarray(0, this.rows));
      this.hashes = h;
    }
  }

  /** A view of the rows so far (no copy). */
  build(): Dataset {
    return {
      features: this.features,
      rows: this.rows,
      ids: this.ids,
      x: this.x.map((c) => c.subarray(0, this.rows)),
      y: this.y.subarray(0, this.rows),
      levels: this.levels.map((l) => (l ? l.texts : null)),
    };
  }
}

/** Missing cells per feature. */
export function countMissing(ds: Dataset): Record<string, number> {
  const out: Record<string, number> = {};
  ds.features.forEach((f, j) => {
    let n = 0;
    const col = ds.x[j];
    for (let i = 0; i < ds.rows; i++) if (col[i] !== col[i]) n++;
    out[f] = n;
  });
  return out;
}

/** The rows whose mask value equals `keep` (1 or 0), as a new dataset. */
export function selectRows(ds: Dataset, mask: Uint8Array, keep: 0 | 1): Dataset {
  let n = 0;
  for (let i = 0; i < ds.rows; i++) if (mask[i] === keep) n++;
  const x = ds.features.map(() => new Float64Array(n));
  const y = new Uint8Array(n);
  for (let i = 0, k = 0; i < ds.rows; i++) {
    if (mask[i] !== keep) continue;
    for (let j = 0; j < x.length; j++) x[j][k] = ds.x[j][i];
    y[k] = ds.y[i];
    k++;
  }
  const ids = ds.ids.length === ds.rows ? ds.ids.select(mask, keep) : new IdColumn(0);
  return { features: ds.features, rows: n, ids, x, y, ...(ds.levels ? { levels: ds.levels } : {}) };
}
