import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
import { migrations as pgMigrations } from '../../src/store/postgres/migrations.ts';
import { dropSchema, PG_URL, randomSchema } from '../helpers/postgres.ts';

// Scores recorded before the kind column: the kind sat in the metrics JSON ('batch' from a run
// or from the drift command, 'holdout' from a run) or was missing (`score`). The migration sorts
// them: the drift command's "batches" (named by their files) were ad hoc.
const LEGACY = [
  ['v1', 'h1', '/ws/testdata', '{"f1":0.5}', 'test'],
  ['v1', 'h2', 'run batch', '{"f1":0.4,"kind":"batch"}', 'batch'],
  ['v1', 'h3', '/tmp/check.csv', '{"f1":0.1,"kind":"batch"}', 'adhoc'],
  ['v2', 'holdout:h2', 'run holdout', '{"f1":0.6,"kind":"holdout"}', 'holdout'],
] as const;
const INSERT = 'INSERT INTO scores (version, data_hash, data_path, rows, f1, metrics, created_at) VALUES ';

test('sqlite: migration 5 gives every score recorded before it its kind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rw-kinds-'));
  const store = new SqliteStore(join(dir, 'riskwatch.db'));
  try {
    // A store as the previous release left it: migrations 1–3 only.
    store.db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of sqliteMigrations.filter((x) => x.version < 5)) {
      store.db.exec(m.sql);
      store.db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 't');
    }
    for (const [v, h, p, metrics] of LEGACY) store.db.prepare(`${INSERT} (?, ?, ?, 5, 0.5, ?, 't')`).run(v, h, p, metrics);
    await store.migrate();
    assert.deepEqual((await store.scores()).map((s) => [s.dataHash, s.kind, s.measuredOn]), LEGACY.map(([, h, , , kind]) => [h, kind, null]));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('postgres: migration 5 gives every score recorded before it its kind', async () => {
  const schema = randomSchema();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  const store = new PostgresStore({ url: PG_URL, schema });
  try {
    await c.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
    await c.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of pgMigrations.filter((x) => x.version < 5)) {
      await c.query(m.sql);
      await c.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [m.version, m.name, 't']);
    }
    for (const [v, h, p, metrics] of LEGACY) await c.query(`${INSERT} ($1, $2, $3, 5, 0.5, $4, 't')`, [v, h, p, metrics]);
    await store.migrate();
    assert.deepEqual((await store.scores()).map((s) => [s.dataHash, s.kind, s.measuredOn]), LEGACY.map(([, h, , , kind]) => [h, kind, null]));
    assert.deepEqual(await store.appliedMigrations(), pgMigrations.map((m) => m.version));
  } finally {
    await store.close();
    await c.end();
    await dropSchema(schema);
  }
});
