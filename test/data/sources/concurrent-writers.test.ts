import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import { ingest } from '../../../src/ingest/ingest.ts';
import { context, makeWorkspace, ROOT } from '../../helpers/workspace.ts';
import { pgSchema, PG_URL } from '../../helpers/postgres.ts';

/**
 * Writers commit rows while ingests run, again and again; when the writers stop, one more ingest.
 * Every committed row must then be in the dataset exactly once: a watermark recorded past a row
 * that was not yet visible would lose it for good.
 */
type Ws = ReturnType<typeof makeWorkspace>;
const ids = (ws: Ws) => (parse(readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'))) as string[][]).slice(1).map((r) => r[0]);

async function ingestWhile(ws: Ws, writing: () => boolean): Promise<number> {
  const ctx = await context(ws.config);
  let n = 0;
  try {
    while (writing()) {
      const r = await ingest(ctx);
      assert.equal(r.sourcesFailed, 0, JSON.stringify(r.sources));
      n++;
    }
    await ingest(ctx);
  } finally {
    await ctx.store.close();
  }
  return n;
}

describe('rows committed while ingests run are never lost', () => {
  let db: Awaited<ReturnType<typeof pgSchema>>;
  before(async () => {
    db = await pgSchema('rw_conc');
  });
  after(async () => {
    await db.drop();
  });

  test('postgres: 4 writers whose transactions commit out of id order', async () => {
    const t = `${db.schema}.clients`;
    await db.client.query(`CREATE TABLE ${t} (id bigserial PRIMARY KEY, corporation text, lastmonth_activity int, lastyear_activity int, number_of_employees int, exited int)`);
    const ws = makeWorkspace({ sources: [{ type: 'postgres', name: 'crm', url: PG_URL, table: t, watermark: 'id', timeout_ms: 10000 }] } as never);
    let writing = true;
    const written: string[] = [];
    const writer = async (w: number) => {
      const c = await db.connect();
      for (let i = 0; writing; i++) {
        await c.query('BEGIN');
        await c.query(`INSERT INTO ${t} (corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited) VALUES ($1, 1, 2, 3, 0)`, [`w${w}-${i}`]);
        // Hold the id for a while: later ids from other writers commit first.
        await new Promise((r) => setTimeout(r, (i * 7 + w * 13) % 40));
        await c.query('COMMIT');
        written.push(`w${w}-${i}`);
      }
    };
    // Ingests go on until every writer has committed its last row: the final ingest must start
    // after that, or a row committed while it runs is (rightly) left for the next one.
    let writersDone = false;
    const writers = Promise.all([0, 1, 2, 3].map(writer)).then(() => (writersDone = true));
    const ingests = ingestWhile(ws, () => !writersDone);
    await new Promise((r) => setTimeout(r, 2000));
    writing = false;
    await writers;
    const rounds = await ingests;
    assert.ok(rounds >= 2, `ingests while writing: ${rounds}`);
    const got = ids(ws);
    assert.equal(got.length, written.length, `${written.length} rows committed, ${got.length} ingested`);
    assert.deepEqual(new Set(got), new Set(written));
  });

  test('sqlite: a writer process committing while ingests run', async () => {
    const ws = makeWorkspace({ sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients', watermark: 'id' }] } as never);
    const file = join(ws.dir, 'crm.db');
    const setup = new Database(file);
    setup.pragma('journal_mode = WAL');
    setup.exec('CREATE TABLE clients (id INTEGER PRIMARY KEY, corporation TEXT, lastmonth_activity INT, lastyear_activity INT, number_of_employees INT, exited INT)');
    setup.close();
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)}, { timeout: 10000 });
      const st = db.prepare("INSERT INTO clients (corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited) VALUES (?, 1, 2, 3, 0)");
      const end = Date.now() + 1500;
      let i = 0;
      while (Date.now() < end) { db.transaction(() => { for (let k = 0; k < 5; k++) st.run('s' + i++); })(); }
      console.log(i);`;
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    let writing = true;
    const done = new Promise((r) => child.on('exit', () => r((writing = false))));
    const rounds = await ingestWhile(ws, () => writing);
    await done;
    const n = Number(out.trim());
    assert.ok(n > 0 && rounds >= 2, `rows ${n}, ingests ${rounds}`);
    const got = ids(ws);
    assert.equal(got.length, n);
    assert.equal(new Set(got).size, n);
  });
});
