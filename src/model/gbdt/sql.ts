import type { SqlExport, SqlOptions } from '../fitted-model.js';
import type { GbdtDocument2, GbdtDocumentTree } from '../../contracts/model-document.js';
import { OTHER } from '../../data/kinds/category/counts.js';
import { DataError } from '../../util/errors.js';
import { sqlCells } from '../sql-cells.js';

/**
 * Trees summed in one left-deep chain of `+` in `expression`. SQLite refuses an expression deeper
 * than 1000 (and its parser has a fixed stack); a chain of n additions is n deep. `expression`,
 * one expression, adds chunks of 100 (rounding may differ from predict's in the last bits, ~1e-16).
 */
const TREES_PER_SUM = 100;
/**
 * Trees per subquery in the view. Each subquery adds its trees to the previous one's sum, which
 * keeps predict's order of addition (baseScore, then tree 0, 1, …) and so the very same double,
 * and keeps each projection small: PostgreSQL compiles a projection into one function when the
 * query is costly enough for JIT (any big table), and LLVM's time grows faster than the
 * function's size — VIEW_TREES_PER_LEVEL is measured in docs/model.md.
 */
const VIEW_TREES_PER_LEVEL = 10;
const TRUE = '1 = 1';
const FALSE = '1 = 0';

/**
 * A gbdt document as SQL (docs/model.md, "Predicting inside the database"): z = baseScore + one
 * CASE per tree, p = 1 / (1 + e^−z) as predict computes it (exponent clamped to ±700, which also
 * keeps PostgreSQL from raising on overflow or underflow).
 *
 * Each tree is written flat, one WHEN per leaf, never as nested CASEs: a tree grown 30 levels deep
 * would nest 30 CASEs, and SQLite's parser stack overflows on far less than 100 trees of that.
 * A CASE takes the first WHEN that holds, so a leaf needs only the conditions that tell it from
 * the leaves written before it: at each split, the child with fewer leaves is written first,
 * each of its leaves with the condition "goes to that child"; a leaf of the other child then needs
 * nothing for this split (every leaf of the first child already failed, and between them they
 * cover every row that goes that way). A leaf so carries at most log2(leaves) conditions (≤ 4
 * for 31 leaves, 1 on a chain), and the last leaf is the ELSE.
 *
 * A condition must be true exactly when the row goes that way (a NULL counts as false in WHEN
 * and in AND). Cells are read as the logistic export reads them (sql-cells.ts: NULL or blank is
 * missing, numbers cast to double, categories trimmed text). A number goes left when value ≤
 * threshold (a NaN threshold: never, as in JavaScript — PostgreSQL would order NaN above every
 * number); a category goes left when its text is in the node's `categories`. A text not among
 * the feature's `categories` counts as "(other)" when the model has it (categories folded in
 * training, as the model reads it), else it goes the missing way — written without the feature's
 * list: "not among the texts that go the other way" when unseen texts go this way.
 */
export function gbdtSql(doc: GbdtDocument2, opts: SqlOptions): SqlExport {
  const { dialect, table } = opts;
  const view = opts.view ?? 'riskwatch_scores';
  const cells = sqlCells(dialect);
  const { q, qualified, str } = cells;
  const num = (v: number, what: string) => cells.num(v, `model ${doc.version}: ${what}`);
  const infinity = (sign: string) => (dialect === 'postgres' ? `CAST('${sign}Infinity' AS DOUBLE PRECISION)` : `${sign}9e999`);
  const bound = (v: number) => (v === Infinity ? infinity('') : v === -Infinity ? infinity('-') : num(v, 'a threshold'));
  const inList = (x: string, texts: readonly string[], not: boolean) =>
    texts.length === 0 ? (not ? TRUE : FALSE) : texts.length === 1 ? `${x} ${not ? '<>' : '='} ${str(texts[0])}` : `${x} ${not ? 'NOT IN' : 'IN'} (${texts.map(str).join(', ')})`;

  const features = doc.features;
  const names = new Set(features.map((f) => f.name.toLowerCase()));
  const fresh = (name: string): string => (names.has(name) ? fresh(`${name}_`) : name);
  const idAlias = fresh('riskwatch_id');
  const zAlias = fresh('riskwatch_z');
  /** The feature cell's value as the tree conditions read it: straight from the table, or the cells subquery's column. */
  const read = (j: number, inline: boolean) => {
    const f = features[j];
    if (!inline) return q(f.name);
    return f.type === 'category' ? `NULLIF(${cells.text(f.name)}, '')` : cells.value(f.name);
  };
  // Per category feature: the texts it knows and which way a text it does not know goes at a
  // node — with "(other)" whichever way "(other)" goes, without it the missing way.
  const known = features.map((f) => (f.type === 'category' ? (f.categories ?? []).filter((c): c is string => c !== null) : null));

  function treeSql(tree: GbdtDocumentTree, ti: number, inline: boolean, sep: string): string {
    const n = tree.feature.length;
    const where = (i: number) => `model ${doc.version}: tree ${ti} node ${i}`;
    for (const k of ['threshold', 'categories', 'missingLeft', 'left', 'right', 'value'] as const) {
      if (tree[k].length !== n) throw new DataError(`model ${doc.version}: tree ${ti} has ${n} nodes in "feature" but ${tree[k].length} in "${k}"`);
    }
    const leaves = new Array<number>(n).fill(0);
    const count = (i: number): number => {
      if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new DataError(`model ${doc.version}: tree ${ti} refers to node ${i}; it has ${n}`);
      if (leaves[i] !== 0) throw new DataError(`${where(i)} is reached twice: the nodes do not form a tree`);
      leaves[i] = tree.feature[i] < 0 ? 1 : count(tree.left[i]) + count(tree.right[i]);
      return leaves[i];
    };
    count(0);

    /** The condition "the row goes to the `side` child of node i". */
    const goes = (i: number, side: 'left' | 'right'): string => {
      const j = tree.feature[i];
      const spec = features[j];
      if (!Number.isInteger(j) || !spec) throw new DataError(`${where(i)} splits on feature ${j}, which the document does not have`);
      const x = read(j, inline);
      const missingHere = tree.missingLeft[i] === (side === 'left');
      let p: string; // for a non-missing value
      const texts = tree.categories[i];
      const kn = known[j];
      if (kn) {
        if (texts === null) throw new DataError(`${where(i)} splits the category feature "${spec.name}" without a category list`);
        const left = kn.filter((c) => texts.includes(c));
        const right = kn.filter((c) => !texts.includes(c));
        const [here, there] = side === 'left' ? [left, right] : [right, left];
        const unseenHere = kn.includes(OTHER) ? here.includes(OTHER) : missingHere;
        p = unseenHere ? inList(x, there, true) : inList(x, here, false);
      } else {
        if (texts !== null) throw new DataError(`${where(i)} lists categories for the numeric feature "${spec.name}"`);
        const t = tree.threshold[i];
        if (Number.isNaN(t)) p = side === 'left' ? FALSE : TRUE;
        else p = `${x} ${side === 'left' ? '<=' : '>'} ${bound(t)}`;
      }
      // p is NULL exactly when the value is (a comparison or IN list with literals): COALESCE sends
      // the missing value this way without reading the cell twice.
      if (missingHere) return p === TRUE ? TRUE : p === FALSE ? `${x} IS NULL` : `COALESCE(${p}, ${TRUE})`;
      return p === TRUE ? `${x} IS NOT NULL` : p;
    };

    const whens: Array<{ conditions: string[]; value: number }> = [];
    const walk = (i: number, conditions: string[]) => {
      if (tree.feature[i] < 0) {
        whens.push({ conditions, value: tree.value[i] });
        return;
      }
      const [first, side, second] = leaves[tree.left[i]] <= leaves[tree.right[i]] ? [tree.left[i], 'left' as const, tree.right[i]] : [tree.right[i], 'right' as const, tree.left[i]];
      walk(first, [...conditions, goes(i, side)]);
      walk(second, conditions);
    };
    walk(0, []);
    const leaf = (v: number) => num(v, `tree ${ti}'s leaf value`);
    const last = whens.pop()!;
    if (whens.length === 0) return leaf(last.value);
    const arms = whens.map((w) => `WHEN ${w.conditions.filter((c) => c !== TRUE).join(' AND ') || TRUE} THEN ${leaf(w.value)}`);
    return `CASE${sep}${arms.join(sep)}${sep}ELSE ${leaf(last.value)} END`;
  }

  const trees = doc.gbdt.trees;
  const base = num(doc.gbdt.baseScore, 'baseScore');
  const chunked = (size: number) => {
    const chunks: number[][] = [];
    for (let t = 0; t < trees.length; t += size) chunks.push(trees.slice(t, t + size).map((_, k) => t + k));
    return chunks.length === 0 ? [[]] : chunks;
  };

  const min = dialect === 'postgres' ? 'LEAST' : 'MIN';
  const max = dialect === 'postgres' ? 'GREATEST' : 'MAX';
  const logistic = (z: string) => `1.0 / (1.0 + EXP(${min}(${max}(-(${z}), -700.0), 700.0)))`;

  const inlineSum = chunked(TREES_PER_SUM).map((c, k) => `(${[...(k === 0 ? [base] : []), ...c.map((t) => treeSql(trees[t], t, true, ' '))].join(' + ')})`).join(' + ');
  const expression = logistic(inlineSum);

  // The view reads each cell once (riskwatch_cells: trimmed, typed features under their own
  // names), then sums the trees over those columns, VIEW_TREES_PER_LEVEL trees a step, each step a
  // CTE of its own (a chain, not nested subqueries: no parser depth however many trees). Each
  // step ends with OFFSET 0 (SQLite: LIMIT -1 OFFSET 0), which keeps both databases from merging
  // it into the query that reads it: merged, every mention of a feature in a condition becomes a
  // copy of its cell-reading expression, evaluated anew (100 trees of 31 leaves on 6,000 rows:
  // SQLite 16.8 s CPU merged, 0.45 s not; PostgreSQL 48 s and 1.0 s), and PostgreSQL's JIT
  // compiles the copies into one huge function (a query not finished after 30 minutes).
  const fence = dialect === 'postgres' ? 'OFFSET 0' : 'LIMIT -1 OFFSET 0';
  const id = q(doc.idColumn);
  const reads = features.map((f, j) => `${f.type === 'category' ? `NULLIF(${cells.text(f.name)}, '')` : cells.value(f.name)} AS ${read(j, false)}`);
  const ctes = [`riskwatch_cells AS (\n  SELECT ${id} AS ${q(idAlias)},\n    ${reads.join(',\n    ')}\n  FROM ${qualified(table)}\n  ${fence}\n)`];
  const steps = chunked(VIEW_TREES_PER_LEVEL);
  steps.forEach((c, k) => {
    const terms = [k === 0 ? base : q(zAlias), ...c.map((t) => treeSql(trees[t], t, false, '\n      '))];
    const pass = k < steps.length - 1 ? `, ${features.map((_, j) => read(j, false)).join(', ')}` : '';
    ctes.push(`riskwatch_trees${k} AS (\n  SELECT ${q(idAlias)},\n    ${terms.join('\n    + ')} AS ${q(zAlias)}${pass}\n  FROM ${k === 0 ? 'riskwatch_cells' : `riskwatch_trees${k - 1}`}\n  ${fence}\n)`);
  });
  const threshold = String(doc.threshold);
  const body = [
    `WITH ${ctes.join(',\n')}`,
    `SELECT ${id}, probability, CASE WHEN probability > ${threshold} THEN 1 ELSE 0 END AS prediction`,
    `FROM (`,
    `  SELECT ${q(idAlias)} AS ${id}, ${logistic(q(zAlias))} AS probability`,
    `  FROM riskwatch_trees${steps.length - 1}`,
    `) AS riskwatch_scored`,
  ].join('\n');
  const list = features.map((f) => (f.type === 'category' ? `${f.name}: category` : f.name)).join(', ');
  const header = `-- riskwatch model ${doc.version} (gbdt, ${trees.length} trees over ${list}; a missing value (NULL, '' or blank) goes each split's learned way, a category not seen in training "(other)"'s way or else the missing way), ${dialect}`.replace(/[\r\n]+/g, ' ');
  return { version: doc.version, dialect, table, view, expression, sql: `${header}\n${cells.createView(view, body)}\n` };
}
