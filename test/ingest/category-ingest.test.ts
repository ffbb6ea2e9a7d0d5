import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { readDataset } from '../../src/data/dataset-files.ts';
import { levelsOf } from '../../src/data/dataset.ts';
import { trainingSchema } from '../../src/data/columns.ts';
import { FIXTURES, context, makeWorkspace, seedWorkspace } from '../helpers/workspace.ts';

const data = (ws: { dir: string }) => join(ws.dir, 'ingesteddata');
const binFiles = (ws: { dir: string }) => readdirSync(data(ws)).filter((n) => n.startsWith('finaldata.bin')).sort();
const magic = (path: string) => readFileSync(path).subarray(0, 6).toString();

const CONFIG = { id_column: 'id', target_column: 'churn', features: ['plan', 'seats'], feature_types: { plan: 'category' } };

test('category columns through ingest: appended segments with their own dictionaries, dedup by text across them', async () => {
  const ws = makeWorkspace(CONFIG);
  const ctx = await context(ws.config);
  writeFileSync(join(ws.source, 'a.csv'), 'id,plan,seats,churn\nc1,Gold,3,0\nc2,Silver,1,1\nc3,,2,0\n');
  let r = await ingest(ctx);
  assert.equal(r.rowsAdded, 3);
  // b.csv meets the texts in another order (other codes): c1 is a duplicate, c2 with "silver" is not.
  writeFileSync(join(ws.source, 'b.csv'), 'id,plan,seats,churn\nc4,Bronze,1,0\nc1, Gold ,3,0\nc2,silver,1,1\nc3,  ,2,0\n');
  r = await ingest(ctx);
  assert.equal(r.rowsAdded, 2);
  assert.equal(r.duplicatesDropped, 2);
  assert.deepEqual(binFiles(ws), ['finaldata.bin', 'finaldata.bin.1'], 'appended as a segment');
  assert.equal(magic(join(data(ws), 'finaldata.bin.1')), 'RWDS3\n');
  assert.equal(readFileSync(join(data(ws), 'finaldata.csv'), 'utf8'), 'id,plan,seats,churn\nc1,Gold,3,0\nc2,Silver,1,1\nc3,,2,0\nc4,Bronze,1,0\nc2,silver,1,1\n');
  const loaded = (await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config)))!;
  assert.equal(loaded.source, 'bin');
  const plans = Array.from(loaded.dataset.x[0], (v) => (v === v ? levelsOf(loaded.dataset, 0)![v] : null));
  assert.deepEqual(plans, ['Gold', 'Silver', null, 'Bronze', 'silver']);
  await ctx.store.close();
});

test('a category column read from a text column that looks numeric keeps its text ("007" is not 7)', async () => {
  const ws = makeWorkspace(CONFIG);
  const ctx = await context(ws.config);
  writeFileSync(join(ws.source, 'a.csv'), 'id,plan,seats,churn\nc1,007,3,0\nc2,7,1,1\n');
  await ingest(ctx);
  const ds = (await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config)))!.dataset;
  assert.deepEqual(ds.levels![0], ['007', '7']);
  await ctx.store.close();
});

test('a dataset written before categories (RWDS2, test/fixtures/dataset-rwds2) still loads, and the next ingest rewrites it as RWDS3', async () => {
  const ws = seedWorkspace();
  const ctx = await context(ws.config);
  await ingest(ctx);
  // Today's finaldata.csv of the seed data is byte for byte the one the RWDS2 writer made; put its .bin back.
  const fixture = join(FIXTURES, 'dataset-rwds2');
  assert.deepEqual(readFileSync(join(data(ws), 'finaldata.csv')), readFileSync(join(fixture, 'finaldata.csv')));
  copyFileSync(join(fixture, 'finaldata.bin'), join(data(ws), 'finaldata.bin'));
  assert.equal(magic(join(data(ws), 'finaldata.bin')), 'RWDS2\n');
  const old = (await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config)))!;
  assert.equal(old.source, 'bin', 'the RWDS2 file is read, not the CSV');
  assert.equal(old.dataset.rows, 26);
  writeFileSync(join(ws.source, 'more.csv'), 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\nzzz1,1,2,3,1\n');
  const r = await ingest(ctx);
  assert.equal(r.rowsAdded, 1);
  assert.deepEqual(binFiles(ws), ['finaldata.bin'], 'rewritten in one file, not appended to');
  assert.equal(magic(join(data(ws), 'finaldata.bin')), 'RWDS3\n');
  const now = (await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config)))!;
  assert.equal(now.source, 'bin');
  assert.equal(now.dataset.rows, 27);
  assert.deepEqual(Array.from(now.dataset.x[0].subarray(0, 26)), Array.from(old.dataset.x[0]));
  await ctx.store.close();
});

test('database sources: SQLite and PostgreSQL text columns give category columns (NULL and blanks missing)', async () => {
  const rows: Array<[string, string | null, number, number]> = [['c1', 'Gold', 3, 0], ['c2', null, 1, 1], ['c3', ' Silver ', 2, 0], ['c4', '  ', 2, 1], ['c5', 'Gold', 5, 1]];
  const expected = ['Gold', null, 'Silver', null, 'Gold'];
  const plansOf = async (ctx: Awaited<ReturnType<typeof context>>) => {
    const ds = (await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config)))!.dataset;
    return Array.from(ds.x[0], (v) => (v === v ? levelsOf(ds, 0)![v] : null));
  };
  {
    const ws = makeWorkspace({ ...CONFIG, sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients' }] } as never);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(ws.dir, 'crm.db'));
    db.exec('CREATE TABLE clients (id TEXT, plan TEXT, seats INTEGER, churn INTEGER)');
    const st = db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?)');
    for (const r of rows) st.run(...r);
    db.close();
    const ctx = await context(ws.config);
    const r = await ingest(ctx);
    assert.equal(r.rowsAdded, 5);
    assert.deepEqual(await plansOf(ctx), expected);
    await ctx.store.close();
  }
  {
    const { pgSchema, PG_URL } = await import('../helpers/postgres.ts');
    const pg = await pgSchema('rw_cat');
    try {
      await pg.client.query(`CREATE TABLE ${pg.schema}.clients (id text, plan varchar(20), seats integer, churn smallint)`);
      for (const r of rows) await pg.client.query(`INSERT INTO ${pg.schema}.clients VALUES ($1, $2, $3, $4)`, r);
      const ws = makeWorkspace({ ...CONFIG, sources: [{ type: 'postgres', name: 'crm', url: PG_URL, table: `${pg.schema}.clients` }] } as never);
      const ctx = await context(ws.config);
      const r = await ingest(ctx);
      assert.equal(r.rowsAdded, 5);
      assert.deepEqual(await plansOf(ctx), expected);
      await ctx.store.close();
    } finally {
      await pg.drop();
    }
  }
});

/** A context whose log warnings are collected. */
async function loggedContext(config: string) {
  const ctx = await context(config);
  const warnings: Array<Record<string, unknown>> = [];
  const { default: pino } = await import('pino');
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  return { ctx: { ...ctx, log }, warnings };
}

test('bad input, nothing lost: 100,000 distinct categories (one warning naming the column), a 10 MB category, NUL bytes (one line naming file and line)', async () => {
  const ws = makeWorkspace(CONFIG);
  const { ctx, warnings } = await loggedContext(ws.config);
  const lines = ['id,plan,seats,churn'];
  for (let i = 0; i < 100_000; i++) lines.push(`c${i},p${i},${i % 5},${i % 2}`);
  writeFileSync(join(ws.source, 'many.csv'), lines.join('\n') + '\n');
  const big = 'B'.repeat(10 << 20);
  writeFileSync(join(ws.source, 'big.csv'), `id,plan,seats,churn\nbig1,${big},1,1\nbig2,Gold,2,0\n`);
  writeFileSync(join(ws.source, 'nul.csv'), 'id,plan,seats,churn\nn1,Gold,1,0\nn2,Gol\u0000d,1,0\n');
  const r = await ingest(ctx);
  assert.equal(r.rowsAdded, 100_002);
  const many = warnings.filter((w) => w.feature !== undefined);
  assert.equal(many.length, 1, 'one warning for the column');
  assert.equal(many[0].feature, 'plan');
  assert.match(String(many[0].msg), /feature "plan" has 100002 distinct categories: training keeps the 50 most frequent/);
  const nul = r.files.find((f) => f.name === 'nul.csv')!;
  assert.equal(nul.status, 'rejected');
  assert.match(String(nul.reason), /^line 3: file holds binary data \(NUL bytes\), not CSV text$|NUL bytes/);
  assert.equal(nul.reason!.split('\n').length, 1);
  const nulWarning = warnings.find((w) => w.file === 'nul.csv' || String(w.msg).includes('nul.csv'));
  assert.ok(nulWarning, 'the rejected file is logged, naming it');
  const ds = (await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config)))!;
  assert.equal(ds.source, 'bin');
  const at = Array.from({ length: ds.dataset.rows }, (_, i) => i).find((i) => ds.dataset.ids.get(i) === 'big1')!;
  assert.equal(levelsOf(ds.dataset, 0)![ds.dataset.x[0][at]], big, 'the 10 MB text kept whole');
  assert.ok(readFileSync(join(data(ws), 'finaldata.csv'), 'utf8').includes(`big1,${big},1,1\n`));
  await ctx.store.close();
});
