import { DataError, UsageError } from '../util/errors.js';
import type { ColumnProfile } from './column-profile.js';
import { categorySeparation, LEAK_AUC, MIN_CLASS, numericSeparation } from './leak.js';
import { isCodeName, isDateName, isIdName, isTargetName, meansLeaving, meansStaying } from './names.js';
import type { TableProfile } from './profile-table.js';

/**
 * What `init` decides for every column, and why. The rules, in the order they apply (the
 * reasons name the figures measured; docs/cli.md lists the thresholds):
 *   target     --target, else the first column named like churn/exited/attrition/left/cancelled
 *              with exactly two values; else a two-valued column whose values say leaving
 *              ("Churned"). The positive value is the one meaning leaving.
 *   id         --id, else the column named like an id, else the most nearly unique text (or digit
 *              code) column: at least ID_SHARE of its filled cells distinct.
 *   ignored    empty; constant; dates and times; identifier-like (nearly unique text, digit
 *              codes: leading zeros, a postal/phone name, or one length of 7+ digits); free text;
 *              a leak (leak.ts).
 *   feature    count (whole non-negative numbers), number (other numbers), category (text).
 */
export type FeatureKind = 'count' | 'number' | 'category';

export interface ColumnDecision {
  name: string;
  role: 'id' | 'target' | 'feature' | 'ignored';
  type?: FeatureKind;
  positive?: string;
  negative?: string;
  reason: string;
}

export interface Decisions {
  columns: ColumnDecision[];
  id: string;
  target: { name: string; positive: string; negative: string };
  features: string[];
  featureTypes: Record<string, FeatureKind>;
  warnings: string[];
}

/** Filled cells that must be distinct for an id, or for text to count as identifier-like. */
export const ID_SHARE = 0.95;
/** More distinct values than this (and ≥ FREE_TEXT_SHARE of the cells, or ≥ 3 words a cell): free text. */
export const MAX_CATEGORIES = 50;
export const FREE_TEXT_SHARE = 0.5;
/** Date-looking share of the filled cells for a date column. */
const DATE_SHARE = 0.9;
/** Number share of the filled cells for a numeric column with a few stray text cells. */
const NUMBER_SHARE = 0.98;

const q = (s: string) => JSON.stringify(s);
const pct = (v: number) => `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`;
const n = (v: number) => v.toLocaleString('en-US');

export function decideColumns(t: TableProfile, opts: { target?: string; id?: string } = {}): Decisions {
  const warnings: string[] = [];
  const byName = new Map(t.columns.map((c) => [c.name, c]));
  const named = (flag: string, name: string | undefined) => {
    if (name === undefined) return undefined;
    const c = byName.get(name);
    if (!c) throw new UsageError(`${flag} ${name}: no such column in ${t.file} (columns: ${t.header.join(', ')})`);
    return c;
  };

  const target = named('--target', opts.target) ?? findTarget(t);
  const labels = labelValues(t.file, target);
  const idCol = named('--id', opts.id) ?? findId(t, target);
  if (idCol === target) throw new UsageError(`--id ${idCol.name}: the same column as the target`);
  if (idCol.blank) warnings.push(`${n(idCol.blank)} rows have no ${idCol.name} (the id): ingest rejects them (missing_id)`);
  if (target.blank) warnings.push(`${n(target.blank)} rows have no ${target.name} (the label): they are kept as rows without a label yet`);
  if (t.badFieldCount.rows) warnings.push(`${n(t.badFieldCount.rows)} rows (the first on line ${t.badFieldCount.firstLine}) have a different number of fields than the header: ingest rejects them (field_count)`);

  const decisions = new Map<string, ColumnDecision>();
  decisions.set(target.name, { name: target.name, role: 'target', positive: labels.positive, negative: labels.negative, reason: labels.reason });
  decisions.set(idCol.name, { name: idCol.name, role: 'id', reason: `identifies the client: ${idCol.distinctText} distinct values in ${n(idCol.filled)} filled rows` });

  for (const c of t.columns) {
    if (decisions.has(c.name)) continue;
    decisions.set(c.name, { name: c.name, ...kindOf(c, warnings) });
  }

  checkLeaks(t, target, labels.positive, decisions, warnings);

  const columns = t.header.map((h) => decisions.get(h)!);
  const features = columns.filter((d) => d.role === 'feature');
  if (!features.length) throw new DataError(`${t.file}: no column can be a feature (every column other than the id and the target was left out; see the reasons with --json)`);
  return {
    columns,
    id: idCol.name,
    target: { name: target.name, positive: labels.positive, negative: labels.negative },
    features: features.map((f) => f.name),
    featureTypes: Object.fromEntries(features.map((f) => [f.name, f.type!])),
    warnings,
  };
}

function findTarget(t: TableProfile): ColumnProfile {
  const byName = t.columns.filter((c) => isTargetName(c.name));
  const two = byName.find((c) => c.distinct === 2);
  if (two) return two;
  // Values that say leaving ("Churned" / "Active") in a column not named so.
  const byValue = t.columns.find((c) => c.distinct === 2 && c.counts && [...c.counts.keys()].some((v) => meansLeaving(v) && !/^(1|yes|y|true|t)$/i.test(v)));
  if (byValue) return byValue;
  if (byName.length) {
    const c = byName[0];
    if (c.filled === 0) throw new DataError(`${t.file}: column ${c.name} looks like the target but every cell is blank`);
    if (c.distinct === 1) throw new DataError(`${t.file}: column ${c.name} looks like the target but holds one value only (${q(c.top(1)[0][0])}): a target needs rows that left and rows that stayed`);
    const some = c.top(5).map(([v]) => q(v));
    throw new DataError(`${t.file}: column ${c.name} looks like the target but has ${n(c.distinct)} values (${some.join(', ')}${c.distinct > 5 ? ', …' : ''}): a target needs exactly two (name another with --target)`);
  }
  throw new DataError(`${t.file}: no target column found: expected a column with two values named like churn, churned, exited, attrition, left or cancelled (name it with --target COLUMN)`);
}

/** The two label values, which one means leaving, and why. */
function labelValues(file: string, c: ColumnProfile): { positive: string; negative: string; reason: string } {
  const vals = c.counts ? [...c.counts.keys()] : [];
  if (vals.length !== 2) {
    const what = c.filled === 0 ? 'every cell is blank' : vals.length === 1 ? `holds one value only (${q(vals[0])})` : `has ${n(c.distinct)} values`;
    throw new DataError(`${file}: target column ${c.name} ${what}: a target needs exactly two values, one for clients who left and one for clients who stayed`);
  }
  const [a, b] = vals;
  const counts = `${q(a)} ${n(c.counts!.get(a)!)}, ${q(b)} ${n(c.counts!.get(b)!)}`;
  const leaving = vals.filter(meansLeaving);
  const staying = vals.filter(meansStaying);
  let positive: string | undefined;
  if (leaving.length === 1) positive = leaving[0];
  else if (staying.length === 1) positive = vals.find((v) => v !== staying[0]);
  let reason: string;
  if (positive !== undefined) reason = `the label (${counts}); ${q(positive)} means the client left`;
  else {
    // Neither value says which: the rarer one is taken as leaving (clients who leave are the few).
    positive = c.counts!.get(a)! <= c.counts!.get(b)! ? a : b;
    reason = `the label (${counts}); neither value says which means leaving: the rarer, ${q(positive)}, is taken (check target_positive)`;
  }
  return { positive, negative: positive === a ? b : a, reason };
}

function findId(t: TableProfile, target: ColumnProfile): ColumnProfile {
  // Words with spaces are names or notes, not keys; a decimal is a measure.
  const keyLike = (c: ColumnProfile) => c !== target && c.filled > 0 && !isDecimal(c) && c.withSpace < 0.5 * c.filled;
  const unique = (c: ColumnProfile) => c.distinctShare >= ID_SHARE;
  // A client seen over several months repeats its id: a column named like an id qualifies with
  // many values even when they repeat (a "plan_code" with five does not).
  const candidates = t.columns.filter((c) => keyLike(c) && (unique(c) || (isIdName(c.name) && c.distinct > MAX_CATEGORIES)));
  const rank = (c: ColumnProfile) => (isIdName(c.name) ? 4 : 0) + (unique(c) ? 2 : 0) + (c.allNumbers ? 0 : 1);
  const best = candidates.sort((a, b) => rank(b) - rank(a) || b.distinctShare - a.distinctShare)[0];
  if (best) return best;
  throw new DataError(`${t.file}: no id column found: expected a text column with one value per client, unique or nearly (name it with --id COLUMN)`);
}

const isDecimal = (c: ColumnProfile) => c.allNumbers && c.digitsOnly < c.filled;

function kindOf(c: ColumnProfile, warnings: string[]): Omit<ColumnDecision, 'name'> {
  const ignored = (reason: string) => ({ role: 'ignored' as const, reason });
  if (c.filled === 0) return ignored('empty: every cell is blank');
  if (c.distinct === 1) return ignored(`constant: every filled cell is ${q(c.top(1)[0][0])}`);
  const example = q(c.example);
  if (c.dateLike >= DATE_SHARE * c.filled || (isDateName(c.name) && c.digitsOnly === c.filled)) return ignored(`dates and times: ${pct(c.dateLike / c.filled)} of the cells (e.g. ${example}), not a feature as such`);
  const numeric = c.numbers >= NUMBER_SHARE * c.filled;
  if (numeric && c.digitsOnly === c.numbers) {
    // Digits only: a count, unless it is a code (a place, a phone, an account) that only looks numeric.
    const why = c.leadingZero > 0 ? `${n(c.leadingZero)} with a leading zero` : isCodeName(c.name) ? 'named like a code' : c.digitLengths.size === 1 && [...c.digitLengths][0] >= 7 && c.distinct > MAX_CATEGORIES ? `all ${[...c.digitLengths][0]} digits long` : null;
    if (why) return ignored(`identifier-like: a code, not a quantity (${c.distinctText} distinct digit strings, ${why})`);
    if (c.distinctShare >= 0.99 && isIdName(c.name) && c.filled > MAX_CATEGORIES) return ignored(`identifier-like: ${c.distinctText} distinct whole numbers in ${n(c.filled)} rows, named like an id`);
  }
  if (numeric) {
    const type: FeatureKind = c.digitsOnly === c.numbers ? 'count' : 'number';
    if (c.numbers < c.filled) warnings.push(`${c.name}: ${n(c.filled - c.numbers)} cells are not numbers (e.g. ${c.textExamples.map(q).join(', ')}): ingest rejects those rows (not_a_number); blank them to keep the rows`);
    return { role: 'feature', type, reason: type === 'count' ? 'whole numbers ≥ 0' : 'numbers (decimals or negatives)' };
  }
  const d = c.distinct;
  const words = c.words / c.filled;
  if (d > MAX_CATEGORIES && c.distinctShare >= ID_SHARE && c.withSpace < 0.5 * c.filled) return ignored(`identifier-like: ${c.distinctText} distinct values in ${n(c.filled)} filled rows (nearly unique text)`);
  if (d > MAX_CATEGORIES && (c.distinctShare >= FREE_TEXT_SHARE || words >= 3)) return ignored(`free text: ${c.distinctText} distinct values in ${n(c.filled)} filled rows (${words.toFixed(1)} words a cell)`);
  if (d > MAX_CATEGORIES) warnings.push(`${c.name}: ${c.distinctText} categories; the ${MAX_CATEGORIES} most frequent are kept, the rest are one "(other)" level`);
  return { role: 'feature', type: 'category', reason: `text with ${n(d)} values (e.g. ${c.top(3).map(([v]) => q(v)).join(', ')})` };
}

function checkLeaks(t: TableProfile, target: ColumnProfile, positive: string, decisions: Map<string, ColumnDecision>, warnings: string[]): void {
  const ti = t.header.indexOf(target.name);
  const rows = t.sample.filter((r) => r[ti] !== '');
  const labels = Uint8Array.from(rows, (r) => (r[ti] === positive ? 1 : 0));
  let pos = 0;
  for (const l of labels) pos += l;
  if (pos < MIN_CLASS || rows.length - pos < MIN_CLASS) {
    warnings.push(`not checked for leaks: fewer than ${MIN_CLASS} labelled rows of each class (${n(pos)} left, ${n(rows.length - pos)} stayed)`);
    return;
  }
  t.header.forEach((h, j) => {
    const d = decisions.get(h)!;
    if (d.role !== 'feature') return;
    const values = rows.map((r) => r[j]);
    const sep = d.type === 'category' ? categorySeparation(values, labels) : numericSeparation(values, labels);
    if (sep >= LEAK_AUC) {
      decisions.set(h, { name: h, role: 'ignored', reason: `leak: alone separates ${target.name} almost perfectly (single-feature AUC ${sep.toFixed(3)} ≥ ${LEAK_AUC} on ${n(rows.length)} labelled rows); riskwatch must not train on it` });
    }
  });
}
