import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { context, makeWorkspace, HEADER } from '../helpers/workspace.ts';

const rowsOf = (ws: { dir: string }) => readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'), 'utf8').trim().split('\n').slice(1).sort();

test('a deleted dataset is rebuilt from every source file, not just new ones', async () => {
  const ws = makeWorkspace();
  writeFileSync(join(ws.source, 'a.csv'), `${HEADER}\na,1,2,3,0\nb,4,5,6,1\n`);
  const ctx = await context(ws.config);
  await ingest(ctx);
  const before = rowsOf(ws);
  rmSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'));
  rmSync(join(ws.dir, 'ingesteddata', 'finaldata.bin'));
  writeFileSync(join(ws.source, 'b.csv'), `${HEADER}\nc,7,8,9,0\n`);
  const r = await ingest(ctx);
  assert.deepEqual(r.files.map((f) => [f.name, f.status]), [['a.csv', 'ingested'], ['b.csv', 'ingested']]);
  assert.deepEqual(rowsOf(ws), [...before, 'c,7,8,9,0'].sort());
  await ctx.store.close();
});

test('rows on disk that the store never recorded (crash before the store write) are kept and not doubled', async () => {
  const ws = makeWorkspace();
  writeFileSync(join(ws.source, 'a.csv'), `${HEADER}\na,1,2,3,0\n`);
  const ctx = await context(ws.config);
  await ingest(ctx);
  writeFileSync(join(ws.source, 'b.csv'), `${HEADER}\nb,4,5,6,1\n`);
  await ingest(ctx);
  // Forget the second ingestion in the store, as if the process died right after the rename.
  const db = (ctx.store as unknown as { db: { exec(s: string): void } }).db;
  db.exec("DELETE FROM ingested_files WHERE name = 'b.csv'; DELETE FROM datasets WHERE seq = (SELECT MAX(seq) FROM datasets)");
  const r = await ingest(ctx);
  assert.equal(r.rowsTotal, 2);
  assert.equal(r.files.find((f) => f.name === 'b.csv')?.duplicates, 1);
  assert.deepEqual(rowsOf(ws), ['a,1,2,3,0', 'b,4,5,6,1']);
  await ctx.store.close();
});
