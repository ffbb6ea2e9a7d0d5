import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { predict } from '../../src/model/predict.ts';
import { cli, seedWithModels, HEADER } from '../helpers/workspace.ts';
import { pgSchema } from '../helpers/postgres.ts';

// Rows with missing cells (→ the model's medians), zeros, and values that push z far past the
// range where exp() overflows or underflows in PostgreSQL.
const ROWS: Array<[string, number | null, number | null, number | null, number]> = [
  ['a', 1, 2, 3, 0],
  ['b', null, 250, 40, 1],
  ['c', 12, null, null, 0],
  ['d', null, null, null, 1],
  ['e', 0, 0, 0, 0],
  ['f', 1_000_000_000, 3, 5, 1],
  ['g', 3, 1_000_000_000, 5, 0],
  ['h', 2, 7, 1_000_000_000, 1],
  ['i', 98765, 123456, 789, 0],
  ...Array.from({ length: 200 }, (_, i): [string, number | null, number | null, number | null, number] => [`r${i}`, (i * 37) % 300, i % 11 === 0 ? null : (i * 53) % 900, (i * 7) % 120, i % 2]),
];

const fixture = await seedWithModels(1);
after(async () => {
  await fixture.ctx.store.close();
  rmSync(fixture.ws.dir, { recursive: true, force: true });
});
const csvPath = join(fixture.ws.dir, 'score-me.csv');
writeFileSync(csvPath, [HEADER, ...ROWS.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))].join('\n') + '\n');
const expected = new Map((await predict(fixture.ctx, { data: csvPath })).predictions!.map((p) => [p.id, p]));

function exportSql(dialect: string, table: string): { sql: string; version: string } {
  const r = cli(['--config', fixture.ws.config, '--json', 'export', '--format', 'sql', '--dialect', dialect, '--table', table]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function compare(got: Array<{ corporation: string; probability: number; prediction: number }>): number {
  assert.equal(got.length, ROWS.length);
  let worst = 0;
  for (const g of got) {
    const e = expected.get(g.corporation)!;
    const diff = Math.abs(Number(g.probability) - e.probability);
    worst = Math.max(worst, diff);
    assert.ok(diff <= 1e-9, `${g.corporation}: SQL ${g.probability} vs predict ${e.probability}`);
    assert.equal(Number(g.prediction), e.prediction, g.corporation);
  }
  return worst;
}

describe('export --format sql scores as predict does', () => {
  test('the extremes really are extreme (the test covers overflow)', () => {
    const ps = [...expected.values()].map((p) => p.probability);
    assert.ok(ps.some((p) => p < 1e-12) || ps.some((p) => p > 1 - 1e-12), `min ${Math.min(...ps)} max ${Math.max(...ps)}`);
  });

  test('sqlite: same probabilities as predict to 1e-9', () => {
    const db = new Database(join(fixture.ws.dir, 'warehouse.db'));
    db.exec(`CREATE TABLE clients (corporation TEXT, lastmonth_activity INTEGER, lastyear_activity INTEGER, number_of_employees REAL, exited INTEGER)`);
    const st = db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?, ?)');
    for (const r of ROWS) st.run(...r);
    const { sql } = exportSql('sqlite', 'clients');
    db.exec(sql);
    compare(db.prepare('SELECT corporation, probability, prediction FROM riskwatch_scores').all() as never);
    db.close();
  });

  test('postgres: same probabilities as predict to 1e-9', async () => {
    const pg = await pgSchema('rw_export');
    try {
      const t = `${pg.schema}.clients`;
      await pg.client.query(`CREATE TABLE ${t} (corporation text, lastmonth_activity bigint, lastyear_activity integer, number_of_employees numeric, exited smallint)`);
      for (const r of ROWS) await pg.client.query(`INSERT INTO ${t} VALUES ($1, $2, $3, $4, $5)`, r);
      const { sql } = exportSql('postgres', t);
      await pg.client.query(`SET search_path = ${pg.schema}`);
      await pg.client.query(sql);
      const res = await pg.client.query('SELECT corporation, probability, prediction FROM riskwatch_scores');
      compare(res.rows);
    } finally {
      await pg.drop();
    }
  });

  // A table loaded from a CSV file often holds '' (or blanks) where the file had an empty cell:
  // missing, as predict reads the same file, in text columns and in numeric ones.
  const blank = (i: number) => ['', '  ', '\t'][i % 3];
  const asText = (r: (typeof ROWS)[number], k: number) => r.map((v, j) => (v === null ? blank(k + j) : String(v)));

  test("sqlite: '' and blank cells are missing, in TEXT columns and in typed ones, beside NULLs", (t) => {
    const db = new Database(join(fixture.ws.dir, 'warehouse-csv.db'));
    try {
      // As `.import` of a CSV makes it: every column TEXT, every empty cell ''.
      db.exec(`CREATE TABLE loaded (corporation TEXT, lastmonth_activity TEXT, lastyear_activity TEXT, number_of_employees TEXT, exited TEXT)`);
      const st = db.prepare('INSERT INTO loaded VALUES (?, ?, ?, ?, ?)');
      ROWS.forEach((r, k) => st.run(...asText(r, k)));
      // Typed columns holding both NULL and '' (SQLite keeps '' as text in an INTEGER column).
      db.exec(`CREATE TABLE mixed (corporation TEXT, lastmonth_activity INTEGER, lastyear_activity INTEGER, number_of_employees REAL, exited INTEGER)`);
      const mt = db.prepare('INSERT INTO mixed VALUES (?, ?, ?, ?, ?)');
      ROWS.forEach((r, k) => mt.run(...r.map((v, j) => (v === null && (k + j) % 2 ? '' : v))));
      for (const table of ['loaded', 'mixed']) {
        const { sql } = exportSql('sqlite', table);
        db.exec(sql.replace(/riskwatch_scores/g, `scores_${table}`));
        t.diagnostic(`${table}: largest difference from predict ${compare(db.prepare(`SELECT corporation, probability, prediction FROM scores_${table}`).all() as never)}`);
      }
    } finally {
      db.close();
    }
  });

  test("postgres: '' and blank cells in text columns are missing, numeric columns with NULLs still score, to 1e-9", async (tc) => {
    const pg = await pgSchema('rw_export_csv');
    try {
      const t = `${pg.schema}.loaded`;
      await pg.client.query(`CREATE TABLE ${t} (corporation text, lastmonth_activity text, lastyear_activity varchar(40), number_of_employees text, exited text)`);
      for (const [k, r] of ROWS.entries()) await pg.client.query(`INSERT INTO ${t} VALUES ($1, $2, $3, $4, $5)`, asText(r, k));
      const { sql } = exportSql('postgres', t);
      await pg.client.query(`SET search_path = ${pg.schema}`);
      await pg.client.query(sql);
      tc.diagnostic(`text columns: largest difference from predict ${compare((await pg.client.query('SELECT corporation, probability, prediction FROM riskwatch_scores')).rows)}`);
      // Numeric and double columns (NULL only: they cannot hold ''), through the same expression.
      const n = `${pg.schema}.typed`;
      await pg.client.query(`CREATE TABLE ${n} (corporation text, lastmonth_activity numeric, lastyear_activity double precision, number_of_employees bigint, exited smallint)`);
      for (const r of ROWS) await pg.client.query(`INSERT INTO ${n} VALUES ($1, $2, $3, $4, $5)`, r);
      await pg.client.query(exportSql('postgres', n).sql.replace(/riskwatch_scores/g, 'typed_scores'));
      tc.diagnostic(`typed columns: largest difference from predict ${compare((await pg.client.query('SELECT corporation, probability, prediction FROM typed_scores')).rows)}`);
    } finally {
      await pg.drop();
    }
  });

  // PostgreSQL's double precision and numeric hold NaN (SQLite cannot: it stores NULL): missing,
  // → the median, as predict reads an empty cell — not a NaN probability.
  test("postgres: 'NaN' in double precision and numeric columns is missing (→ the median), to 1e-9", async (tc) => {
    const pg = await pgSchema('rw_export_nan');
    try {
      const n = `${pg.schema}.typed`;
      await pg.client.query(`CREATE TABLE ${n} (corporation text, lastmonth_activity numeric, lastyear_activity double precision, number_of_employees double precision, exited smallint)`);
      for (const r of ROWS) await pg.client.query(`INSERT INTO ${n} VALUES ($1, $2, $3, $4, $5)`, r.map((v) => (v === null ? Number.NaN : v)));
      assert.equal((await pg.client.query(`SELECT count(*)::int AS n FROM ${n} WHERE lastyear_activity = 'NaN'::double precision`)).rows[0].n, ROWS.filter((r) => r[2] === null).length);
      await pg.client.query(`SET search_path = ${pg.schema}`);
      await pg.client.query(exportSql('postgres', n).sql);
      tc.diagnostic(`largest difference from predict ${compare((await pg.client.query('SELECT corporation, probability, prediction FROM riskwatch_scores')).rows)}`);
    } finally {
      await pg.drop();
    }
  });

  // Blank is what String.prototype.trim empties (src/data/csv/cells.ts isBlank): predict reads a
  // quoted cell of CR/LF, VT, FF, a no-break space, an ideographic space, a BOM… as missing; the
  // view must too (it used to trim only spaces and tabs: SQLite cast '\r' to 0, PostgreSQL refused
  // to cast a no-break space).
  const white = ['\u00a0', ' \r\n', '\v', '\f', '\u3000', '\u2028', '\ufeff', '\u2009\t', '\u202f ', '\r', '\n', '\u1680\u205f'];
  const whiteRows = ROWS.map((r, k) => r.map((v, j) => (v === null ? white[(k + j) % white.length] : String(v))));
  const whiteCsv = join(fixture.ws.dir, 'white-space.csv');
  writeFileSync(whiteCsv, [HEADER, ...whiteRows.map((r) => r.map((c) => `"${c}"`).join(','))].join('\n') + '\n');

  test('predict reads cells of any white space as missing (the reference the view is held to)', async () => {
    const got = (await predict(fixture.ctx, { data: whiteCsv })).predictions!;
    assert.equal(got.length, ROWS.length);
    for (const p of got) assert.equal(p.probability, expected.get(p.id)!.probability, p.id);
  });

  test('sqlite and postgres: cells of any white space trim() removes are missing, as predict reads them, to 1e-9', async (tc) => {
    const db = new Database(join(fixture.ws.dir, 'warehouse-white.db'));
    try {
      db.exec(`CREATE TABLE loaded (corporation TEXT, lastmonth_activity TEXT, lastyear_activity TEXT, number_of_employees TEXT, exited TEXT)`);
      const st = db.prepare('INSERT INTO loaded VALUES (?, ?, ?, ?, ?)');
      for (const r of whiteRows) st.run(...r);
      db.exec(exportSql('sqlite', 'loaded').sql);
      tc.diagnostic(`sqlite: largest difference from predict ${compare(db.prepare('SELECT corporation, probability, prediction FROM riskwatch_scores').all() as never)}`);
    } finally {
      db.close();
    }
    const pg = await pgSchema('rw_export_white');
    try {
      const t = `${pg.schema}.loaded`;
      await pg.client.query(`CREATE TABLE ${t} (corporation text, lastmonth_activity text, lastyear_activity varchar(40), number_of_employees text, exited text)`);
      for (const r of whiteRows) await pg.client.query(`INSERT INTO ${t} VALUES ($1, $2, $3, $4, $5)`, r);
      await pg.client.query(`SET search_path = ${pg.schema}`);
      await pg.client.query(exportSql('postgres', t).sql);
      tc.diagnostic(`postgres: largest difference from predict ${compare((await pg.client.query('SELECT corporation, probability, prediction FROM riskwatch_scores')).rows)}`);
    } finally {
      await pg.drop();
    }
  });

  test('a bad dialect or format is a usage error', () => {
    const r = cli(['--config', fixture.ws.config, 'export', '--format', 'sql', '--dialect', 'oracle']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--dialect: expected postgres or sqlite, got "oracle"/);
  });
});
