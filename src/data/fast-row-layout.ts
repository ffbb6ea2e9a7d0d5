import type { ColumnMap, TableSchema } from './columns.js';
import type { DatasetBuilder } from './dataset.js';
import { kindOf } from './kinds/index.js';
import { ByteLookup } from './kinds/category/byte-lookup.js';
import { DEFAULT_LABELS, labelBytes } from './csv/labels.js';
import type { LineBuffer } from './csv-rows.js';
import { COMMA, CR, LF, QUOTE } from './fast-row-bytes.js';

/** What the CSV fast path (fast-row.ts) knows about a file's header, worked out once for its loops. */
export interface RowLayout {
  /** Per column of the file: the feature it holds (0..), or ID, TARGET or SKIP. */
  readonly roles: Int32Array;
  /** Columns in the header. */
  readonly count: number;
  /** Features in the schema. */
  readonly nf: number;
  readonly requireId: boolean;
  /** The header is the seed's layout: id, the features in schema order, the label (counts only). */
  readonly seedLayout: boolean;
  /**
   * The id column comes before every feature and the features are in schema order (extra columns
   * and the label anywhere): the row hash can then be made cell by cell as the row is read, in
   * hashRow's order, instead of reading the row's values back afterwards.
   */
  readonly ordered: boolean;
  /** Per feature, a category column's byte lookup (null: a count); null when no feature is a category. */
  readonly lookups: (ByteLookup | null)[] | null;
  /** Per feature, 1 for a `number` column (a decimal), 0 for a count or a category. */
  readonly decimals: Uint8Array;
  /** The label values (target_positive / target_negative) as bytes; when each is one byte, those bytes (else -1). */
  readonly positive: Uint8Array;
  readonly negative: Uint8Array;
  readonly positiveByte: number;
  readonly negativeByte: number;
}

export const ID = -1;
export const TARGET = -2;
export const SKIP = -3;

/** The layout of files with this header (`builder`'s dictionaries give the category lookups). */
export function rowLayout(map: ColumnMap, schema: TableSchema, builder: DatasetBuilder): RowLayout {
  const roles = new Int32Array(map.count).fill(SKIP);
  roles[map.id] = ID;
  if (map.target >= 0) roles[map.target] = TARGET;
  map.features.forEach((c, j) => (roles[c] = j));
  const nf = schema.features.length;
  const labels = labelBytes(schema.labels ?? DEFAULT_LABELS);
  // A label byte that is part of the CSV syntax never matches here: the general path decides.
  const plain = (b: Uint8Array) => (b.length === 1 && b[0] !== COMMA && b[0] !== QUOTE && b[0] !== CR && b[0] !== LF ? b[0] : -1);
  let positiveByte = plain(labels.positive);
  let negativeByte = plain(labels.negative);
  if (positiveByte < 0 || negativeByte < 0) positiveByte = negativeByte = -1;
  const lookups = builder.levels.map((l) => (l ? new ByteLookup(l) : null));
  const anyCategory = lookups.some((l) => l !== null);
  const decimals = Uint8Array.from(schema.features, (f) => (kindOf(schema.featureTypes[f]).name === 'number' ? 1 : 0));
  const anyDecimal = decimals.includes(1);
  return {
    roles,
    count: map.count,
    nf,
    requireId: schema.requireId,
    // The seed's layout path reads counts only; a table with categories or numbers takes takeAny.
    seedLayout: !anyCategory && !anyDecimal && map.count === nf + 2 && map.id === 0 && map.target === nf + 1 && map.features.every((c, j) => c === j + 1),
    ordered: map.features.every((c, j) => c > map.id && (j === 0 || c > map.features[j - 1])),
    lookups: anyCategory ? lookups : null,
    decimals,
    positive: labels.positive,
    negative: labels.negative,
    positiveByte,
    negativeByte,
  };
}

/** Where a fast-path loop appends its rows (FastRows), and what it reports back. */
export interface TakeTarget {
  readonly builder: DatasetBuilder;
  /** Missing cells per feature, counted as rows are taken. */
  readonly missing: Float64Array;
  /** The rows' finaldata.csv lines, when kept (see FastRows.lines). */
  lines: LineBuffer | null;
  /** Rows (each one line) the last take appended. */
  taken: number;
  /** Rows appended by every take so far. */
  total: number;
}

/** Rows [first, r) were filled: count them into the builder; returns `rowStart`. */
export function finishTake(fr: TakeTarget, r: number, first: number, idEnd: number, rowStart: number): number {
  fr.taken = r - first;
  fr.total += r - first;
  if (r !== first) {
    const b = fr.builder;
    b.ids.length = r;
    b.ids.end = idEnd;
    b.rows = r;
  }
  return rowStart;
}
