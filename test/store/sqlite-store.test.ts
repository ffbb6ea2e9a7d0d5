import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { migrations } from '../../src/store/sqlite/migrations.ts';
import { storeContract } from './contract.ts';
import { tempDir } from '../helpers/temp.ts';

const fresh = () => new SqliteStore(join(tempDir('rw-store-'), 'riskwatch.db'));

test('migrations apply once and are recorded; re-running is a no-op', async () => {
  const s = fresh();
  await s.migrate();
  await s.migrate();
  const rows = s.db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>;
  assert.deepEqual(rows.map((r) => r.version), migrations.map((m) => m.version));
  assert.equal(s.integrityCheck(), 'ok');
  await s.close();
});

test('two processes migrating the same new file at once both succeed', () => {
  const path = join(tempDir('rw-store-'), 'riskwatch.db');
  const script = `import('${new URL('../../src/store/sqlite/sqlite-store.ts', import.meta.url).pathname}').then(async (m) => { const s = new m.SqliteStore(${JSON.stringify(path)}); await s.migrate(); await s.close(); })`;
  const procs = [0, 1, 2].map(() => spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }));
  for (const p of procs) assert.equal(p.status, 0, p.stderr);
  const s = new SqliteStore(path);
  assert.equal((s.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n, migrations.length);
});

test('an ingestion with its files and dataset is one transaction; latest record per file name wins', async () => {
  const s = fresh();
  await s.migrate();
  const file = (name: string, sha256: string) => ({ name, path: `/x/${name}`, size: 10, sha256, status: 'ingested' as const, rowsRead: 2, rowsAccepted: 2, rowsRejected: 0, duplicates: 0, rejectedByReason: {}, missing: { a: 1 }, ingestedAt: 't' });
  const ing = { startedAt: 't0', finishedAt: 't1', filesIngested: 1, filesRejected: 0, filesSkipped: 0, rowsAdded: 2, rowsRejected: 0, duplicatesDropped: 0, datasetHash: 'h1' };
  await s.recordIngestion(ing, [file('a.csv', 'aaa'), file('b.csv', 'bbb')], { hash: 'h1', rows: 4, path: '/d', createdAt: 't', missing: {} });
  await s.recordIngestion({ ...ing, datasetHash: 'h2' }, [file('a.csv', 'ccc')], { hash: 'h2', rows: 5, path: '/d', createdAt: 't', missing: {} });
  const latest = await s.latestFileRecords();
  assert.deepEqual(latest.map((f) => [f.name, f.sha256]), [['a.csv', 'ccc'], ['b.csv', 'bbb']]);
  assert.deepEqual(latest[0].missing, { a: 1 });
  assert.equal((await s.latestDataset())?.hash, 'h2');
  // A failure inside the transaction leaves nothing behind.
  await assert.rejects(s.recordIngestion(ing, [{ ...file('c.csv', 'x'), status: 'bogus' as never }], { hash: 'h3', rows: 1, path: '/d', createdAt: 't', missing: {} }));
  assert.equal((await s.latestDataset())?.hash, 'h2');
  assert.equal((await s.latestFileRecords()).length, 2);
  await s.close();
});

test('model versions are reserved uniquely and only listed once complete', async () => {
  const s = fresh();
  await s.migrate();
  const a = await s.reserveModelVersion('t');
  const b = await s.reserveModelVersion('t');
  assert.notEqual(a, b);
  await s.completeModel({ version: b, createdAt: 't', datasetHash: 'h', path: '/m', trainingRows: 3, trainingMs: 1 });
  assert.deepEqual((await s.listModels()).map((m) => m.version), [b]);
  assert.equal(await s.getModel(a), undefined);
  await s.recordScore({ version: b, kind: 'test', dataHash: 'd', dataPath: '/t', rows: 3, f1: 0.5, metrics: { f1: 0.5 }, createdAt: 't', measuredOn: null });
  assert.equal((await s.scores(b))[0].f1, 0.5);
  const run = await s.startCommandRecord('train', 't');
  await s.finishCommandRecord(run, 'ok', 't2', { train: 12.5 }, null, { version: b });
  const [r] = await s.commandRecords(1);
  assert.deepEqual([r.status, r.timings.train, r.detail.version], ['ok', 12.5, b]);
  await s.close();
});

storeContract('sqlite', async () => {
  const store = fresh();
  await store.migrate();
  return { store, dispose: () => store.close() };
});
