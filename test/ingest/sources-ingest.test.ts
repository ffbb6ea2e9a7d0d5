import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ingest } from '../../src/ingest/ingest.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { detectNewData } from '../../src/pipeline/detect.ts';
import type { Store } from '../../src/store/types.ts';
import { context, makeWorkspace, SEED } from '../helpers/workspace.ts';

type Ws = ReturnType<typeof makeWorkspace>;

/** The seed's rows (all of its source files) in a SQLite table with an INTEGER PRIMARY KEY watermark. */
function seedTable(ws: Ws, rows: string[][]): Database.Database {
  const db = new Database(join(ws.dir, 'crm.db'));
  db.exec('CREATE TABLE IF NOT EXISTS clients (id INTEGER PRIMARY KEY, corporation TEXT, lastmonth_activity INTEGER, lastyear_activity INTEGER, number_of_employees INTEGER, exited INTEGER)');
  const st = db.prepare('INSERT INTO clients (corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => rows.forEach((r) => st.run(r[0], ...r.slice(1).map(Number))))();
  return db;
}

function seedRows(): string[][] {
  const text = ['dataset3.csv', 'dataset4.csv'].map((f) => readFileSync(join(SEED, 'sourcedata', f), 'utf8'));
  return text.flatMap((t) => t.trim().split('\n').slice(1).map((l) => l.trim().split(',')));
}

describe('ingest from database sources', () => {
  test('the watermark is recorded with the dataset: a crash before the store write means the rows are read again, and dedup keeps the dataset exact', async () => {
    const ws = makeWorkspace({ sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients', watermark: 'id' }] } as never);
    const rows = seedRows();
    const db = seedTable(ws, rows.slice(0, 10));
    const ctx = await context(ws.config);
    await ingest(ctx);
    db.close();
    seedTable(ws, rows.slice(10)).close();
    // The dataset is written, then the store write fails (the process dies there).
    const failing: Store = Object.create(ctx.store);
    failing.recordIngestion = async () => {
      throw new Error('killed between the dataset write and the store write');
    };
    await assert.rejects(ingest({ ...ctx, store: failing }), /killed/);
    const after = await ingest(ctx);
    const s = after.sources[0];
    // The dataset on disk is newer than the store's record: every source is read again from the
    // start (as every file is), and the rows the failed ingest wrote are duplicates now.
    assert.equal(s.rowsRead, rows.length, 'read again from the start');
    assert.equal(after.rowsAdded, 0);
    assert.equal(after.rowsTotal, new Set(rows.map((r) => r.join(','))).size, 'and the dataset holds each distinct row once');
    assert.equal(s.watermark, `i:${rows.length}`);
    await ctx.store.close();
  });

  test('`run` finds new rows in a watermark source, ingests and trains; no new rows is a noop', async () => {
    const ws = makeWorkspace({ sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients', watermark: 'id' }] } as never);
    cpSync(join(SEED, 'testdata'), ws.test, { recursive: true });
    const rows = seedRows();
    seedTable(ws, rows).close();
    const ctx = await context(ws.config);
    assert.deepEqual((await detectNewData(ctx)).sources, ['crm']);
    const first = await runPipeline(ctx);
    assert.equal(first.status, 'completed', first.reason);
    assert.ok(first.deployed);
    assert.deepEqual((await detectNewData(ctx)).sources, [], 'nothing past the watermark');
    const second = await runPipeline(ctx);
    assert.equal(second.status, 'noop');
    seedTable(ws, [['newclient', '5', '50', '5', '1']]).close();
    assert.deepEqual((await detectNewData(ctx)).sources, ['crm']);
    const third = await runPipeline(ctx);
    assert.equal(third.newData, true);
    assert.equal(third.ingested?.rowsAdded, 1);
    await ctx.store.close();
  });
});
