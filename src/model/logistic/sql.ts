import type { SqlExport, SqlOptions } from '../fitted-model.js';
import type { ModelDocument } from '../../contracts/model-document.js';
import { OTHER_CATEGORY, type LogisticParams, type Term } from './params.js';

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
 * The model as SQL, so a warehouse computes its rows' risk where they live. Same arithmetic as
 * predictProba: z = intercept + Σ wⱼ·xⱼ (left to right, in double precision), a missing xⱼ
 * (NULL, or an empty or blank cell) replaced by the training median (COALESCE), p = 1 / (1 + exp(−z)). Coefficients are written in
 * JavaScript's shortest round-trip form, which both databases parse back to the same double.
 * exp() is only ever given a non-positive argument, clamped at −700, so it neither overflows
 * (PostgreSQL raises an error on overflow and underflow) nor loses the sign's precision:
 * the clamp changes p by less than 1e-300.
 * Standardized numeric terms are coef · (COALESCE(x, median) − mean) / scale. A category feature is
 * one CASE over its text (trimmed, as read from a file): the missing category's coefficient for
 * NULL or blank, each known category's for its text (quoted as an SQL string literal, quotes
 * doubled), else "(other)"'s when the model has one, else 0 — the one-hot terms.
 */
export function logisticSql(doc: ModelDocument, params: LogisticParams, opts: SqlOptions): SqlExport {
  const { dialect, table } = opts;
  const view = opts.view ?? 'riskwatch_scores';
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const qualified = (name: string) => name.split('.').map(q).join('.');
  const num = (v: number) => {
    if (!Number.isFinite(v)) throw new Error(`model ${doc.version}: a coefficient, median, mean or scale is not finite (${v})`);
    return `CAST(${String(v)} AS DOUBLE PRECISION)`;
  };
  // Missing is what predict reads as missing: NULL, and an empty or blank cell — '' or only white
  // space as String.prototype.trim sees it (cells.ts isBlank; a category is trimmed the same way),
  // what a table loaded from CSV holds. The emptiness test reads the value as text, so it works
  // on a text column and a numeric one alike (in PostgreSQL NULLIF(numeric, '') would fail to
  // parse ''); the value itself is cast straight to double, as before, so numeric columns keep
  // their exact conversion. CASE evaluates the cast only for a non-empty value.
  const trim = dialect === 'postgres' ? (x: string) => `BTRIM(${x}, ${POSTGRES_WHITE_SPACE})` : (x: string) => `TRIM(${x}, ${SQLITE_WHITE_SPACE})`;
  const value = (f: string) => `CASE WHEN ${trim(`CAST(${q(f)} AS TEXT)`)} = '' THEN NULL ELSE CAST(${q(f)} AS DOUBLE PRECISION) END`;
  const text = (f: string) => trim(`CAST(${q(f)} AS TEXT)`);
  const str = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const term = (t: Term): string => {
    if (t.kind === 'numeric') {
      const x = `COALESCE(${value(t.name)}, ${num(t.median)})`;
      return params.standardized ? `(${num(t.coef)} * (${x} - ${num(t.mean)})) / ${num(t.scale)}` : `${num(t.coef)} * ${x}`;
    }
    let missing = 0;
    let other = 0;
    const whens: string[] = [];
    t.categories.forEach((c, k) => {
      if (c === null) missing = t.coefs[k];
      else {
        if (c === OTHER_CATEGORY) other = t.coefs[k];
        whens.push(`WHEN ${text(t.name)} = ${str(c)} THEN ${num(t.coefs[k])}`);
      }
    });
    return ['CASE', `WHEN ${q(t.name)} IS NULL OR ${text(t.name)} = '' THEN ${num(missing)}`, ...whens, `ELSE ${num(other)} END`].join(' ');
  };
  const z = [num(params.intercept), ...params.terms.map(term)].join(' + ');
  const max = dialect === 'postgres' ? 'GREATEST' : 'MAX';
  const logistic = (zz: string) =>
    `CASE WHEN ${zz} >= 0 THEN 1.0 / (1.0 + EXP(${max}(-(${zz}), -700.0))) ELSE EXP(${max}(${zz}, -700.0)) / (1.0 + EXP(${max}(${zz}, -700.0))) END`;
  const expression = logistic(`(${z})`);
  const id = q(doc.idColumn);
  const threshold = String(params.threshold);
  const body = [
    `SELECT ${id}, probability, CASE WHEN probability > ${threshold} THEN 1 ELSE 0 END AS prediction`,
    `FROM (`,
    `  SELECT ${id}, ${logistic('riskwatch_z')} AS probability`,
    `  FROM (SELECT ${id}, ${z} AS riskwatch_z FROM ${qualified(table)}) AS riskwatch_linear`,
    `) AS riskwatch_scored`,
  ].join('\n');
  const names = params.terms.map((t) => t.name);
  const header = params.terms.every((t) => t.kind === 'numeric') && !params.standardized
    ? `-- riskwatch model ${doc.version} (${names.join(', ')}; missing values (NULL, '' or blank) → training medians), ${dialect}`
    : `-- riskwatch model ${doc.version} (${params.terms.map((t) => (t.kind === 'category' ? `${t.name}: category` : t.name)).join(', ')}; missing numbers (NULL, '' or blank) → training medians${params.standardized ? ', then standardized' : ''}; a missing category is a category of its own), ${dialect}`;
  const create = dialect === 'postgres' ? `CREATE OR REPLACE VIEW ${qualified(view)} AS\n${body};` : `DROP VIEW IF EXISTS ${qualified(view)};\nCREATE VIEW ${qualified(view)} AS\n${body};`;
  return { version: doc.version, dialect, table, view, expression, sql: `${header}\n${create}\n` };
}
