import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { migrations } from '../../src/store/postgres/migrations.ts';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
import { openStore } from '../../src/store/open.ts';
import { parseConfig } from '../../src/config/load.ts';
import { storeContract } from './contract.ts';
import { PG_URL, dropSchema, freshPostgresStore, pgQuery, randomSchema } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/temp.ts';

storeContract('postgres', async () => {
  const { store, drop } = await freshPostgresStore();
  return { store, dispose: drop };
});

test('postgres migrations mirror the sqlite ones (same versions and names) and add the artifacts table', () => {
  // Every sqlite migration has its postgres twin of the same version; postgres alone has 4 (artifacts).
  const byVersion = new Map(migrations.map((m) => [m.version, m.name]));
  assert.deepEqual(
    sqliteMigrations.map((m) => [m.version, m.name]),
    sqliteMigrations.map((m) => [m.version, byVersion.get(m.version)]),
  );
  assert.deepEqual(migrations.map((m) => m.version).filter((v) => !sqliteMigrations.some((m) => m.version === v)), [4]);
  assert.ok(migrations.some((m) => /model_artifacts/.test(m.sql)));
});

test('the postgres schema has every sqlite table and column', async () => {
  const { store, schema, drop } = await freshPostgresStore();
  try {
    const cols = await pgQuery('SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1', [schema]);
    const pgCols = new Set(cols.rows.map((r) => `${r.table_name}.${r.column_name}`));
    // The sqlite store's own schema, read from a fresh sqlite file.
    const { SqliteStore } = await import('../../src/store/sqlite/sqlite-store.ts');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const lite = new SqliteStore(join(tempDir('rw-store-'), 'riskwatch.db'));
    await lite.migrate();
    const tables = (lite.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((t) => t.name);
    const missing: string[] = [];
    for (const t of tables) {
      for (const c of lite.db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>) if (!pgCols.has(`${t}.${c.name}`)) missing.push(`${t}.${c.name}`);
    }
    await lite.close();
    assert.ok(tables.length >= 8);
    assert.deepEqual(missing, []);
    assert.deepEqual(await store.appliedMigrations(), migrations.map((m) => m.version));
  } finally {
    await drop();
  }
});

test('migrations racing: four processes and two in-process stores migrate one new schema at once, each migration applied once', async () => {
  const schema = randomSchema();
  const local = [0, 1].map(() => new PostgresStore({ url: PG_URL, schema }));
  try {
    const module = new URL('../../src/store/postgres/postgres-store.ts', import.meta.url).pathname;
    const script = `import('${module}').then(async (m) => { const s = new m.PostgresStore({ url: ${JSON.stringify(PG_URL)}, schema: ${JSON.stringify(schema)} }); await s.migrate(); await s.close(); console.log('migrated'); })`;
    const procs = [0, 1, 2, 3].map(
      () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const p = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (out += d));
          p.on('exit', (code) => resolve({ code, out }));
        }),
    );
    // Settle everything before asserting, so a failure cannot leave a process migrating after the drop.
    const [done, mine] = await Promise.all([Promise.all(procs), Promise.allSettled(local.map((s) => s.migrate()))]);
    for (const r of done) assert.equal(r.code, 0, r.out);
    for (const r of mine) assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
    const applied = await pgQuery(`SELECT version, COUNT(*) AS n FROM ${schema}.schema_migrations GROUP BY version ORDER BY version`);
    assert.deepEqual(applied.rows.map((r) => [r.version, Number(r.n)]), migrations.map((m) => [m.version, 1]));
    // And the store works after the race.
    const v = await local[0].reserveModelVersion('t');
    assert.equal(v, 'v1');
  } finally {
    for (const s of local) await s.close();
    await dropSchema(schema);
  }
});

test('artifacts are immutable and keyed by version; promote records the true previous version even when deploys race', async () => {
  const { store, drop } = await freshPostgresStore();
  try {
    await store.saveArtifact('v1', 'model.json', '{"a":1}');
    await store.saveArtifact('v2', 'model.json', '{"a":2}');
    await assert.rejects(store.saveArtifact('v1', 'model.json', '{"a":3}'), /already exists; versions are immutable/);
    assert.equal(await store.loadArtifact('v1', 'model.json'), '{"a":1}');
    assert.equal(await store.loadArtifact('v1', 'reference.json'), undefined);
    assert.equal(await store.hasArtifacts('v2'), true);
    assert.equal(await store.hasArtifacts('v3'), false);
    await assert.rejects(store.promote('v3', 'deploy', 'x', 't'), /has no model artifact/);
    assert.equal(await store.productionVersion(), undefined);
    // Twenty deploys from many connections at once: the history is one chain, each previous
    // the version deployed just before it.
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.promote(i % 2 ? 'v1' : 'v2', 'deploy', `d${i}`, `t${i}`)));
    const d = await store.deployments();
    assert.equal(d.length, 20);
    assert.equal(d[0].previous, null);
    for (let i = 1; i < d.length; i++) assert.equal(d[i].previous, d[i - 1].version, `deployment ${i}`);
    const prod = await store.productionVersion();
    assert.deepEqual(prod, { version: d[19].version, deploymentId: d[19].id });
  } finally {
    await drop();
  }
});

test('run lock: a second taker is refused and told who holds it; release lets the next one in', async () => {
  const { store, drop } = await freshPostgresStore();
  const other = new PostgresStore({ url: PG_URL, schema: store.schema });
  try {
    const a = await store.tryRunLock('run');
    assert.ok('lock' in a);
    const b = await other.tryRunLock('run');
    assert.ok('holder' in b);
    assert.match(b.holder, new RegExp(`riskwatch run pid ${process.pid} on `));
    await a.lock.release();
    const c = await other.tryRunLock('run');
    assert.ok('lock' in c);
    await c.lock.release();
    // Another schema (another deployment) has a lock of its own.
    const { store: elsewhere, drop: dropElsewhere } = await freshPostgresStore();
    const d = await store.tryRunLock('run');
    const e = await elsewhere.tryRunLock('run');
    assert.ok('lock' in d && 'lock' in e);
    await d.lock.release();
    await e.lock.release();
    await dropElsewhere();
  } finally {
    await other.close();
    await drop();
  }
});

test('config: store.type postgres with url_env; the URL is read when the store opens; a missing variable is one clear line', async () => {
  const schema = randomSchema();
  const base = { input_folder_path: '.', output_folder_path: 'out', test_data_path: '.', output_model_path: 'models', prod_deployment_path: 'prod' };
  const cfg = parseConfig({ ...base, store: { type: 'postgres', url_env: 'RW_TEST_STORE_URL', schema } }, '/tmp/config.json', { checkFolders: false });
  assert.deepEqual(cfg.store, { type: 'postgres', urlEnv: 'RW_TEST_STORE_URL', schema });
  delete process.env.RW_TEST_STORE_URL;
  await assert.rejects(openStore(cfg), /key "store.url_env": environment variable RW_TEST_STORE_URL is not set/);
  process.env.RW_TEST_STORE_URL = PG_URL;
  try {
    const store = await openStore(cfg);
    assert.ok(store.shared);
    assert.equal(store.shared.describe(), `PostgreSQL store ${PG_URL} (schema ${schema})`);
    await store.close();
  } finally {
    delete process.env.RW_TEST_STORE_URL;
    await dropSchema(schema);
  }
  process.env.RW_TEST_STORE_URL = 'mysql://u:hunter2@127.0.0.1/db';
  await assert.rejects(openStore(cfg), /key "store.url_env": expected a postgres:\/\/ or postgresql:\/\/ URL or a keyword\/value connection string \(host=… dbname=…\), got mysql:\/\/u:\*\*\*@127\.0\.0\.1\/db$/);
  delete process.env.RW_TEST_STORE_URL;
  assert.throws(() => parseConfig({ ...base, store: { type: 'postgres' } }, '/tmp/config.json', { checkFolders: false }), /key "store.url": expected exactly one of "url" or "url_env"/);
  assert.throws(() => parseConfig({ ...base, store: { type: 'postgres', url: PG_URL, path: 'x.db' } }, '/tmp/config.json', { checkFolders: false }), /key "store.path": only for "type": "sqlite"/);
  assert.throws(() => parseConfig({ ...base, store: { url: PG_URL } }, '/tmp/config.json', { checkFolders: false }), /key "store.url": only for "type": "postgres"/);
  assert.throws(() => parseConfig({ ...base, store: { type: 'postgres', url: PG_URL, schema: 'Bad-Name' } }, '/tmp/config.json', { checkFolders: false }), /key "store.schema"/);
});

test('run lock: when the server ends the holder\'s connection, the holder is told (onLost) and the lock is free', async () => {
  const { store, drop } = await freshPostgresStore();
  try {
    let lost = '';
    const held = await store.tryRunLock('run', (why) => (lost = why));
    assert.ok('lock' in held);
    const killed = await pgQuery(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name LIKE $1`, [`riskwatch run pid ${process.pid} on %`]);
    assert.equal(killed.rowCount, 1);
    const t0 = performance.now();
    while (!lost && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    assert.ok(lost, 'onLost was called');
    const next = await store.tryRunLock('run');
    assert.ok('lock' in next);
    await next.lock.release();
    await held.lock.release(); // releasing a lost lock is harmless
  } finally {
    await drop();
  }
});
