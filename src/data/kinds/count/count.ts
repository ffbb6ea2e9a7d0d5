import { EMPTY, INVALID, classifyCount, parseCount, parseCountText } from '../../csv/cells.js';
import type { CsvRecord } from '../../csv/parser.js';
import { REJECTED, type FeatureKind } from '../kind.js';

/**
 * `count` (the default kind): a non-negative whole number below 2^53, surrounding white space
 * allowed; an empty or blank cell is missing. Read straight from the record's bytes (no string per cell);
 * the CSV fast path (fast-row.ts) reads the plain ones itself and leaves the rest to this.
 */
export const countKind: FeatureKind = {
  name: 'count',
  storage: 'numeric',
  whole: true,
  readCell(rec: CsvRecord, c: number): number {
    const v = parseCount(rec.buf, rec.starts[c], rec.ends[c]);
    if (v === EMPTY) return Number.NaN;
    if (v !== INVALID) return v;
    // Rare: a blank or number with white space parseCount does not trim (a no-break space).
    const t = parseCountText(rec.text(c));
    return t === EMPTY ? Number.NaN : t === INVALID ? REJECTED : t;
  },
  rejectReason: classifyCount,
  format: (v) => (v === v ? String(v) : ''),
};
