/**
 * The PostgreSQL integrity check the kill tests rely on (postgresIntegrity) finds each kind of
 * fault it claims to: a store left by a real run passes, then the store is broken one way at a
 * time (by hand, as a faulty run could) and each break must be named. Without this, a check that
 * found nothing would pass every kill test.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { cli } from '../helpers/workspace.ts';
import { pgQuery } from '../helpers/postgres.ts';
import { dropPostgresSchemas, postgresBackend, postgresIntegrity, workspaceSchema } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';
import { migrations } from '../../src/store/postgres/migrations.ts';

const ALL = migrations.map((m) => m.version);

const root = tempDir('rw-pg-integrity-');
after(async () => {
  await dropPostgresSchemas();
  rmSync(root, { recursive: true, force: true });
});

test('postgresIntegrity: a store a run left passes; each break is named', async () => {
  const dir = join(root, 'ws');
  simulate({ out: dir, clients: 3000, months: 3, seed: 5 });
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, ...postgresBackend.config(), report: { enabled: false } }));
  assert.deepEqual(await postgresIntegrity(dir), [], 'no schema yet: nothing to be inconsistent');
  const r = cli(['--config', join(dir, 'config.json'), 'run', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).deployed, 'v1');
  assert.deepEqual(await postgresIntegrity(dir), []);
  const prod = JSON.parse((await postgresBackend.production(dir))!) as { version: string };
  assert.equal(prod.version, 'v1', 'production read from the store');

  const s = workspaceSchema(dir)!;
  // Each break adds to the ones before it; the expected line is the one the break must add.
  const breaks: Array<[string, RegExp]> = [
    [`UPDATE ${s}.model_artifacts SET content = content || ' ' WHERE name = 'reference.json'`, /^artifact v1\/reference\.json does not match its sha256$/],
    [`DELETE FROM ${s}.model_artifacts WHERE name = 'model.json'`, /^ready version v1 has no model\.json artifact$/],
    [`INSERT INTO ${s}.deployments (version, previous, action, reason, deployed_at) VALUES ('v9', 'v7', 'deploy', 'test', '2026-01-01T00:00:00Z')`, /^deployment of v9 names v7 as previous, but v1 was in production$/],
    [`INSERT INTO ${s}.datasets (hash, rows, path, missing, created_at, seq) VALUES ('${'a'.repeat(64)}', 5, 'x', '{}', '2026-01-01T00:00:00Z', 99)`, /^latest dataset a{64} is named by no ingestion and no model$/],
    [`DELETE FROM ${s}.schema_migrations WHERE version = 4`, new RegExp(`^migrations applied ${ALL.filter((v) => v !== 4).join(',')}, expected ${ALL.join(',')}$`)],
    [`ALTER TABLE ${s}.runs DROP COLUMN outcome`, /^runs\.outcome missing/],
    [`DROP TABLE ${s}.source_reads CASCADE`, /^tables missing after the migrations: source_reads$/],
  ];
  for (const [sql, expected] of breaks) {
    await pgQuery(sql);
    const problems = await postgresIntegrity(dir);
    assert.ok(problems.some((p) => expected.test(p)), `${sql}: ${JSON.stringify(problems)}`);
  }
  // A store with tables but no record of its migrations: half made.
  await pgQuery(`DROP TABLE ${s}.schema_migrations`);
  assert.ok((await postgresIntegrity(dir)).some((p) => /^tables without schema_migrations/.test(p)));
});
