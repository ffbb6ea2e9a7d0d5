import { FNV_OFFSET, FNV_PRIME, finishRowHash, hashRowTail } from './row-hash.js';
import { COMMA, CR, LF, MAX_DIGITS, QUOTE, labelAt, labelEnd } from './fast-row-bytes.js';
import { finishTake, type RowLayout, type TakeTarget } from './fast-row-layout.js';

/**
 * FastRows.take for the seed's layout (id, the features in schema order, the label; nothing
 * else): the same rules as takeAny with the fields in a fixed order, so no per-field dispatch.
 * Most files look so. Returns where the first row it did not take starts.
 */
export function takeSeedLayout(fr: TakeTarget, lay: RowLayout, data: Buffer, p: number, len: number): number {
  // Everything the loop touches in locals (here and in takeAny, on purpose twice): reads through
  // `this` and the builder on every row showed in profiles.
  const b = fr.builder;
  const nf = lay.nf;
  const requireId = lay.requireId;
  const { positive, negative, positiveByte, negativeByte } = lay;
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
  return finishTake(fr, r, first, idEnd, rowStart);
}
