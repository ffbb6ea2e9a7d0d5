import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import { ingest, type IngestResult } from '../../../src/ingest/ingest.ts';
import { context, makeWorkspace } from '../../helpers/workspace.ts';

type Ws = ReturnType<typeof makeWorkspace>;

async function run(ws: Ws): Promise<IngestResult> {
  const ctx = await context(ws.config);
  try {
    return await ingest(ctx);
  } finally {
    await ctx.store.close();
  }
}
const source = (r: IngestResult, name: string) => r.sources.find((x) => x.name === name)!;
const dataset = (ws: Ws) => (parse(readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'))) as string[][]).slice(1);

function makeDb(ws: Ws): Database.Database {
  const db = new Database(join(ws.dir, 'crm.db'));
  db.exec(`CREATE TABLE clients (id INTEGER PRIMARY KEY, corporation TEXT, lastmonth_activity INTEGER, lastyear_activity BIGINT, number_of_employees NUMERIC, exited INTEGER, photo BLOB)`);
  return db;
}
const ins = (db: Database.Database, rows: unknown[][]) => {
  const st = db.prepare('INSERT INTO clients (corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => rows.forEach((r) => st.run(...r)))();
};

describe('sqlite source', () => {
  test('incremental ingest by watermark; bad rows rejected and counted; the watermark column is never a dataset column', async () => {
    const ws = makeWorkspace({ sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients', watermark: 'id' }] } as never);
    const db = makeDb(ws);
    ins(db, [
      ['a', 1, 2, 3, 0],
      ['a', 1, 2, 3, 0], // same row, another id: a duplicate
      ['neg', -4, 2, 3, 1],
      ['big', 1, 2n ** 60n, 3, 1], // exact as BigInt: rejected as too large, never rounded
      ['real', 1.5, 2, 3, 1],
      ['text', 'x', 2, 3, 1],
      ['miss', null, null, 7, 1],
      ['quoted, "name"', 1, 2, 3, 1],
    ]);
    const r = source(await run(ws), 'crm');
    assert.equal(r.rowsRead, 8);
    assert.deepEqual(r.rejectedByReason, { negative: 1, too_large: 1, decimal: 1, not_a_number: 1 });
    assert.equal(r.duplicates, 1);
    assert.equal(r.rowsAdded, 3);
    assert.equal(r.watermark, 'i:8');
    assert.deepEqual(dataset(ws), [['a', '1', '2', '3', '0'], ['miss', '', '', '7', '1'], ['quoted, "name"', '1', '2', '3', '1']]);

    ins(db, [['b', 5, 6, 7, 1], ['c', 5, 6, 7, 0]]);
    const next = source(await run(ws), 'crm');
    assert.equal(next.rowsRead, 2, 'only rows past the watermark');
    assert.equal(next.rowsAdded, 2);
    assert.equal(source(await run(ws), 'crm').status, 'unchanged');
    db.close();
  });

  test('a query without a watermark is compared by content hash; a BLOB or unmappable column is an error naming it', async () => {
    const ws = makeWorkspace({
      sources: [
        { type: 'sqlite', name: 'q', path: 'crm.db', query: 'SELECT corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited FROM clients ORDER BY id' },
        { type: 'sqlite', name: 'blob', path: 'crm.db', query: 'SELECT corporation, photo AS lastmonth_activity, lastyear_activity, number_of_employees, exited FROM clients' },
        { type: 'sqlite', name: 'blobvalue', path: 'crm.db', query: "SELECT corporation, x'00ff' AS lastmonth_activity, lastyear_activity, number_of_employees, exited FROM clients" },
        { type: 'sqlite', name: 'nofile', path: 'missing.db', table: 'clients' },
        { type: 'sqlite', name: 'nocol', path: 'crm.db', query: 'SELECT corporation, exited FROM clients' },
      ],
    } as never);
    const db = makeDb(ws);
    ins(db, [['a', 1, 2, 3, 0], ['b', 1, 2, 3, 1]]);
    const r = await run(ws);
    assert.equal(source(r, 'q').rowsAdded, 2);
    assert.match(source(r, 'blob').error!, /^source "blob": column "lastmonth_activity" has type BLOB, which riskwatch cannot map for the feature/);
    assert.match(source(r, 'blobvalue').error!, /^source "blobvalue": column "lastmonth_activity" holds a BLOB value/);
    assert.match(source(r, 'nofile').error!, /^source "nofile": cannot open SQLite file .*missing\.db/);
    assert.match(source(r, 'nocol').error!, /^source "nocol": required column "lastmonth_activity" is missing/);
    assert.equal(r.sourcesFailed, 4);
    assert.equal(source(await run(ws), 'q').status, 'unchanged');
    ins(db, [['c', 1, 2, 3, 1]]);
    const more = source(await run(ws), 'q');
    assert.equal(more.rowsRead, 3);
    assert.equal(more.rowsAdded, 1);
    db.close();
  });

  test('rows committed while an ingest runs are picked up by the next one', async () => {
    // SQLite has one writer at a time: ids are committed in order, and a read transaction sees a
    // snapshot, so the watermark recorded is never past a row the read did not see.
    const ws = makeWorkspace({ sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients', watermark: 'id' }] } as never);
    const db = makeDb(ws);
    db.pragma('journal_mode = WAL');
    ins(db, Array.from({ length: 20000 }, (_, i) => [`c${i}`, i, i, i, i % 2]));
    const pending = run(ws);
    ins(db, [['during', 1, 1, 1, 1]]); // may land before or after the read's snapshot
    const a = await pending;
    const b = await run(ws);
    assert.equal(source(a, 'crm').rowsAdded + source(b, 'crm').rowsAdded, 20001);
    assert.equal(b.rowsTotal, 20001);
    db.close();
  });
});
