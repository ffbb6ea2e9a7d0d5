import type { FeatureType } from '../../config/schema.js';
import type { CsvRecord } from '../csv/parser.js';
import type { RejectReason } from '../csv/cells.js';
import type { Levels } from './levels.js';

/**
 * A kind of feature column (config `feature_types`): what a cell may hold and how the column is
 * read, stored, hashed, profiled and summarised. One folder per kind (count/, number/, category/),
 * each exporting one FeatureKind; `kindOf` is the one way to get one.
 *
 * The data layer owns what every kind must do here. The rest — its drift test, its chart, its
 * API/OpenAPI schema, its SQL — belongs to layers above data, which cannot be imported from here:
 * each of those keeps a `Record<KindName, …>` table of its own (see `KindTable`), so a new kind is
 * a type error in every layer until that layer says how to handle it.
 */
export type KindName = FeatureType;

/** Every kind, in the order the config documents them. */
export const KIND_NAMES: readonly KindName[] = ['count', 'number', 'category'] as const satisfies readonly KindName[];

/** A per-kind hook table, filled by a layer above data (drift tests, charts, API schemas, SQL). */
export type KindTable<T> = { readonly [K in KindName]: T };

/** readCell's answer for a cell the kind refuses: the row is rejected with rejectReason(text). */
export const REJECTED = Number.NEGATIVE_INFINITY;

export interface FeatureKind {
  readonly name: KindName;
  /**
   * How values live in the column (Dataset.x[j], a Float64Array; NaN = missing):
   * "numeric" — the value itself; "code" — a dictionary code 0..k-1, its text in Dataset.levels[j].
   */
  readonly storage: 'numeric' | 'code';
  /** Values are whole numbers (integer chart bins, integer API fields). */
  readonly whole: boolean;
  /**
   * The column value of field `c` of a CSV record: a number, a code taken from `levels` (coded
   * kinds; new texts are added), NaN for a missing cell, or REJECTED.
   */
  readCell(rec: CsvRecord, c: number, levels: Levels | null): number;
  /** Why a cell's text was REJECTED: a stable reason code for the reject log and counts. */
  rejectReason(text: string): RejectReason;
  /** A stored value as CSV text (finaldata.csv, error messages); '' for missing. */
  format(v: number, levels: readonly string[] | null): string;
}
