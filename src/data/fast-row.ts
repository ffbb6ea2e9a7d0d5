import type { ColumnMap, TableSchema } from './columns.js';
import { NO_LABEL, type DatasetBuilder } from './dataset.js';
import { kindOf } from './kinds/index.js';
import { ByteLookup, mayNeedTrim } from './kinds/category/byte-lookup.js';
import { DEFAULT_LABELS, labelBytes } from './csv/labels.js';
import { FNV_OFFSET, FNV_PRIME, finishRowHash, hashRowTail } from './row-hash.js';
import type { LineBuffer } from './csv-rows.js';

/**
 * The fast path for the usual rows: one pass over their bytes that finds the fields, parses the
 * counts and the label, copies the id, hashes the row (for dedup) and appends it to the builder —
 * instead of the general parser recording every field's byte range and the validator reading the
 * bytes again, and dedup a third time. It runs over as many rows as it can in one call and takes
 * only rows whose outcome is certain without the general rules: no quote anywhere, exactly the
 * header's field count, counts of 1–15 plain digits (or empty: missing), numbers of 1–15 digits
 * with an optional minus and at most one point, category texts already in the dictionary, a label that is exactly
 * the bytes of target_positive or target_negative (by default the one byte 1 or 0), a non-empty id. At the first other row — a quote, a space, a sign, a decimal, a
 * wrong field count, a blank line, a record cut by the end of the chunk, a full builder — it stops
 * at that row's start, having changed nothing for it, and the general parser and validator
 * (row-sink.ts) take that record as before; then the fast path goes on. So it can never accept a
 * row the general path would reject, or read one differently: test/data/fast-row.test.ts holds it
 * to the general path (itself held to csv-parse) and its row hashes to hashRow.
 */
export class FastRows {
  /** Rows (each one line) the last `take` appended. */
  taken = 0;
  /** Rows appended by every `take` so far. */
  total = 0;
  /**
   * When set, every row appended gets its finaldata.csv line here (row k of the builder from
   * lines.firstRow on, line k): takeAny writes it as it reads the row, when the columns are in
   * schema order (ordered); otherwise, and for the rows the general path took, lines.catchUp
   * formats them from the columns before the next rows are taken.
   */
  lines: LineBuffer | null = null;
  private readonly roles: Int32Array;
  private readonly count: number;
  private readonly nf: number;
  private readonly requireId: boolean;
  /** The header is the seed's layout: id, the features in schema order, the label. */
  private readonly seedLayout: boolean;
  /**
   * The id column comes before every feature and the features are in schema order (extra columns
   * and the label anywhere): the row hash can then be made cell by cell as the row is read, in
   * hashRow's order, instead of reading the row's values back afterwards.
   */
  private readonly ordered: boolean;
  /** Per feature, a category column's byte lookup (null: a count); null when no feature is a category. */
  private lookups: (ByteLookup | null)[] | null;
  /** Per feature, 1 for a `number` column (a decimal), 0 for a count or a category. */
  private readonly decimals: Uint8Array;
  /** The label values (target_positive / target_negative) as bytes; when each is one byte, those bytes (else -1). */
  private readonly positive: Uint8Array;
  private readonly negative: Uint8Array;
  private readonly positiveByte: number;
  private readonly negativeByte: number;

  private constructor(
    map: ColumnMap,
    schema: TableSchema,
    private readonly builder: DatasetBuilder,
    /** Missing cells per feature, counted as rows are taken. */
    private readonly missing: Float64Array,
  ) {
    this.roles = new Int32Array(map.count).fill(SKIP);
    this.roles[map.id] = ID;
    if (map.target >= 0) this.roles[map.target] = TARGET;
    map.features.forEach((c, j) => (this.roles[c] = j));
    this.count = map.count;
    this.nf = schema.features.length;
    this.requireId = schema.requireId;
    const labels = labelBytes(schema.labels ?? DEFAULT_LABELS);
    this.positive = labels.positive;
    this.negative = labels.negative;
    // A label byte that is part of the CSV syntax never matches here: the general path decides.
    const plain = (b: Uint8Array) => (b.length === 1 && b[0] !== COMMA && b[0] !== QUOTE && b[0] !== CR && b[0] !== LF ? b[0] : -1);
    this.positiveByte = plain(labels.positive);
    this.negativeByte = plain(labels.negative);
    if (this.positiveByte < 0 || this.negativeByte < 0) this.positiveByte = this.negativeByte = -1;
    this.lookups = builder.levels.map((l) => (l ? new ByteLookup(l) : null));
    const anyCategory = this.lookups.some((l) => l !== null);
    this.decimals = Uint8Array.from(schema.features, (f) => (kindOf(schema.featureTypes[f]).name === 'number' ? 1 : 0));
    const anyDecimal = this.decimals.includes(1);
    // The seed's layout path reads counts only; a table with categories or numbers takes takeAny.
    this.ordered = map.features.every((c, j) => c > map.id && (j === 0 || c > map.features[j - 1]));
    this.seedLayout = !anyCategory && !anyDecimal && map.count === this.nf + 2 && map.id === 0 && map.target === this.nf + 1 && map.features.every((c, j) => c === j + 1);
    if (!anyCategory) this.lookups = null;
  }

  /**
   * A fast path for files with this header, or null where it does not apply: a category feature
   * without a dictionary, or no id column (rows are then named by their line).
   */
  static for(map: ColumnMap, schema: TableSchema, builder: DatasetBuilder, missing: Float64Array): FastRows | null {
    if (map.id < 0 || map.count < 2 || schema.features.length > 30) return null;
    if (schema.features.some((f, j) => kindOf(schema.featureTypes[f]).name === 'category' && !builder.levels[j])) return null;
    return new FastRows(map, schema, builder, missing);
  }

  /** Append the rows of data[p, len) the fast path can take; returns where the first other row starts. */
  take(data: Buffer, p: number, len: number): number {
    const lines = this.lines;
    if (lines !== null) {
      lines.catchUp(this.builder);
      if (this.seedLayout || !this.ordered) {
        // No line written while reading: these rows are formatted by the next catchUp.
        return this.seedLayout ? this.takeSeedLayout(data, p, len) : this.takeAny(data, p, len);
      }
      // A row's line is at most 3 bytes per input byte, plus one (LINE_ROOM): room for all of them.
      // A row is at least `count` bytes (its commas and line break).
      lines.room(LINE_ROOM * (len - p) + 64, Math.floor((len - p) / this.count) + 1);
    }
    return this.seedLayout ? this.takeSeedLayout(data, p, len) : this.takeAny(data, p, len);
  }

  /**
   * take for the seed's layout (id, the features in schema order, the label; nothing else): the
   * same rules with the fields in a fixed order, so no per-field dispatch. Most files look so.
   */
  private takeSeedLayout(data: Buffer, p: number, len: number): number {
    // Everything the loop touches in locals (here and in takeAny, on purpose twice): reads through
    // `this` and the builder on every row showed in profiles.
    const b = this.builder;
    const nf = this.nf;
    const requireId = this.requireId;
    const { positive, negative, positiveByte, negativeByte } = this;
    const missingOut = this.missing;
    const x = b.x;
    const y = b.y;
    const hashes = b.hashes;
    const ids = b.ids;
    const idBytes = ids.bytes;
    const idStarts = ids.starts;
    const idLens = ids.lens;
    const idCap = idBytes.length;
    const cap = Math.min(y.length, idStarts.length);
    const first = b.rows;
    let r = first;
    let idEnd = ids.end;
    let rowStart = p;
    rows: while (p < len && r < cap) {
      // The id, copied and hashed as it is scanned.
      const s = p;
      let o = idEnd;
      let idHash = FNV_OFFSET;
      while (p < len) {
        const ch = data[p];
        if (ch === COMMA) break;
        if (ch === LF || ch === QUOTE || ch === CR || o === idCap) break rows;
        idBytes[o++] = ch;
        idHash = Math.imul(idHash ^ ch, FNV_PRIME);
        p++;
      }
      if (p >= len) break;
      const idLen = p - s;
      if (idLen === 0 && requireId) break;
      p++;
      // The counts, each followed by a comma; the row hash (hashRowTail) made alongside.
      let h = Math.imul(idHash ^ idLen, FNV_PRIME);
      let int32 = true;
      let missing = 0;
      for (let j = 0; j < nf; j++) {
        const ds = p;
        let v = 0;
        while (p < len) {
          const d = data[p] - 48;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
          p++;
        }
        if (p >= len || data[p] !== COMMA) break rows;
        const digits = p - ds;
        if (digits === 0) {
          x[j][r] = Number.NaN;
          missing |= 1 << j;
          h = Math.imul(h ^ 0x7ff80000, FNV_PRIME);
        } else if (digits > MAX_DIGITS) break rows;
        else {
          x[j][r] = v;
          if ((v | 0) === v) h = Math.imul(Math.imul(h ^ v, FNV_PRIME) ^ 0x5bd1e995, FNV_PRIME);
          else int32 = false;
        }
        p++;
      }
      // The label, then the line end.
      let label: number;
      if (positiveByte >= 0) {
        if (p + 1 >= len) break;
        const ch = data[p];
        label = ch === positiveByte ? 1 : ch === negativeByte ? 0 : -1;
        if (label < 0) break;
        p++;
      } else {
        const ls = p;
        p = labelEnd(data, p, len);
        if (p >= len) break;
        label = labelAt(data, ls, p, positive, negative);
        if (label < 0) break;
      }
      const t = data[p];
      if (t === LF) p++;
      else if (t === CR && p + 1 < len && data[p + 1] === LF) p += 2;
      else break;
      y[r] = label;
      idStarts[r] = idEnd;
      idLens[r] = idLen;
      idEnd += idLen;
      if (hashes !== null) hashes[r] = int32 ? finishRowHash(h, label) : hashRowTail(Math.imul(idHash ^ idLen, FNV_PRIME), x, r, label);
      if (missing !== 0) for (let j = 0; j < nf; j++) if (missing & (1 << j)) missingOut[j]++;
      r++;
      rowStart = p;
    }
    return this.finish(r, first, idEnd, rowStart);
  }

  /** take for any other layout: each field's role looked up. */
  private takeAny(data: Buffer, p: number, len: number): number {
    const b = this.builder;
    const roles = this.roles;
    // Category columns: texts the general path added since the last call. Null for a count-only
    // table. Each text's row-hash value (as hashRowTail mixes it) is read through its lookup: an
    // array of the dictionaries' hash tables made here per call cost V8 a 'wrong map'
    // deoptimization and a recompile of this function (~80 ms of compile-thread CPU each) three
    // times per thread on the 1M-row client table.
    const lookups = this.lookups;
    if (lookups !== null) for (const l of lookups) l?.sync();
    const { positive, negative, positiveByte, negativeByte } = this;
    const decimals = this.decimals;
    const inlineHash = this.ordered && b.hashes !== null;
    const count = this.count;
    const lastField = count - 1;
    const nf = this.nf;
    const missingOut = this.missing;
    const x = b.x;
    const y = b.y;
    const hashes = b.hashes;
    const ids = b.ids;
    const idBytes = ids.bytes;
    const idStarts = ids.starts;
    const idLens = ids.lens;
    const idCap = idBytes.length;
    const cap = Math.min(y.length, idStarts.length);
    const first = b.rows;
    let r = first;
    let idEnd = ids.end;
    let rowStart = p;
    // The rows' finaldata.csv lines (see `lines`): written cell by cell in schema order, so only
    // when the file's columns are (ordered); ends[k] closes line k.
    const lb = this.ordered ? this.lines : null;
    const out = lb === null ? EMPTY : lb.bytes;
    const ends = lb === null ? NO_ENDS : lb.ends;
    let lineRow = lb === null ? 0 : lb.rows;
    let lo = lb === null ? 0 : lb.off;
    let lineEnd = lo;
    rows: while (p < len && r < cap) {
      lo = lineEnd;
      let idLen = -1;
      let idHash = FNV_OFFSET;
      let label = NO_LABEL;
      let missing = 0;
      /** The row hash so far (inlineHash): hashRowTail's steps, cell by cell. */
      let rh = 0;
      for (let c = 0; c < count; c++) {
        const role = roles[c];
        const lookup = lookups === null || role < 0 ? null : lookups[role];
        if (lookup !== null) {
          // A category: a text already in the dictionary, found by its bytes. A new text, or one
          // the general path would trim, sends the row the general way.
          const s = p;
          let h = FNV_OFFSET;
          while (p < len) {
            const ch = data[p];
            if (ch === COMMA || ch === LF || ch === CR) break;
            if (ch === QUOTE) break rows;
            h = Math.imul(h ^ ch, FNV_PRIME);
            p++;
          }
          if (p === s) {
            x[role][r] = Number.NaN;
            missing |= 1 << role;
            if (inlineHash) rh = Math.imul(rh ^ 0x7ff80000, FNV_PRIME);
            if (lb !== null) out[lo++] = COMMA;
          } else {
            if (mayNeedTrim(data, s, p)) break rows;
            const code = lookup.find(data, s, p, h);
            if (code < 0) break rows;
            x[role][r] = code;
            if (inlineHash) rh = Math.imul(Math.imul(rh ^ lookup.textHash(code), FNV_PRIME) ^ 0x27d4eb2f, FNV_PRIME);
            if (lb !== null) {
              // The text as finaldata.csv writes it (csvField): its bytes, which hold no comma,
              // quote or line break and begin and end with no white space (mayNeedTrim).
              out[lo++] = COMMA;
              for (let k = s; k < p; k++) out[lo++] = data[k];
            }
          }
          if (p < len && data[p] === CR && !(c === lastField && p + 1 < len && data[p + 1] === LF)) break rows;
        } else if (role >= 0 && decimals[role] === 1) {
          // A number: an optional minus, digits with at most one point. Its value is the digits as
          // a whole number m (below 10^15, so exact) divided by 10^k for k digits after the point:
          // one correctly rounded division of two exact doubles, the double nearest the decimal —
          // what Number(text) gives (Clinger's fast path). A sign of +, an exponent, white space or
          // more digits go the general way.
          const s = p;
          let neg = false;
          if (p < len && data[p] === MINUS) {
            neg = true;
            p++;
          }
          let m = 0;
          let digits = 0;
          let point = -1;
          while (p < len) {
            const ch = data[p];
            const d = ch - 48;
            if (d >= 0 && d <= 9) {
              m = m * 10 + d;
              digits++;
            } else if (ch === DOT && point < 0) point = digits;
            else break;
            p++;
          }
          if (digits === 0) {
            if (p !== s) break rows; // "-", "." or "-.": the general path rejects it
            x[role][r] = Number.NaN;
            missing |= 1 << role;
            if (inlineHash) rh = Math.imul(rh ^ 0x7ff80000, FNV_PRIME);
            if (lb !== null) out[lo++] = COMMA;
          } else if (digits > MAX_DIGITS) break rows;
          else {
            const k = point < 0 ? 0 : digits - point;
            const u = k === 0 ? m : m / POW10[k];
            const v = neg ? -u : u;
            x[role][r] = v;
            if (inlineHash) rh = mixValue(rh, v);
            if (lb !== null) {
              // String(v), from the cell's digits: at most 15 of them, so v is the double nearest
              // the decimal and that decimal, without its zeros at either end, is the shortest
              // text that reads back as v — String's digits; fixed notation from 1e-6 up (below,
              // String writes an exponent: such a row goes the general way).
              out[lo++] = COMMA;
              if (m === 0) out[lo++] = ZERO; // "0", "-0.00": String(±0) is "0"
              else {
                if (u < 1e-6) break rows;
                if (neg) out[lo++] = MINUS;
                let is = neg ? s + 1 : s;
                const ie = point < 0 ? p : is + point;
                while (is < ie && data[is] === ZERO) is++;
                if (is === ie) out[lo++] = ZERO;
                else for (let q = is; q < ie; q++) out[lo++] = data[q];
                if (point >= 0) {
                  let fe = p;
                  while (fe > ie + 1 && data[fe - 1] === ZERO) fe--;
                  if (fe > ie + 1) for (let q = ie; q < fe; q++) out[lo++] = data[q];
                }
              }
            }
          }
        } else if (role >= 0) {
          const s = p;
          let v = 0;
          while (p < len) {
            const d = data[p] - 48;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
            p++;
          }
          const digits = p - s;
          if (digits === 0) {
            x[role][r] = Number.NaN;
            missing |= 1 << role;
            if (inlineHash) rh = Math.imul(rh ^ 0x7ff80000, FNV_PRIME);
            if (lb !== null) out[lo++] = COMMA;
          } else if (digits > MAX_DIGITS) break rows;
          else {
            x[role][r] = v;
            if (inlineHash) rh = mixValue(rh, v);
            if (lb !== null) {
              // String(v): the digits without leading zeros.
              out[lo++] = COMMA;
              let q = s;
              while (q < p - 1 && data[q] === ZERO) q++;
              for (; q < p; q++) out[lo++] = data[q];
            }
          }
        } else if (role === TARGET) {
          if (p >= len) break rows;
          if (positiveByte >= 0) {
            const ch = data[p];
            label = ch === positiveByte ? 1 : ch === negativeByte ? 0 : -1;
            p++;
          } else {
            const ls = p;
            p = labelEnd(data, p, len);
            label = labelAt(data, ls, p, positive, negative);
          }
          if (label < 0) break rows;
        } else if (role === ID) {
          // Copied and hashed as it is scanned: a second loop over the bytes cost twice as much.
          const s = p;
          let o = idEnd;
          while (p < len) {
            const ch = data[p];
            if (ch === COMMA || ch === LF) break;
            if (ch === QUOTE || o === idCap) break rows;
            if (ch === CR) {
              if (c === lastField && p + 1 < len && data[p + 1] === LF) break;
              break rows;
            }
            idBytes[o++] = ch;
            idHash = Math.imul(idHash ^ ch, FNV_PRIME);
            p++;
          }
          idLen = p - s;
          rh = Math.imul(idHash ^ idLen, FNV_PRIME);
          if (lb !== null && idLen > 0) {
            // As IdColumn.writeCsvField writes it: a blank at either end would be quoted (the general path's row then).
            const a = data[s];
            const z = data[p - 1];
            if (a === SPACE || a === TAB || z === SPACE || z === TAB) break rows;
            for (let q = s; q < p; q++) out[lo++] = data[q];
          }
        } else {
          while (p < len) {
            const ch = data[p];
            if (ch === COMMA || ch === LF) break;
            if (ch === QUOTE) break rows;
            if (ch === CR) {
              // Only as the CR of a CRLF line end; anywhere else the general rules decide.
              if (c === lastField && p + 1 < len && data[p + 1] === LF) break;
              break rows;
            }
            p++;
          }
        }
        if (p >= len) break rows; // cut by the end of the chunk (or of the file): the general path waits for more or ends it
        const t = data[p];
        if (c === lastField) {
          if (t === LF) p++;
          else if (t === CR && p + 1 < len && data[p + 1] === LF) p += 2;
          else break rows;
        } else if (t === COMMA) p++;
        else break rows;
      }
      if (idLen === 0 && this.requireId) break;
      if (lb !== null) {
        out[lo++] = COMMA;
        if (label !== NO_LABEL) out[lo++] = ZERO + label;
        out[lo++] = LF;
        ends[lineRow++] = lo;
        lineEnd = lo;
      }
      y[r] = label;
      idStarts[r] = idEnd;
      idLens[r] = idLen;
      idEnd += idLen;
      if (inlineHash) hashes![r] = finishRowHash(rh, label);
      else if (hashes !== null) {
        // hashRowTail, inlined (a call per row showed in profiles).
        let h = Math.imul(idHash ^ idLen, FNV_PRIME);
        for (let j = 0; j < nf; j++) {
          const v = x[j][r];
          const lookup = lookups === null ? null : lookups[j];
          if (lookup !== null && v === v) h = Math.imul(Math.imul(h ^ lookup.textHash(v), FNV_PRIME) ^ 0x27d4eb2f, FNV_PRIME);
          else if (v !== v) h = Math.imul(h ^ 0x7ff80000, FNV_PRIME);
          else if ((v | 0) === v) h = Math.imul(Math.imul(h ^ v, FNV_PRIME) ^ 0x5bd1e995, FNV_PRIME);
          else {
            BITS[0] = v;
            h = Math.imul(Math.imul(h ^ WORDS[0], FNV_PRIME) ^ WORDS[1], FNV_PRIME);
          }
        }
        hashes[r] = finishRowHash(h, label);
      }
      if (missing !== 0) for (let j = 0; j < nf; j++) if (missing & (1 << j)) missingOut[j]++;
      r++;
      rowStart = p;
    }
    if (lb !== null) {
      lb.rows = lineRow;
      lb.off = lineEnd;
    }
    return this.finish(r, first, idEnd, rowStart);
  }

  /** Rows [first, r) were filled: count them into the builder; returns `rowStart`. */
  private finish(r: number, first: number, idEnd: number, rowStart: number): number {
    this.taken = r - first;
    this.total += r - first;
    if (r !== first) {
      const b = this.builder;
      b.ids.length = r;
      b.ids.end = idEnd;
      b.rows = r;
    }
    return rowStart;
  }
}

/** hashRowTail's step for a numeric value (count or number). */
function mixValue(h: number, v: number): number {
  if ((v | 0) === v) return Math.imul(Math.imul(h ^ v, FNV_PRIME) ^ 0x5bd1e995, FNV_PRIME);
  BITS[0] = v;
  return Math.imul(Math.imul(h ^ WORDS[0], FNV_PRIME) ^ WORDS[1], FNV_PRIME);
}

/** Where a label cell starting at p ends: at the first comma, line break or quote (a quote: the general path's). */
function labelEnd(data: Buffer, p: number, len: number): number {
  while (p < len) {
    const ch = data[p];
    if (ch === COMMA || ch === LF || ch === CR || ch === QUOTE) break;
    p++;
  }
  return p;
}

/** 1 when bytes [s, e) are `positive`, 0 when `negative`, else -1 (the general path trims and decides). */
function labelAt(data: Buffer, s: number, e: number, positive: Uint8Array, negative: Uint8Array): number {
  const n = e - s;
  if (n === positive.length && sameBytes(data, s, positive)) return 1;
  if (n === negative.length && sameBytes(data, s, negative)) return 0;
  return -1;
}

function sameBytes(data: Buffer, s: number, want: Uint8Array): boolean {
  for (let i = 0; i < want.length; i++) if (data[s + i] !== want[i]) return false;
  return true;
}

const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const SPACE = 32;
const TAB = 9;
/** A row's finaldata.csv line is at most this many bytes per byte of its input, plus one (see take). */
const LINE_ROOM = 4;
const EMPTY = Buffer.alloc(0);
const NO_ENDS = new Uint32Array(0);
const MINUS = 45;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const ID = -1;
const TARGET = -2;
const SKIP = -3;
/** Digits a count may have here: below 2^53 for certain; longer ones go the general way. */
const MAX_DIGITS = 15;
/** 10^k, exact for k ≤ 22 (a number cell has at most MAX_DIGITS digits after its point). */
const POW10 = Float64Array.from({ length: MAX_DIGITS + 1 }, (_, k) => Number(`1e${k}`));
/** A float's bits, for the row hash (as hashRowTail takes them). */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
