import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runPipeline } from '../../src/pipeline/run.ts';
import { predict } from '../../src/model/predict.ts';
import { cli, context, makeWorkspace } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';
import { pgSchema } from '../helpers/postgres.ts';

// `riskwatch export --format sql` of a tree model a run deployed (model.family "gbdt"), scoring a
// CSV export of new clients loaded into SQLite (every cell text, as `.import` leaves it: '' and
// blank cells, numbers as text) and PostgreSQL (typed columns, NULLs): the same probabilities and
// predictions as `riskwatch predict` on the same file, to 1e-9.
const ws = makeWorkspace(crmConfig({ family: 'gbdt' }) as never);
after(() => rmSync(ws.dir, { recursive: true, force: true }));
writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(3000, 7)));
writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(600, 8, { prefix: 't' })));
// New clients: a region and a plan no training row had, blank and padded cells, a fee of 1e300.
const fresh = crmRows(500, 9, { prefix: 'n' }).map((r, i) => ({
  ...r,
  region: i % 7 === 0 ? 'Atlantis' : i % 13 === 0 ? '  ' : r.region,
  plan: i % 17 === 0 ? 'Platinum' : i % 19 === 0 ? ` ${r.plan}\t` : r.plan,
  fee: i % 11 === 0 ? null : i === 5 ? 1e300 : r.fee,
}));
const freshFile = join(ws.dir, 'fresh.csv');
writeFileSync(freshFile, crmCsv(fresh, { label: false }));
const ctx = await context(ws.config);
const run = await runPipeline(ctx);
const expected = new Map((await predict(ctx, { data: freshFile })).predictions!.map((p) => [p.id, p]));
await ctx.store.close();
const doc = JSON.parse(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8'));
const lines = readFileSync(freshFile, 'utf8').trim().split('\n');
const header = lines[0].split(',');
const cells = lines.slice(1).map((l) => l.split(','));

function exportSql(dialect: string, table: string): { sql: string; version: string; expression: string } {
  const r = cli(['--config', ws.config, '--json', 'export', '--format', 'sql', '--dialect', dialect, '--table', table]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function compare(got: Array<{ id: string; probability: number; prediction: number }>): number {
  assert.equal(got.length, fresh.length);
  let worst = 0;
  for (const g of got) {
    const e = expected.get(g.id)!;
    const diff = Math.abs(Number(g.probability) - e.probability);
    worst = Math.max(worst, diff);
    assert.ok(diff <= 1e-9, `${g.id}: SQL ${g.probability} vs predict ${e.probability}`);
    assert.equal(Number(g.prediction), e.prediction, g.id);
  }
  return worst;
}

test('the run deployed a tree model of 100 trees, which splits on categories', () => {
  assert.equal(run.status, 'completed', run.reason);
  assert.equal(doc.family, 'gbdt');
  assert.equal(doc.gbdt.trees.length, 100);
  assert.ok(doc.gbdt.trees.some((t: { categories: unknown[] }) => t.categories.some((c) => c !== null)));
  assert.equal(expected.size, fresh.length);
});

test('sqlite: the exported view over a table of text cells scores as predict to 1e-9', (t) => {
  const db = new Database(join(ws.dir, 'branch.db'));
  try {
    db.exec(`CREATE TABLE clients (${header.map((h) => `"${h}" TEXT`).join(', ')})`);
    const st = db.prepare(`INSERT INTO clients VALUES (${header.map(() => '?').join(', ')})`);
    db.transaction(() => cells.forEach((c) => st.run(...c)))();
    const out = exportSql('sqlite', 'clients');
    assert.equal(out.version, 'v1');
    db.exec(out.sql);
    t.diagnostic(`largest difference ${compare(db.prepare('SELECT * FROM riskwatch_scores').all() as never)}`);
    const viaExpression = db.prepare(`SELECT id, ${out.expression} AS probability, 0 AS prediction FROM clients`).all() as Array<{ id: string; probability: number }>;
    for (const g of viaExpression) assert.ok(Math.abs(g.probability - expected.get(g.id)!.probability) <= 1e-9, g.id);
  } finally {
    db.close();
  }
});

test('postgres: the exported view over typed columns scores as predict to 1e-9', async (t) => {
  const pg = await pgSchema('rw_export_gbdt');
  try {
    const table = `${pg.schema}.clients`;
    await pg.client.query(`CREATE TABLE ${table} (id text, tenure integer, logins integer, seats bigint, fee double precision, plan text, contract text, region varchar(20))`);
    const typed = cells.map((c) => c.map((v, j) => (v === '' ? null : j >= 1 && j <= 4 ? Number(v) : v)));
    const values = typed.map((_, i) => `(${header.map((_, k) => `$${i * header.length + k + 1}`).join(', ')})`);
    await pg.client.query(`INSERT INTO ${table} VALUES ${values.join(', ')}`, typed.flat());
    await pg.client.query(`SET search_path = ${pg.schema}`);
    await pg.client.query(exportSql('postgres', table).sql);
    t.diagnostic(`largest difference ${compare((await pg.client.query('SELECT * FROM riskwatch_scores')).rows)}`);
  } finally {
    await pg.drop();
  }
});

// PostgreSQL's double precision and numeric hold NaN (SQLite cannot: it stores NULL). A NaN is a
// missing value for the model, as predict reads a missing cell: the node's missingLeft way, not the
// right side PostgreSQL's ordering (NaN above every number) would send it.
test("postgres: 'NaN' in double precision and numeric columns is missing, as predict's empty cell, to 1e-9", async (t) => {
  const pg = await pgSchema('rw_export_gbdt_nan');
  try {
    const table = `${pg.schema}.clients`;
    await pg.client.query(`CREATE TABLE ${table} (id text, tenure numeric, logins integer, seats bigint, fee double precision, plan text, contract text, region varchar(20))`);
    const typed = cells.map((c) => c.map((v, j) => (v === '' ? (j === 1 || j === 4 ? Number.NaN : null) : j >= 1 && j <= 4 ? Number(v) : v)));
    assert.ok(typed.some((r) => Number.isNaN(r[4])), 'some fee is NaN');
    const values = typed.map((_, i) => `(${header.map((_, k) => `$${i * header.length + k + 1}`).join(', ')})`);
    await pg.client.query(`INSERT INTO ${table} VALUES ${values.join(', ')}`, typed.flat());
    const nan = await pg.client.query(`SELECT count(*)::int AS n FROM ${table} WHERE fee = 'NaN'::double precision`);
    assert.ok(nan.rows[0].n > 0, 'the table holds NaN');
    await pg.client.query(`SET search_path = ${pg.schema}`);
    const out = exportSql('postgres', table);
    await pg.client.query(out.sql);
    const view = compare((await pg.client.query('SELECT * FROM riskwatch_scores')).rows);
    const viaExpression = (await pg.client.query(`SELECT id, ${out.expression} AS probability FROM ${table}`)).rows as Array<{ id: string; probability: number }>;
    for (const g of viaExpression) assert.ok(Math.abs(g.probability - expected.get(g.id)!.probability) <= 1e-9, g.id);
    t.diagnostic(`largest difference ${view}`);
  } finally {
    await pg.drop();
  }
});
