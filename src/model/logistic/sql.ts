import type { SqlExport, SqlOptions } from '../fitted-model.js';
import type { ModelDocument } from '../../contracts/model-document.js';
import { OTHER_CATEGORY, type LogisticParams, type Term } from './params.js';
import { sqlCells } from '../sql-cells.js';

/**
 * The model as SQL, so a warehouse computes its rows' risk where they live. Same arithmetic as
 * predictProba: z = intercept + Σ wⱼ·xⱼ (left to right, in double precision), a missing xⱼ
 * (NULL, an empty or blank cell, on PostgreSQL a NaN) replaced by the training median (COALESCE), p = 1 / (1 + exp(−z)). Coefficients are written in
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
  const cells = sqlCells(dialect);
  const { q, qualified, str, value, text, createView } = cells;
  const num = (v: number) => cells.num(v, `model ${doc.version}: a coefficient, median, mean or scale`);
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
  const nan = dialect === 'postgres' ? ', NaN' : '';
  const header = params.terms.every((t) => t.kind === 'numeric') && !params.standardized
    ? `-- riskwatch model ${doc.version} (${names.join(', ')}; missing values (NULL, '' or blank${nan}) → training medians), ${dialect}`
    : `-- riskwatch model ${doc.version} (${params.terms.map((t) => (t.kind === 'category' ? `${t.name}: category` : t.name)).join(', ')}; missing numbers (NULL, '' or blank${nan}) → training medians${params.standardized ? ', then standardized' : ''}; a missing category is a category of its own), ${dialect}`;
  return { version: doc.version, dialect, table, view, expression, sql: `${header}\n${createView(view, body)}\n` };
}
