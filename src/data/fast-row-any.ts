import { NO_LABEL } from './dataset.js';
import { FNV_OFFSET, FNV_PRIME, finishRowHash } from './row-hash.js';
import { BITS, COMMA, CR, DOT, LF, MAX_DIGITS, MINUS, POW10, QUOTE, SPACE, TAB, WORDS, ZERO, labelAt, labelEnd, mixValue } from './fast-row-bytes.js';
import { ID, TARGET, finishTake, type RowLayout, type TakeTarget } from './fast-row-layout.js';

const EMPTY = Buffer.alloc(0);
const NO_ENDS = new Uint32Array(0);

/**
 * FastRows.take for any layout: each field's role looked up (fast-row-layout.ts), and, when the
 * columns are in schema order, each row's finaldata.csv line written as it is read. Returns where
 * the first row it did not take starts.
 */
export function takeAny(fr: TakeTarget, lay: RowLayout, data: Buffer, p: number, len: number): number {
  const b = fr.builder;
  const roles = lay.roles;
  // Category columns: texts the general path added since the last call. Null for a count-only
  // table. Each text's row-hash value (as hashRowTail mixes it) is read through its lookup: an
  // array of the dictionaries' hash tables made here per call cost V8 a 'wrong map'
  // deoptimization and a recompile of this function (~80 ms of compile-thread CPU each) three
  // times per thread on the 1M-row client table.
  const lookups = lay.lookups;
  if (lookups !== null) for (const l of lookups) l?.sync();
  const { positive, negative, positiveByte, negativeByte } = lay;
  const decimals = lay.decimals;
  const inlineHash = lay.ordered && b.hashes !== null;
  const count = lay.count;
  const lastField = count - 1;
  const nf = lay.nf;
  const missingOut = fr.missing;
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
  const lb = lay.ordered ? fr.lines : null;
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
        // A category: a text already in the dictionary, found by its bytes (ByteLookup.match). A
        // new text, a quote, or one the general path would trim, sends the row the general way.
        const s = p;
        // At the end of the data: as an empty cell here; the row is cut, below.
        const first = p < len ? data[p] : COMMA;
        if (first === COMMA || first === LF || first === CR) {
          x[role][r] = Number.NaN;
          missing |= 1 << role;
          if (inlineHash) rh = Math.imul(rh ^ 0x7ff80000, FNV_PRIME);
          if (lb !== null) out[lo++] = COMMA;
        } else {
          const code = lookup.match(data, s, len);
          if (code < 0) break rows;
          p = s + lookup.byteLength(code);
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
    if (idLen === 0 && lay.requireId) break;
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
  return finishTake(fr, r, first, idEnd, rowStart);
}
