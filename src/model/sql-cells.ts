import type { SqlDialect } from './fitted-model.js';

/**
 * Every UTF-16 unit String.prototype.trim removes (tab, LF, VT, FF, CR, space, no-break space,
 * the Unicode space separators, LS, PS, BOM): a cell of only these is blank for predict, so it is
 * for the view too. Derived from trim itself so the two cannot drift apart.
 */
const WHITE_SPACE: number[] = [];
for (let c = 0; c <= 0xffff; c++) if (String.fromCharCode(c).trim() === '') WHITE_SPACE.push(c);
// SQLite's TRIM(x, y) and PostgreSQL's BTRIM(x, y) remove characters (not bytes) of y from both ends.
const SQLITE_WHITE_SPACE = `CHAR(${WHITE_SPACE.join(', ')})`;
// An escape string literal (E'…', \uXXXX): one literal whatever standard_conforming_strings says.
// Code points above 127 need a UTF8 database (PostgreSQL's default), where such cells can exist.
const POSTGRES_WHITE_SPACE = `E'${WHITE_SPACE.map((c) => `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`).join('')}'`;

/**
 * What every family's SQL export writes the same way (logistic/sql.ts, gbdt/sql.ts): identifiers,
 * literals, how a feature cell is read, the view statement. One place, so a table scored by a
 * logistic model and by a tree model reads its cells identically — as predict reads the same file.
 */
export interface SqlCells {
  /** An identifier, quoted (quotes doubled). */
  q(name: string): string;
  /** A possibly schema-qualified name (schema.table), each part quoted. */
  qualified(name: string): string;
  /** A text as an SQL string literal (quotes doubled). */
  str(text: string): string;
  /**
   * A finite double in JavaScript's shortest round-trip form, cast to double precision: SQLite and
   * PostgreSQL parse it back to the same double (checked on 25,000 random bit patterns), and the
   * cast keeps PostgreSQL from doing the arithmetic in numeric. `what` names it in the error.
   */
  num(v: number, what: string): string;
  /**
   * A numeric feature's cell as a double, NULL when missing: NULL, and an empty or blank cell — ''
   * or only white space as String.prototype.trim sees it (cells.ts isBlank; a category is trimmed
   * the same way), what a table loaded from CSV holds. The emptiness test reads the value as text, so
   * it works on a text column and a numeric one alike (in PostgreSQL NULLIF(numeric, '') would
   * fail to parse ''); the value itself is cast straight to double, so numeric columns keep their
   * exact conversion. CASE evaluates the cast only for a non-empty value. PostgreSQL: a NaN
   * (double precision and numeric columns hold it, and 'NaN' as text casts to it) is missing too —
   * predict has no other reading of NaN, and PostgreSQL orders NaN above every number and makes
   * any arithmetic with it NaN. SQLite has no NaN (it stores NULL), so its SQL stays as it was.
   */
  value(column: string): string;
  /** A category feature's cell as trimmed text, as trim() trims it ('' when empty or blank, NULL when NULL). */
  text(column: string): string;
  /** The view statement for a SELECT: PostgreSQL replaces it, SQLite drops and creates it. */
  createView(view: string, body: string): string;
}

export function sqlCells(dialect: SqlDialect): SqlCells {
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const qualified = (name: string) => name.split('.').map(q).join('.');
  const trim = dialect === 'postgres' ? (x: string) => `BTRIM(${x}, ${POSTGRES_WHITE_SPACE})` : (x: string) => `TRIM(${x}, ${SQLITE_WHITE_SPACE})`;
  // NULLIF evaluates its first argument once; PostgreSQL's NaN = NaN is true (unlike IEEE).
  const notNaN = dialect === 'postgres' ? (x: string) => `NULLIF(${x}, CAST('NaN' AS DOUBLE PRECISION))` : (x: string) => x;
  return {
    q,
    qualified,
    str: (v) => `'${v.replace(/'/g, "''")}'`,
    num: (v, what) => {
      if (!Number.isFinite(v)) throw new Error(`${what} is not finite (${v})`);
      return `CAST(${String(v)} AS DOUBLE PRECISION)`;
    },
    value: (f) => `CASE WHEN ${trim(`CAST(${q(f)} AS TEXT)`)} = '' THEN NULL ELSE ${notNaN(`CAST(${q(f)} AS DOUBLE PRECISION)`)} END`,
    text: (f) => trim(`CAST(${q(f)} AS TEXT)`),
    createView: (view, body) =>
      dialect === 'postgres' ? `CREATE OR REPLACE VIEW ${qualified(view)} AS\n${body};` : `DROP VIEW IF EXISTS ${qualified(view)};\nCREATE VIEW ${qualified(view)} AS\n${body};`,
  };
}
