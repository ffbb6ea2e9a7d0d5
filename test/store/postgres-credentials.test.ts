import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { cli, makeWorkspace } from '../helpers/workspace.ts';
import { pgQuery, randomSchema } from '../helpers/postgres.ts';

/**
 * The test server trusts every connection from 127.0.0.1 (pg_hba.conf: host all all 127.0.0.1/32
 * trust), so it accepts any password and a *wrong* password cannot be rejected here. What can be
 * checked against the real server: the failures a URL with a password does meet — nothing
 * listening on the port, a database that does not exist, a role that does not exist — never
 * show the password, in the error, on stderr, in --json output or in the logs.
 */
const PASSWORD = 'Hunter2-x9!Q';
const encoded = encodeURIComponent(PASSWORD);

function workspaceWithStore(): string {
  const ws = makeWorkspace();
  const cfg = JSON.parse(readFileSync(ws.config, 'utf8'));
  cfg.store = { type: 'postgres', url_env: 'RW_TEST_SECRET_URL', schema: randomSchema() };
  writeFileSync(ws.config, JSON.stringify(cfg));
  return ws.config;
}

const cases: Array<[string, string, RegExp]> = [
  ['nothing listening on the port', `postgres://riskwatch:${encoded}@127.0.0.1:1/test`, /ECONNREFUSED|connect/],
  ['a database that does not exist', `postgres://postgres:${encoded}@127.0.0.1:5432/rw_no_such_db_${process.pid}`, /database "rw_no_such_db_\d+" does not exist/],
  ['a role that does not exist', `postgres://rw_no_such_role:${encoded}@127.0.0.1:5432/test`, /role "rw_no_such_role" does not exist/],
];

for (const [what, url, why] of cases) {
  test(`${what}: the error names the store with the password masked, and nothing shows the password`, async () => {
    const store = new PostgresStore({ url, schema: 'rw_never_created' });
    const err = await store.migrate().then(
      () => assert.fail('migrate should fail'),
      (e: Error) => e,
    );
    await store.close();
    assert.match(err.message, /^cannot connect to the PostgreSQL store postgres:\/\/[a-z_]+:\*\*\*@127\.0\.0\.1:\d+\/\w+ \(schema rw_never_created\): /);
    assert.match(err.message, why);
    assert.ok(!err.message.includes(PASSWORD) && !err.message.includes(encoded), err.message);

    const config = workspaceWithStore();
    for (const args of [['models', '--json'], ['run', '--json', '--log-level', 'debug']]) {
      const r = cli(['--config', config, ...args], { env: { RW_TEST_SECRET_URL: url } });
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /riskwatch: cannot connect to the PostgreSQL store postgres:\/\/[a-z_]+:\*\*\*@127\.0\.0\.1/);
      assert.match(JSON.parse(r.stdout).error.message, /\*\*\*@127\.0\.0\.1/);
      for (const text of [r.stdout, r.stderr]) assert.ok(!text.includes(PASSWORD) && !text.includes(encoded), text);
    }
  });
}

test('a role with a password connects (the server trusts 127.0.0.1), migrates the schema it was given, is refused one it may not create; its password appears nowhere', async () => {
  const role = `rw_pw_${process.pid}`;
  await pgQuery(`DROP ROLE IF EXISTS ${role}`);
  await pgQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
  const schema = randomSchema();
  try {
    await pgQuery(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
    const store = new PostgresStore({ url: `postgres://${role}:${encoded}@127.0.0.1:5432/test`, schema });
    await store.migrate();
    assert.equal(store.describe(), `PostgreSQL store postgres://${role}:***@127.0.0.1:5432/test (schema ${schema})`);
    const held = await store.tryRunLock('run');
    const other = await new PostgresStore({ url: `postgres://${role}:${encoded}@127.0.0.1:5432/test`, schema }).tryRunLock('run');
    assert.ok('holder' in other && !other.holder.includes(PASSWORD));
    if ('lock' in held) await held.lock.release();
    await store.close();
    // Without the right to create a schema: one line naming the store and the refusal, no password.
    const denied = new PostgresStore({ url: `postgres://${role}:${encoded}@127.0.0.1:5432/test`, schema: `${schema}_x` });
    const err = await denied.migrate().then(() => assert.fail('should be refused'), (e: Error) => e);
    await denied.close();
    assert.match(err.message, /^cannot prepare the PostgreSQL store postgres:\/\/rw_pw_\d+:\*\*\*@127\.0\.0\.1:5432\/test \(schema rw_test_\w+_x\): permission denied for database test$/);
  } finally {
    await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pgQuery(`DROP ROLE IF EXISTS ${role}`);
  }
});

test('a store in keyword/value form (libpq) connects; a malformed one is refused in one line; the password shows in neither', async () => {
  const kvSecret = 'PgS3cretKV';
  const config = workspaceWithStore();
  const good = cli(['--config', config, '--json', '--log-level', 'debug', 'runs'], { env: { RW_TEST_SECRET_URL: `host=127.0.0.1 port=5432 user=postgres password=${kvSecret} dbname=test` } });
  const schema = JSON.parse(readFileSync(config, 'utf8')).store.schema as string;
  try {
    assert.equal(good.status, 0, good.stderr);
    assert.deepEqual(JSON.parse(good.stdout), { runs: [] });
    const bad = cli(['--config', config, '--json', 'models'], { env: { RW_TEST_SECRET_URL: `host=127.0.0.1 user=postgres password='${kvSecret} dbname=test` } });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stderr, /key "store\.url_env": expected a postgres:\/\/ or postgresql:\/\/ URL or a keyword\/value connection string .*, got host=127\.0\.0\.1 user=postgres password=\*\*\*\n$/);
    for (const r of [good, bad]) for (const text of [r.stdout, r.stderr]) assert.ok(!text.includes(kvSecret), text);
  } finally {
    await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    rmSync(dirname(config), { recursive: true, force: true });
  }
});
