import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadModel } from '../../src/model/fitted-model.ts';
import { categoriesFixture as fixture, columns, FEATURES, fitDoc, type Cells } from '../helpers/categories-fixture.ts';
import { pgSchema } from '../helpers/postgres.ts';

// The one-hot terms in SQL: a model fitted on the scikit-learn fixture's CRM table (numeric and
// category features) scores the fixture's test rows — an unseen region, missing contracts never
// seen missing in training, missing plans — plus rows whose category cells are '' or blank
// (missing, as in a table loaded from CSV) and texts an SQL string must quote, in SQLite and
// PostgreSQL, to 1e-9 of predictProba on the same rows.
const dir = mkdtempSync(join(tmpdir(), 'rw-sql-cat-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cells: Cells = JSON.parse(JSON.stringify(fixture.test));
const odd = ["Two year's", "it's 'quoted'", 'back\\slash', 'émigré', '; DROP TABLE x; --'];
for (let i = 0; i < 12; i++) {
  for (const f of FEATURES) cells[f].push(fixture.test[f][i]);
  cells.y.push(0);
  cells.contract[cells.y.length - 1] = odd[i % odd.length];
  cells.region[cells.y.length - 1] = odd[(i + 2) % odd.length];
}
const rows = cells.y.length;
const ids = Array.from({ length: rows }, (_, i) => `c${i}`);
// In the table a missing category cell is NULL, '' or blanks — any white space trim() removes, as
// the category kind trims a cell — in turn.
const blank = (i: number) => [null, '', '  ', '\t', '\u00a0', ' \r\n', '\u3000', '\ufeff'][i % 8];
const sqlRows = ids.map((id, i) => [id, ...FEATURES.map((f, j) => (cells[f][i] === null && fixture.categorical.includes(f) ? blank(i + j) : cells[f][i]))]);

for (const standardize of [true, false]) {
  const doc = fitDoc(standardize);
  const model = loadModel(doc);
  const expected = model.predictProba(columns(cells));
  const check = (got: Array<{ id: string; probability: number | string; prediction: number | string }>) => {
    assert.equal(got.length, rows);
    let worst = 0;
    for (const g of got) {
      const i = Number(g.id.slice(1));
      const diff = Math.abs(Number(g.probability) - expected[i]);
      worst = Math.max(worst, diff);
      assert.ok(diff <= 1e-9, `${g.id}: SQL ${g.probability} vs predictProba ${expected[i]}`);
      assert.equal(Number(g.prediction), expected[i] > 0.5 ? 1 : 0);
    }
    return worst;
  };
  const label = standardize ? 'standardized' : 'raw numeric features';

  test(`sqlite: one-hot CASE terms score as predictProba to 1e-9 (${label})`, (t) => {
    const db = new Database(join(dir, `w-${standardize}.db`));
    try {
      db.exec(`CREATE TABLE clients (id TEXT, tenure INTEGER, spend REAL, seats INTEGER, constant REAL, plan TEXT, region TEXT, contract TEXT)`);
      const st = db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const r of sqlRows) st.run(...r);
      db.exec(model.toSql({ dialect: 'sqlite', table: 'clients' }).sql);
      t.diagnostic(`largest difference ${check(db.prepare('SELECT id, probability, prediction FROM riskwatch_scores').all() as never)}`);
      assert.ok(db.prepare('SELECT count(*) AS n FROM clients').get(), 'the table survives its texts');
    } finally {
      db.close();
    }
  });

  test(`postgres: one-hot CASE terms score as predictProba to 1e-9 (${label})`, async (t) => {
    const pg = await pgSchema('rw_export_cat');
    try {
      const table = `${pg.schema}.clients`;
      await pg.client.query(`CREATE TABLE ${table} (id text, tenure integer, spend double precision, seats bigint, constant numeric, plan text, region varchar(40), contract text)`);
      for (const r of sqlRows) await pg.client.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r);
      await pg.client.query(`SET search_path = ${pg.schema}`);
      await pg.client.query(model.toSql({ dialect: 'postgres', table }).sql);
      t.diagnostic(`largest difference ${check((await pg.client.query('SELECT id, probability, prediction FROM riskwatch_scores')).rows)}`);
    } finally {
      await pg.drop();
    }
  });
}
