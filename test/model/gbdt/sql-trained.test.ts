import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fitGbdtDocument } from '../../../src/model/gbdt/document.ts';
import { loadModel } from '../../../src/model/fitted-model.ts';
import { parseModelDocument } from '../../../src/registry/versions.ts';
import { pgSchema } from '../../helpers/postgres.ts';
import { churnLevels, churnTraining, loadChurn } from './churn-fixture.ts';

// A model the product fits (the churn fixture: 14,000 rows, 8 numeric and 5 category features,
// missing cells; 100 trees of up to 31 leaves, industry and region folded to 6 categories so
// "(other)" is a category of the trees), written as its JSON document, read back, exported as SQL
// and run over the 6,000 held-out rows — plus rows with texts the model never saw and '' / blank
// category cells — in SQLite and PostgreSQL: the same probabilities as predictProba to 1e-9.
const dir = mkdtempSync(join(tmpdir(), 'rw-gbdt-sql-trained-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const d = loadChurn();
const text = (j: number, c: number) => `${d.header[j]} ${String.fromCharCode(65 + c)}'s`; // quotes to escape
const levelsOf = (cols: Float64Array[]) => churnLevels(d, cols, text);
const { model: kernel, document } = fitGbdtDocument(churnTraining(d, text, 6, { earlyStopping: false, maxIter: 100 }));
const json = JSON.stringify(document({ version: 'v7', createdAt: '2026-12-07T00:00:00.000Z', datasetHash: 'x', target: 'y', idColumn: 'client' }, { rows: d.train.y.length, positives: 0, iterations: 100, ms: 0 }));
const model = loadModel(parseModelDocument(JSON.parse(json), 'model.json'));

// The held-out rows as table cells, then 600 of them again with a category cell that is a text
// the model never saw or is '' / blank (missing, as predict reads a file).
const n = d.test.y.length;
const levels = levelsOf(d.test.columns);
const rows: Array<Array<string | number | null>> = [];
for (let i = 0; i < n + 600; i++) {
  const src = i % n;
  rows.push(d.test.columns.map((c, j) => (c[src] !== c[src] ? null : levels[j] ? levels[j]![c[src]] : c[src])));
}
const cats = d.categorical.flatMap((c, j) => (c ? [j] : []));
for (let i = n; i < n + 600; i++) rows[i][cats[i % cats.length]] = ['never seen', '', ' \t', 'plan Z'][i % 4];
// The same cells as a Dataset holds them: category codes into the data's own dictionary.
const dict = d.header.map((_, j) => (d.categorical[j] ? [] as string[] : null));
const x = d.header.map((_, j) =>
  Float64Array.from(rows, (r) => {
    const v = r[j];
    if (v === null || (typeof v === 'string' && v.trim() === '')) return Number.NaN;
    const lv = dict[j];
    if (!lv) return v as number;
    if (!lv.includes(v as string)) lv.push(v as string);
    return lv.indexOf(v as string);
  }),
);
const expected = model.predictProba({ x, rows: rows.length, levels: dict });
const columns = ['client', ...d.header];

function check(got: Array<Record<string, unknown>>): number {
  assert.equal(got.length, rows.length);
  let worst = 0;
  for (const g of got) {
    const i = Number(g.client);
    const diff = Math.abs(Number(g.probability) - expected[i]);
    worst = Math.max(worst, diff);
    assert.ok(diff <= 1e-9, `row ${i}: SQL ${g.probability} vs predictProba ${expected[i]}`);
    assert.equal(Number(g.prediction), expected[i] > 0.5 ? 1 : 0);
  }
  return worst;
}

test('the trained model is what the test claims: 100 trees, up to 31 leaves, category splits, "(other)", unseen texts that change scores', () => {
  assert.equal(kernel.trees.length, 100);
  assert.ok(Math.max(...kernel.trees.map((t) => (t.feature.length + 1) / 2)) === 31);
  const doc = JSON.parse(json);
  assert.ok(doc.gbdt.trees.some((t: { categories: unknown[] }) => t.categories.some((c) => Array.isArray(c) && c.includes('(other)'))), '"(other)" sent a way by some split');
  const changed = expected.subarray(n).filter((p, k) => p !== expected[k % n]).length;
  assert.ok(changed > 300, `${changed} of the 600 altered rows score differently`);
});

test('sqlite: the exported view of the trained model scores as predictProba to 1e-9', (t) => {
  const db = new Database(join(dir, 'w.db'));
  try {
    db.exec(`CREATE TABLE clients (${columns.map((c, j) => `"${c}" ${j === 0 ? 'INTEGER' : d.categorical[j - 1] ? 'TEXT' : 'REAL'}`).join(', ')})`);
    const st = db.prepare(`INSERT INTO clients VALUES (${columns.map(() => '?').join(', ')})`);
    db.transaction(() => rows.forEach((r, i) => st.run(i, ...r)))();
    db.exec(model.toSql({ dialect: 'sqlite', table: 'clients' }).sql);
    t.diagnostic(`largest difference ${check(db.prepare('SELECT * FROM riskwatch_scores').all() as never)}`);
  } finally {
    db.close();
  }
});

test('postgres: the exported view of the trained model scores as predictProba to 1e-9', async (t) => {
  const pg = await pgSchema('rw_gbdt_sql_trained');
  try {
    const table = `${pg.schema}.clients`;
    await pg.client.query(`CREATE TABLE ${table} (${columns.map((c, j) => `"${c}" ${j === 0 ? 'integer' : d.categorical[j - 1] ? 'text' : 'double precision'}`).join(', ')})`);
    for (let a = 0; a < rows.length; a += 1000) {
      const chunk = rows.slice(a, a + 1000);
      const w = columns.length;
      const values = chunk.map((_, i) => `(${columns.map((_, k) => `$${i * w + k + 1}`).join(', ')})`);
      await pg.client.query(`INSERT INTO ${table} VALUES ${values.join(', ')}`, chunk.flatMap((r, i) => [a + i, ...r]));
    }
    await pg.client.query(model.toSql({ dialect: 'postgres', table, view: `${pg.schema}.scores` }).sql);
    t.diagnostic(`largest difference ${check((await pg.client.query(`SELECT * FROM ${pg.schema}.scores`)).rows)}`);
  } finally {
    await pg.drop();
  }
});
