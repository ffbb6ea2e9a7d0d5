import { classifyNumber, isBlank, parseNumber } from '../../csv/cells.js';
import type { CsvRecord } from '../../csv/parser.js';
import { REJECTED, type FeatureKind } from '../kind.js';

/** `number`: any finite decimal (sign, fraction, exponent); an empty or blank cell is missing. */
export const numberKind: FeatureKind = {
  name: 'number',
  storage: 'numeric',
  whole: false,
  readCell(rec: CsvRecord, c: number): number {
    const text = rec.text(c);
    if (isBlank(text)) return Number.NaN;
    const v = parseNumber(text);
    return v !== v ? REJECTED : v;
  },
  rejectReason: classifyNumber,
  format: (v) => (v === v ? String(v) : ''),
};
