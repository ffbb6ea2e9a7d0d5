import type { CsvRecord } from '../../csv/parser.js';
import type { Levels } from '../levels.js';
import type { FeatureKind } from '../kind.js';

/**
 * `category`: any text — an industry, a plan, a yes/no flag. Surrounding white space is trimmed
 * (as for labels and numbers: " Yes" and "Yes" are one category); a cell that is empty or only
 * white space is missing. Never rejected: every text is a category. Stored as a dictionary code
 * (see levels.ts); finaldata.csv keeps the text.
 */
export const categoryKind: FeatureKind = {
  name: 'category',
  storage: 'code',
  whole: false,
  readCell(rec: CsvRecord, c: number, levels: Levels | null): number {
    const text = rec.text(c).trim();
    if (text === '') return Number.NaN;
    return levels!.code(text);
  },
  rejectReason: () => 'not_a_number', // never called: no text is refused
  format: (v, levels) => (v === v && levels ? levels[v] : ''),
};
