import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { startServer } from '../../src/server/app.ts';
import { context, seedWithModels } from '../helpers/workspace.ts';

// A store another process holds a write on (a run, an ingest, a CLI deploy) beyond the busy
// timeout: the API answers 503 with Retry-After and one line saying so — the client should come
// back, not report a bug. RISKWATCH_TEST_SQLITE_BUSY_MS shortens the 30 s wait for this test; the
// other writer is a real second connection holding a write transaction on the same file.
process.env.RISKWATCH_TEST_SQLITE_BUSY_MS = '300';
process.env.RW_TEST_BUSY_TOKEN = 'busy-token';
const seeded = await seedWithModels(2);
await seeded.ctx.store.close();
writeFileSync(seeded.ws.config, JSON.stringify({ ...JSON.parse(readFileSync(seeded.ws.config, 'utf8')), api: { token_env: 'RW_TEST_BUSY_TOKEN' } }));
const ctx = await context(seeded.ws.config);
const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
after(async () => {
  await server.close();
  await ctx.store.close();
  rmSync(seeded.ws.dir, { recursive: true, force: true });
});
const storePath = (ctx.config.store as { path: string }).path;
const post = (path: string, body: unknown = {}) =>
  fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer busy-token' }, body: JSON.stringify(body) });

test('POST /deploy and /rollback while another connection holds a write on the store: 503, Retry-After, one line; then 200 once it is free', async () => {
  const holder = new Database(storePath);
  try {
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('UPDATE schema_migrations SET applied_at = applied_at').run();
    for (const [path, body] of [['/run', {}], ['/deploy', { version: seeded.versions[1] }], ['/rollback', {}]] as const) {
      const r = await post(path, body);
      assert.equal(r.status, 503, `${path}: ${r.status} ${await r.clone().text()}`);
      const retry = Number(r.headers.get('retry-after'));
      assert.ok(Number.isInteger(retry) && retry > 0, `${path}: Retry-After ${r.headers.get('retry-after')}`);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      const text = await r.text();
      const body2 = JSON.parse(text) as { error: { message: string } };
      assert.deepEqual(Object.keys(body2), ['error']);
      assert.match(body2.error.message, /the store is locked/);
      assert.doesNotMatch(body2.error.message, /\n/);
      assert.ok(!body2.error.message.includes(seeded.ws.dir), `no absolute path: ${body2.error.message}`);
    }
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
  const free = await post('/deploy', { version: seeded.versions[1] });
  assert.equal(free.status, 200, await free.clone().text());
  assert.equal(free.headers.get('retry-after'), null);
});
