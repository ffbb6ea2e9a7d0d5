import type { SqlExport, SqlOptions } from '../fitted-model.js';
import type { GbdtDocument2, GbdtDocumentTree } from '../../contracts/model-document.js';
import { OTHER } from '../../data/kinds/category/counts.js';
import { DataError } from '../../util/errors.js';
import { sqlCells } from '../sql-cells.js';

/**
 * Trees per step. The SQL reads each cell once (a first step, riskwatch_cells: trimmed, typed
 * features under their own names), then adds VIEW_TREES_PER_LEVEL trees a step to the previous
 * step's sum — a chain of CTEs, not one expression: a left-deep chain of n additions is n deep and
 * SQLite refuses an expression deeper than 1000, while the chain keeps predict's order of addition
 * (baseScore, then tree 0, 1, …) and so the very same double. Small steps also keep each
 * projection PostgreSQL's JIT compiles small (docs/model.md has the measurements).
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
 * missing — on PostgreSQL a NaN too —, numbers cast to double, categories trimmed text). A number goes left when value ≤
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
  // Per category feature: the texts it knows and which way a text it does not know goes at a
  // node — with "(other)" whichever way "(other)" goes, without it the missing way.
  const known = features.map((f) => (f.type === 'category' ? (f.categories ?? []).filter((c): c is string => c !== null) : null));

  function treeSql(tree: GbdtDocumentTree, ti: number, sep: string): string {
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
      const x = q(spec.name);
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
  const min = dialect === 'postgres' ? 'LEAST' : 'MIN';
  const max = dialect === 'postgres' ? 'GREATEST' : 'MAX';
  const logistic = (z: string) => `1.0 / (1.0 + EXP(${min}(${max}(-(${z}), -700.0), 700.0)))`;

  // Each step ends with OFFSET 0 (SQLite: LIMIT -1 OFFSET 0), which keeps both databases from
  // merging it into the step that reads it: merged, every mention of a feature in a condition
  // becomes a copy of its cell-reading expression, evaluated anew (100 trees of 31 leaves on 6,000
  // rows: SQLite 16.8 s CPU merged, 0.45 s not; PostgreSQL 48 s and 1.0 s), and PostgreSQL's JIT
  // compiles the copies into one huge function (a query not finished after 45 minutes).
  const fence = dialect === 'postgres' ? 'OFFSET 0' : 'LIMIT -1 OFFSET 0';
  const reads = features.map((f) => `${f.type === 'category' ? `NULLIF(${cells.text(f.name)}, '')` : cells.value(f.name)} AS ${q(f.name)}`);
  const featureList = features.map((f) => q(f.name)).join(', ');
  const stepList: number[][] = [];
  for (let t = 0; t < trees.length; t += VIEW_TREES_PER_LEVEL) stepList.push(trees.slice(t, t + VIEW_TREES_PER_LEVEL).map((_, k) => t + k));
  if (stepList.length === 0) stepList.push([]);
  const treeSqls = trees.map((t, ti) => treeSql(t, ti, '\n      '));
  /**
   * The steps as CTEs, the last one's sum in `zAlias`. `id`: the id column carried along (the
   * view), or none (the expression, whose first step reads the row of the query around it).
   */
  const steps = (id: string | null, source: string) => {
    const select = id === null ? 'SELECT' : `SELECT ${q(idAlias)},`;
    const first = id === null ? reads : [`${id} AS ${q(idAlias)}`, ...reads];
    const ctes = [`riskwatch_cells AS (\n  SELECT ${first.join(',\n    ')}${source}\n  ${fence}\n)`];
    stepList.forEach((c, k) => {
      const terms = [k === 0 ? base : q(zAlias), ...c.map((t) => treeSqls[t])];
      const pass = k < stepList.length - 1 ? `, ${featureList}` : '';
      ctes.push(`riskwatch_trees${k} AS (\n  ${select}\n    ${terms.join('\n    + ')} AS ${q(zAlias)}${pass}\n  FROM ${k === 0 ? 'riskwatch_cells' : `riskwatch_trees${k - 1}`}\n  ${fence}\n)`);
    });
    return `WITH ${ctes.join(',\n')}`;
  };
  const last = `riskwatch_trees${stepList.length - 1}`;
  // The expression is a scalar subquery over the row of the SELECT it is embedded in (its first
  // step has no FROM: the feature names are that row's columns), so it too reads each cell once.
  const expression = `(${steps(null, '')}\nSELECT ${logistic(q(zAlias))} FROM ${last})`;
  const id = q(doc.idColumn);
  const threshold = String(doc.threshold);
  const body = [
    steps(id, `\n  FROM ${qualified(table)}`),
    `SELECT ${id}, probability, CASE WHEN probability > ${threshold} THEN 1 ELSE 0 END AS prediction`,
    `FROM (`,
    `  SELECT ${q(idAlias)} AS ${id}, ${logistic(q(zAlias))} AS probability`,
    `  FROM ${last}`,
    `) AS riskwatch_scored`,
  ].join('\n');
  const list = features.map((f) => (f.type === 'category' ? `${f.name}: category` : f.name)).join(', ');
  const header = `-- riskwatch model ${doc.version} (gbdt, ${trees.length} trees over ${list}; a missing value (NULL, '' or blank${dialect === 'postgres' ? ', NaN' : ''}) goes each split's learned way, a category not seen in training "(other)"'s way or else the missing way), ${dialect}`.replace(/[\r\n]+/g, ' ');
  return { version: doc.version, dialect, table, view, expression, sql: `${header}\n${cells.createView(view, body)}\n` };
}
