import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import type { GbdtDocument2 } from '../../../src/contracts/model-document.ts';
import { loadModel, type FeatureColumns } from '../../../src/model/fitted-model.ts';
import { pgSchema } from '../../helpers/postgres.ts';
import { FEATURES, randomDocument, randomRows, type Cell, type Row } from './random-documents.ts';

/**
 * An independent scorer of a gbdt document, written from docs/model.md ("The gbdt part") and
 * reading nothing but the JSON: a row is {feature name: cell}; a cell that is null, '' or blank is
 * missing; a category text the feature's `categories` lack counts as "(other)" when they have it,
 * else as missing.
 */
function scoreDocument(doc: any, row: Record<string, unknown>): number {
  let z = doc.gbdt.baseScore;
  for (const t of doc.gbdt.trees) {
    let i = 0;
    while (t.feature[i] !== -1) {
      const f = doc.features[t.feature[i]];
      const cell = typeof row[f.name] === 'string' ? (row[f.name] as string).trim() : row[f.name];
      let left: boolean;
      if (cell === null || cell === undefined || cell === '') left = t.missingLeft[i];
      else if (f.type !== 'category') left = Number(cell) <= t.threshold[i];
      else {
        const known = f.categories.filter((c: unknown) => c !== null);
        const c = known.includes(cell) ? cell : known.includes('(other)') ? '(other)' : null;
        left = c === null ? t.missingLeft[i] : t.categories[i].includes(c);
      }
      i = left ? t.left[i] : t.right[i];
    }
    z += t.value[i];
  }
  return 1 / (1 + Math.exp(-z));
}

const dir = mkdtempSync(join(tmpdir(), 'rw-gbdt-sql-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const record = (row: Row) => Object.fromEntries(FEATURES.map((f, j) => [f.name, row.cells[j]]));
const blank = (c: Cell) => c === null || (typeof c === 'string' && c.trim() === '');

/** The rows as a Dataset holds them: numbers (NaN = missing), category codes into the rows' own dictionaries. */
function columns(rows: Row[]): FeatureColumns {
  const levels = FEATURES.map((f) => (f.type === 'category' ? [] as string[] : null));
  const x = FEATURES.map((f, j) =>
    Float64Array.from(rows, (row) => {
      const c = row.cells[j];
      if (blank(c)) return Number.NaN;
      const lv = levels[j];
      if (!lv) return Number(c);
      const text = String(c).trim();
      if (!lv.includes(text)) lv.push(text);
      return lv.indexOf(text);
    }),
  );
  return { x, rows: rows.length, levels };
}

const ROWS = randomRows(16, 1000);
const DOCS: Array<[string, GbdtDocument2]> = [
  ['100 trees of 31 leaves', randomDocument(1, 100)],
  ['100 trees grown 30 levels deep', randomDocument(2, 100, { chain: true })],
  // NaN and ±Infinity thresholds: a document in memory may hold them (JSON cannot: the scorer is not applied).
  ['250 trees of 8 leaves, NaN and ±Infinity thresholds', randomDocument(3, 250, { leaves: 8, nonFinite: true })],
];

for (const [label, doc] of DOCS) {
  const model = loadModel(doc);
  const expected = model.predictProba(columns(ROWS));
  const check = (got: Array<Record<string, unknown>>, key = 'probability') => {
    assert.equal(got.length, ROWS.length);
    let worst = 0;
    for (const g of got) {
      const i = Number(String(g['client id']).slice(1));
      const diff = Math.abs(Number(g[key]) - expected[i]);
      worst = Math.max(worst, diff);
      assert.ok(diff <= 1e-9, `${g['client id']}: SQL ${g[key]} vs predict ${expected[i]}`);
      if (key === 'probability') assert.equal(Number(g.prediction), expected[i] > 0.5 ? 1 : 0);
    }
    return worst;
  };

  const json = JSON.parse(JSON.stringify(doc));
  const finite = doc.gbdt.trees.every((t) => t.threshold.every((v) => Number.isFinite(v)));
  if (finite) test(`the independent scorer (30 lines, the JSON alone) gives predict's probabilities: ${label}`, () => {
    let worst = 0;
    assert.deepEqual(json, doc, 'the document survives JSON');
    ROWS.forEach((row, i) => (worst = Math.max(worst, Math.abs(scoreDocument(json, record(row)) - expected[i]))));
    assert.ok(worst <= 1e-12, `largest difference ${worst}`);
    const p = [...expected];
    assert.ok(Math.max(...p) - Math.min(...p) > 0.3, 'the probabilities vary');
  });

  test(`sqlite: the view and the expression score as predict to 1e-9: ${label}`, (t) => {
    const db = new Database(join(dir, 'w.db'));
    try {
      db.exec(`CREATE TABLE "crm clients" ("client id" TEXT, spend REAL, seats INTEGER, "usage text" TEXT, plan TEXT, region TEXT)`);
      const st = db.prepare('INSERT INTO "crm clients" VALUES (?, ?, ?, ?, ?, ?)');
      for (const r of ROWS) st.run(r.id, ...r.cells);
      const out = model.toSql({ dialect: 'sqlite', table: 'crm clients' });
      db.exec(out.sql);
      const view = check(db.prepare('SELECT * FROM riskwatch_scores').all() as never);
      // Each cell is read once a row: the view's steps are not merged into one another (merged,
      // every condition on a feature would repeat its TRIM, thousands a row).
      const trims = (sql: string) => (db.prepare(`EXPLAIN ${sql}`).all() as Array<{ p4: unknown }>).filter((o) => /^trim\(/.test(String(o.p4))).length;
      assert.equal(trims('SELECT * FROM riskwatch_scores'), FEATURES.length);
      assert.equal(trims(`SELECT ${out.expression} FROM "crm clients"`), FEATURES.length);
      const expression = check(db.prepare(`SELECT "client id", ${out.expression} AS p FROM "crm clients"`).all() as never, 'p');
      t.diagnostic(`largest difference: view ${view}, expression ${expression}; SQL ${out.sql.length} characters, expression ${out.expression.length}`);
    } finally {
      db.close();
      rmSync(join(dir, 'w.db'));
    }
  });

  // The sqlite3 command line the docs pipe the view into: Debian's is SQLite 3.40, whose parser
  // stack overflows on a single CASE nested 30 deep ("parser stack overflow"); better-sqlite3's
  // newer SQLite does not, so only this shows the flat CASEs are needed.
  const cli = spawnSync('sqlite3', ['--version'], { encoding: 'utf8' });
  test(`the sqlite3 command line (${cli.stdout?.split(' ')[0] ?? 'absent'}) runs the view, as predict to 1e-9: ${label}`, { skip: cli.status !== 0 && 'no sqlite3 command on this machine' }, (t) => {
    const file = join(dir, 'cli.db');
    const db = new Database(file);
    try {
      db.exec(`CREATE TABLE "crm clients" ("client id" TEXT, spend REAL, seats INTEGER, "usage text" TEXT, plan TEXT, region TEXT)`);
      const st = db.prepare('INSERT INTO "crm clients" VALUES (?, ?, ?, ?, ?, ?)');
      for (const r of ROWS) st.run(r.id, ...r.cells);
    } finally {
      db.close();
    }
    try {
      const sql = model.toSql({ dialect: 'sqlite', table: 'crm clients' }).sql;
      const run = spawnSync('sqlite3', [file], { input: `${sql}.mode json\nSELECT "client id", printf('%.17g', probability) AS probability, prediction FROM riskwatch_scores;\n`, encoding: 'utf8', maxBuffer: 1 << 26 });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      t.diagnostic(`largest difference ${check(JSON.parse(run.stdout))}`);
    } finally {
      rmSync(file);
    }
  });

  test(`postgres: the view and the expression score as predict to 1e-9: ${label}`, async (t) => {
    const pg = await pgSchema('rw_gbdt_sql');
    try {
      const table = `${pg.schema}.crm clients`;
      const qt = `${pg.schema}."crm clients"`;
      await pg.client.query(`CREATE TABLE ${qt} ("client id" text, spend double precision, seats bigint, "usage text" text, plan text, region varchar(40))`);
      const values = ROWS.map((_, i) => `(${[1, 2, 3, 4, 5, 6].map((k) => `$${i * 6 + k}`).join(', ')})`);
      await pg.client.query(`INSERT INTO ${qt} VALUES ${values.join(', ')}`, ROWS.flatMap((r) => [r.id, ...r.cells]));
      await pg.client.query(`SET search_path = ${pg.schema}`);
      const out = model.toSql({ dialect: 'postgres', table });
      await pg.client.query(out.sql);
      const view = check((await pg.client.query('SELECT * FROM riskwatch_scores')).rows);
      const plan = (await pg.client.query('EXPLAIN (VERBOSE) SELECT * FROM riskwatch_scores')).rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.equal(plan.match(/btrim\(/g)?.length, FEATURES.length, 'each cell read once a row');
      const expression = check((await pg.client.query(`SELECT "client id", ${out.expression} AS p FROM ${qt}`)).rows, 'p');
      t.diagnostic(`largest difference: view ${view}, expression ${expression}`);
    } finally {
      await pg.drop();
    }
  });
}
