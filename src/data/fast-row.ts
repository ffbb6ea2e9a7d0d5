import type { ColumnMap, TableSchema } from './columns.js';
import type { DatasetBuilder } from './dataset.js';
import { kindOf } from './kinds/index.js';
import type { LineBuffer } from './csv-rows.js';
import { rowLayout, type RowLayout, type TakeTarget } from './fast-row-layout.js';
import { takeSeedLayout } from './fast-row-seed.js';
import { takeAny } from './fast-row-any.js';

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
export class FastRows implements TakeTarget {
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
  private readonly layout: RowLayout;

  private constructor(
    map: ColumnMap,
    schema: TableSchema,
    readonly builder: DatasetBuilder,
    /** Missing cells per feature, counted as rows are taken. */
    readonly missing: Float64Array,
  ) {
    this.layout = rowLayout(map, schema, builder);
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
    const lay = this.layout;
    const lines = this.lines;
    if (lines !== null) {
      lines.catchUp(this.builder);
      if (lay.seedLayout || !lay.ordered) {
        // No line written while reading: these rows are formatted by the next catchUp.
        return lay.seedLayout ? takeSeedLayout(this, lay, data, p, len) : takeAny(this, lay, data, p, len);
      }
      // A row's line is at most 3 bytes per input byte, plus one (LINE_ROOM): room for all of them.
      // A row is at least `count` bytes (its commas and line break).
      lines.room(LINE_ROOM * (len - p) + 64, Math.floor((len - p) / lay.count) + 1);
    }
    return lay.seedLayout ? takeSeedLayout(this, lay, data, p, len) : takeAny(this, lay, data, p, len);
  }
}

/** A row's finaldata.csv line is at most this many bytes per byte of its input, plus one (see take). */
const LINE_ROOM = 4;
