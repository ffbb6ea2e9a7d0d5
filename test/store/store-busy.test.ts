import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { cli, makeWorkspace } from '../helpers/workspace.ts';

// The store waits 30 s for another process's write; RISKWATCH_TEST_SQLITE_BUSY_MS shortens that
// for this test only. The other process is a real second connection holding a write transaction.
test('a store held by another writer beyond the busy timeout: one line naming the file, exit 1, no stack; the same command works once it is free', async () => {
  const ws = makeWorkspace();
  const path = join(ws.dir, 'riskwatch.db');
  const s = new SqliteStore(path);
  await s.migrate();
  await s.close();
  const holder = new Database(path);
  try {
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('UPDATE schema_migrations SET applied_at = applied_at').run();
    const env = { RISKWATCH_TEST_SQLITE_BUSY_MS: '300' };
    const expected = `${path}: the store is locked: another riskwatch process has held a write on it for more than 300 ms; run this again when that command has finished (\`riskwatch runs\` lists the running ones)`;
    const human = cli(['--config', ws.config, 'models'], { env });
    assert.equal(human.status, 1, human.stderr);
    assert.equal(human.stderr, `riskwatch: ${expected}\n`);
    assert.equal(human.stdout, '');
    const json = cli(['--config', ws.config, 'models', '--json'], { env });
    assert.equal(json.status, 1, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { error: { message: expected, exitCode: 1 } });
    holder.exec('ROLLBACK');
    const free = cli(['--config', ws.config, 'models', '--json'], { env });
    assert.equal(free.status, 0, free.stderr);
  } finally {
    holder.close();
  }
});
