import type { SqlExport, SqlOptions } from '../fitted-model.js';
import type { ModelDocument } from '../../contracts/model-document.js';

/**
 * The model as SQL, so a warehouse computes its rows' risk where they live. Same arithmetic as
 * predictProba: z = intercept + Σ wⱼ·xⱼ (left to right, in double precision), a missing xⱼ
 * (NULL, or an empty or blank cell) replaced by the training median (COALESCE), p = 1 / (1 + exp(−z)). Coefficients are written in
 * JavaScript's shortest round-trip form, which both databases parse back to the same double.
 * exp() is only ever given a non-positive argument, clamped at −700, so it neither overflows
 * (PostgreSQL raises an error on overflow and underflow) nor loses the sign's precision:
 * the clamp changes p by less than 1e-300.
 */
export function logisticSql(doc: ModelDocument, opts: SqlOptions): SqlExport {
  const { dialect, table } = opts;
  const view = opts.view ?? 'riskwatch_scores';
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const qualified = (name: string) => name.split('.').map(q).join('.');
  const num = (v: number) => {
    if (!Number.isFinite(v)) throw new Error(`model ${doc.version}: a coefficient or median is not finite (${v})`);
    return `CAST(${String(v)} AS DOUBLE PRECISION)`;
  };
  // Missing is what predict reads as missing: NULL, and an empty cell — '' or only spaces/tabs,
  // what a table loaded from CSV holds. The emptiness test reads the value as text, so it works
  // on a text column and a numeric one alike (in PostgreSQL NULLIF(numeric, '') would fail to
  // parse ''); the value itself is cast straight to double, as before, so numeric columns keep
  // their exact conversion. CASE evaluates the cast only for a non-empty value.
  const trim = dialect === 'postgres' ? (x: string) => `BTRIM(${x}, ' ' || CHR(9))` : (x: string) => `TRIM(${x}, ' ' || CHAR(9))`;
  const value = (f: string) => `CASE WHEN ${trim(`CAST(${q(f)} AS TEXT)`)} = '' THEN NULL ELSE CAST(${q(f)} AS DOUBLE PRECISION) END`;
  const terms = doc.features.map((f) => `${num(doc.coefficients[f])} * COALESCE(${value(f)}, ${num(doc.medians[f])})`);
  const z = [num(doc.intercept), ...terms].join(' + ');
  const max = dialect === 'postgres' ? 'GREATEST' : 'MAX';
  const logistic = (zz: string) =>
    `CASE WHEN ${zz} >= 0 THEN 1.0 / (1.0 + EXP(${max}(-(${zz}), -700.0))) ELSE EXP(${max}(${zz}, -700.0)) / (1.0 + EXP(${max}(${zz}, -700.0))) END`;
  const expression = logistic(`(${z})`);
  const id = q(doc.idColumn);
  const threshold = String(doc.hyperParameters.threshold);
  const body = [
    `SELECT ${id}, probability, CASE WHEN probability > ${threshold} THEN 1 ELSE 0 END AS prediction`,
    `FROM (`,
    `  SELECT ${id}, ${logistic('riskwatch_z')} AS probability`,
    `  FROM (SELECT ${id}, ${z} AS riskwatch_z FROM ${qualified(table)}) AS riskwatch_linear`,
    `) AS riskwatch_scored`,
  ].join('\n');
  const header = `-- riskwatch model ${doc.version} (${doc.features.join(', ')}; missing values (NULL, '' or blank) → training medians), ${dialect}`;
  const create = dialect === 'postgres' ? `CREATE OR REPLACE VIEW ${qualified(view)} AS\n${body};` : `DROP VIEW IF EXISTS ${qualified(view)};\nCREATE VIEW ${qualified(view)} AS\n${body};`;
  return { version: doc.version, dialect, table, view, expression, sql: `${header}\n${create}\n` };
}
