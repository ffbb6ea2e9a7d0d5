import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { startServer, redactPaths } from '../../src/server/app.ts';
import { RateLimiter, requestId, SECURITY_HEADERS } from '../../src/server/security.ts';
import pino from 'pino';
import { makeContext } from '../../src/context.ts';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { workspaceConfig } from '../../src/config/workspace-config.ts';
import { openStore } from '../../src/store/open.ts';
import { seedWithModels } from '../helpers/workspace.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
const servers: Server[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** A seeded workspace with `api` config merged in, served on a free port; log lines captured. */
async function serveWith(api: Record<string, unknown>, env: Record<string, string> = {}) {
  const { ws, ctx: seeded } = await seedWithModels(1);
  await seeded.store.close();
  const cfg = JSON.parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
  writeFileSync(ws.config, JSON.stringify({ ...cfg, api }));
  Object.assign(process.env, env);
  const lines: Array<Record<string, unknown>> = [];
  const stream = { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) };
  const log = pino({ level: 'info' }, stream);
  const config = loadConfig(ws.config);
  const ctx = makeContext(config, await openStore(config), log);
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  servers.push(server);
  return { server, lines, ws, base: server.url };
}

test('security headers on every response: success, error, CSV, dashboard and 404', async () => {
  const { base } = await serveWith({});
  const cases: Array<[string, RequestInit?]> = [['/health'], ['/nope'], ['/risk', { headers: { accept: 'text/csv' } }], ['/prediction', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"records":[{"lastmonth_activity":-1}]}' }], ['/dashboard/'], ['/docs']];
  for (const [path, init] of cases) {
    const r = await fetch(base + path, init);
    await r.arrayBuffer();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(r.headers.get(name), value, `${name} on ${path} (${r.status})`);
    assert.ok(r.headers.get('cache-control'), `cache-control on ${path}`);
  }
});

test('CORS is off by default: no allow-origin header, preflight not answered', async () => {
  const { base } = await serveWith({});
  const r = await fetch(`${base}/models`, { headers: { origin: 'https://evil.example' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  const pre = await fetch(`${base}/prediction`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  assert.notEqual(pre.status, 204);
});

test('CORS for configured origins only: allowed origin echoed, preflight 204, others refused', async () => {
  const { base } = await serveWith({ cors_origins: ['https://intranet.example'] });
  const ok = await fetch(`${base}/models`, { headers: { origin: 'https://intranet.example' } });
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://intranet.example');
  assert.match(ok.headers.get('vary') ?? '', /Origin/);
  const pre = await fetch(`${base}/prediction`, { method: 'OPTIONS', headers: { origin: 'https://intranet.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
  assert.match(pre.headers.get('access-control-allow-headers') ?? '', /content-type/);
  const other = await fetch(`${base}/models`, { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('request ids: generated or taken from a well-formed x-request-id, echoed, and in the log lines', async () => {
  const { base, lines } = await serveWith({});
  const a = await fetch(`${base}/health`);
  const id = a.headers.get('x-request-id');
  assert.match(id ?? '', /^[0-9a-f]{8}-[0-9a-z]+$/);
  const next = (await fetch(`${base}/health`)).headers.get('x-request-id');
  assert.notEqual(next, id, 'a new id per request');
  const b = await fetch(`${base}/health`, { headers: { 'x-request-id': 'proxy-42.abc' } });
  assert.equal(b.headers.get('x-request-id'), 'proxy-42.abc');
  // A forged id (a newline could fake log lines) is replaced.
  const c = await fetch(`${base}/health`, { headers: { 'x-request-id': 'x'.repeat(100) } });
  assert.notEqual(c.headers.get('x-request-id'), 'x'.repeat(100));
  await new Promise((r) => setTimeout(r, 50));
  const logged = lines.filter((l) => l.msg === 'request').map((l) => l.reqId);
  assert.ok(logged.includes(id) && logged.includes('proxy-42.abc'), `log lines carry the ids: ${JSON.stringify(logged)}`);
  assert.equal(requestId(['a1', 'b2']), 'a1');
  assert.notEqual(requestId('bad id with spaces'), 'bad id with spaces');
});

test('rate limit on the mutating routes: a burst, then 429 with Retry-After; read routes not limited', async () => {
  const { base } = await serveWith({ token_env: 'RW_SEC_TOKEN', rate_limit: { burst: 3, per_minute: 6 } }, { RW_SEC_TOKEN: 'sekrit' });
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${base}/rollback`, { method: 'POST', headers: { authorization: 'Bearer wrong' } });
    statuses.push(r.status);
    if (r.status === 429) {
      retryAfter = r.headers.get('retry-after');
      const body = (await r.json()) as { error: { message: string } };
      assert.match(body.error.message, /too many requests/);
    } else await r.arrayBuffer();
  }
  assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
  assert.equal(retryAfter, '10'); // 6 per minute: one token every 10 s
  // The bucket is per route group, not global: reads still answer.
  for (let i = 0; i < 10; i++) assert.equal((await fetch(`${base}/health`)).status, 200);
});

/** Statuses of `n` POST /rollback requests (wrong token: 401 until the bucket is empty, then 429). */
async function rollbacks(base: string, n: number, forwardedFor?: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const headers: Record<string, string> = { authorization: 'Bearer wrong' };
    if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
    const r = await fetch(`${base}/rollback`, { method: 'POST', headers });
    await r.arrayBuffer();
    out.push(r.status);
  }
  return out;
}

test('trusted_proxies: X-Forwarded-For from a peer that is not a trusted proxy is ignored (one bucket per connecting IP)', async () => {
  // The test connects from 127.0.0.1, which is not in the list.
  const { base } = await serveWith({ token_env: 'RW_SEC_TOKEN', rate_limit: { burst: 2, per_minute: 1 }, trusted_proxies: ['10.1.2.3', '192.168.0.0/16'] }, { RW_SEC_TOKEN: 'sekrit' });
  assert.deepEqual(await rollbacks(base, 2, '198.51.100.1'), [401, 401]);
  // Another claimed client, same connecting address: the same (now empty) bucket.
  assert.deepEqual(await rollbacks(base, 1, '198.51.100.2'), [429]);
  assert.deepEqual(await rollbacks(base, 1), [429]);
});

test('trusted_proxies: behind a trusted proxy each forwarded client IP has its own bucket; the rightmost untrusted hop counts', async () => {
  const { base } = await serveWith({ token_env: 'RW_SEC_TOKEN', rate_limit: { burst: 2, per_minute: 1 }, trusted_proxies: ['127.0.0.1', '10.0.0.0/8'] }, { RW_SEC_TOKEN: 'sekrit' });
  assert.deepEqual(await rollbacks(base, 3, '198.51.100.1'), [401, 401, 429]);
  // A second client behind the same proxy is not limited by the first one's requests.
  assert.deepEqual(await rollbacks(base, 3, '198.51.100.2'), [401, 401, 429]);
  // A client cannot escape its bucket by prepending addresses of its own: the proxy appends the
  // address it saw, and the rightmost address not a trusted proxy is the client.
  assert.deepEqual(await rollbacks(base, 1, '203.0.113.77, 198.51.100.1'), [429]);
  // Trusted hops (an inner proxy in 10.0.0.0/8) are skipped.
  assert.deepEqual(await rollbacks(base, 1, '198.51.100.2, 10.0.0.5'), [429]);
  assert.deepEqual(await rollbacks(base, 1, '198.51.100.3, 10.0.0.5'), [401]);
  // A request the proxy forwarded without the header: the proxy's own address is the key.
  assert.deepEqual(await rollbacks(base, 3), [401, 401, 429]);
});

test('trusted_proxies: entries are checked when the config is read', () => {
  assert.throws(() => parseConfig({ ...workspaceConfig(), api: { trusted_proxies: ['10.0.0.0/33'] } }, 'config.json', { checkFolders: false }), /trusted_proxies/);
  assert.throws(() => parseConfig({ ...workspaceConfig(), api: { trusted_proxies: ['proxy.internal'] } }, 'config.json', { checkFolders: false }), /trusted_proxies/);
  const ok = parseConfig({ ...workspaceConfig(), api: { trusted_proxies: ['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback'] } }, 'config.json', { checkFolders: false });
  assert.deepEqual(ok.api.trusted_proxies, ['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  assert.deepEqual(parseConfig(workspaceConfig(), 'config.json', { checkFolders: false }).api.trusted_proxies, []);
});

test('RateLimiter: refills at the configured rate, at most burst; forgets the oldest clients', () => {
  let now = 0;
  const rl = new RateLimiter({ burst: 2, perMinute: 60, now: () => now, maxClients: 2 });
  assert.equal(rl.take('a').ok, true);
  assert.equal(rl.take('a').ok, true);
  const denied = rl.take('a');
  assert.equal(denied.ok, false);
  assert.equal(!denied.ok && denied.retryAfterSeconds, 1);
  now += 1000; // one token back
  assert.equal(rl.take('a').ok, true);
  assert.equal(rl.take('a').ok, false);
  now += 60_000; // refill capped at burst
  assert.equal(rl.take('a').ok, true);
  assert.equal(rl.take('a').ok, true);
  assert.equal(rl.take('a').ok, false);
  assert.equal(rl.take('b').ok, true);
  assert.equal(rl.take('c').ok, true); // 'a' forgotten (least recently seen): full bucket again
  assert.equal(rl.take('a').ok, true);
});

test('no stack traces or internal paths in error responses', async () => {
  const { base, ws } = await serveWith({});
  assert.equal(redactPaths(`cannot read ${ws.dir}/sourcedata/x.csv`, ws.dir), 'cannot read sourcedata/x.csv');
  assert.equal(redactPaths('failed at /usr/lib/node_modules/x/index.js: boom', ws.dir), 'failed at <path>: boom');
  assert.equal(redactPaths('expected 3 fields, got 2', ws.dir), 'expected 3 fields, got 2');
  const bodies: string[] = [];
  for (const [path, init] of [
    ['/prediction?filepath=../../etc/passwd'],
    ['/prediction?filepath=sourcedata/missing.csv'],
    ['/prediction', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad json' }],
    ['/prediction', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b\n"1' }],
    ['/models/..%2F..%2Fetc'],
    ['/dashboard/../../package.json'],
    ['/dashboard/%2e%2e/%2e%2e/package.json'],
  ] as Array<[string, RequestInit?]>) {
    const r = await fetch(base + path, init);
    assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
    bodies.push(await r.text());
  }
  for (const b of bodies) {
    assert.ok(!b.includes(ws.dir), `no workspace path in ${b}`);
    assert.ok(!/\n\s+at /.test(b) && !b.includes('.ts:') && !b.includes('node_modules'), `no stack in ${b}`);
    assert.ok(!b.includes('"name":"riskwatch"'), 'no file outside the dashboard served');
  }
});
