import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import { checkBearer } from '../../src/server/auth.ts';
import type { Context } from '../../src/context.ts';
import { context, seedWorkspace, HEADER } from '../helpers/workspace.ts';

const TOKEN = 'rw-test-token-5f1c9a';
let ctx: Context;
let open: Context;
let server: Awaited<ReturnType<typeof startServer>>;
let noToken: Awaited<ReturnType<typeof startServer>>;
let v1: string;
let v2: string;

before(async () => {
  process.env.RW_TEST_API_TOKEN = TOKEN;
  const ws = seedWorkspace();
  writeFileSync(ws.config, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), api: { token_env: 'RW_TEST_API_TOKEN' } }));
  ctx = await context(ws.config);
  await ingest(ctx);
  v1 = (await train(ctx)).version;
  writeFileSync(join(ws.source, 'more.csv'), `${HEADER}\nzzz,1,2,3,1\n`);
  await ingest(ctx);
  v2 = (await train(ctx)).version;
  await deploy(ctx, v1);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  const other = seedWorkspace();
  open = await context(other.config);
  noToken = await startServer(open, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await noToken?.close();
  await ctx?.store.close();
  await open?.store.close();
  delete process.env.RW_TEST_API_TOKEN;
});

const post = (base: string, path: string, body: unknown, token?: string) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

test('with no token configured the changing routes are off (403), never open', async () => {
  for (const path of ['/deploy', '/rollback', '/run']) {
    const r = await post(noToken.url, path, {}, TOKEN);
    assert.equal(r.status, 403, path);
  }
});

test('missing or wrong tokens get 401; the token never appears in an answer', async () => {
  for (const token of [undefined, 'wrong', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
    const r = await post(server.url, '/deploy', { version: v2 }, token);
    assert.equal(r.status, 401, String(token));
    assert.doesNotMatch(await r.text(), new RegExp(TOKEN));
  }
  assert.equal((await (await fetch(`${server.url}/ready`)).json() as { version: string }).version, v1);
});

test('deploy and rollback with the token; production swaps within a second; user errors are 4xx', async () => {
  const d = await post(server.url, '/deploy', { version: v2, reason: 'api test' }, TOKEN);
  assert.equal(d.status, 200);
  const body = (await d.json()) as { version: string; previous: string };
  assert.deepEqual([body.version, body.previous], [v2, v1]);
  const t0 = Date.now();
  while ((await (await fetch(`${server.url}/ready`)).json() as { version: string }).version !== v2) {
    assert.ok(Date.now() - t0 < 1500, 'served within 1.5 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const rb = await post(server.url, '/rollback', {}, TOKEN);
  assert.equal(rb.status, 200);
  assert.equal((await rb.json() as { version: string }).version, v1);
  assert.equal((await post(server.url, '/deploy', { version: 'v999' }, TOKEN)).status, 409);
  assert.equal((await post(server.url, '/deploy', { version: '../etc' }, TOKEN)).status, 400);
  assert.equal((await post(server.url, '/deploy', { bogus: 1 }, TOKEN)).status, 400);
  const history = await ctx.store.deployments();
  assert.equal(history[history.length - 2].reason, 'api test');
});

test('POST /run runs the pipeline', async () => {
  const r = await post(server.url, '/run', {}, TOKEN);
  assert.equal(r.status, 200);
  const body = (await r.json()) as { status: string; runId: number };
  assert.ok(['noop', 'completed'].includes(body.status));
  assert.equal(typeof body.runId, 'number');
});

test('checkBearer: scheme, case and whitespace', () => {
  assert.deepEqual(checkBearer(`bearer ${TOKEN}`, TOKEN), { ok: true });
  assert.equal(checkBearer(`Basic ${TOKEN}`, TOKEN).ok, false);
  assert.equal(checkBearer(undefined, undefined).ok, false);
});

test('a deploy or rollback through the API is a command record, as the CLI\'s (GET /runs), failures included', async () => {
  // The tests before spent most of this client's rate-limit bucket (burst 10, then 30 a minute):
  // wait for the three tokens this one needs.
  await new Promise((r) => setTimeout(r, 6500));
  const before = (await ctx.store.commandRecords(1000)).length;
  assert.equal((await post(server.url, '/deploy', { version: v2 }, TOKEN)).status, 200);
  assert.equal((await post(server.url, '/rollback', {}, TOKEN)).status, 200);
  assert.equal((await post(server.url, '/deploy', { version: 'v999' }, TOKEN)).status, 409);
  const { runs } = (await (await fetch(`${server.url}/runs?limit=3`)).json()) as { runs: Array<{ command: string; status: string; error: string | null; timings: Record<string, number> }> };
  assert.deepEqual(runs.map((r) => [r.command, r.status]), [['deploy', 'failed'], ['rollback', 'ok'], ['deploy', 'ok']]);
  assert.match(runs[0].error ?? '', /v999/);
  assert.equal(typeof runs[1].timings.rollback, 'number');
  assert.equal((await ctx.store.commandRecords(1000)).length, before + 3);
});
