import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { createServer, startServer } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { SESSION_COOKIE, tokenKind, verifySession, newSession } from '../../src/server/session-cookie.ts';
import { safeNext } from '../../src/server/read-access.ts';
import { capturingLogger } from '../reliability/helpers.ts';
import { seedWorkspace } from '../helpers/workspace.ts';

/**
 * Read access control (config api.read_token_env) on a real listening server: every route class
 * without a token, with a wrong one, with the read token, the admin token and a session cookie;
 * the sign-in and sign-out routes; the cookie's attributes; no token or cookie in any log line.
 */
const READ_ENV = 'RW_TEST_READ_TOKEN';
const ADMIN_ENV = 'RW_TEST_ADMIN_TOKEN_RA';
const READ = 'read-7f3a9c21e4b85d60aa19';
const ADMIN = 'admin-c81d2e6f0b9a47c3e5';

let ws: ReturnType<typeof seedWorkspace>;
let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
let base: string;
let lines: Array<Record<string, unknown>>;
const dirs: string[] = [];

before(async () => {
  process.env[READ_ENV] = READ;
  process.env[ADMIN_ENV] = ADMIN;
  ws = seedWorkspace();
  dirs.push(ws.dir);
  writeFileSync(ws.config, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), api: { read_token_env: READ_ENV, token_env: ADMIN_ENV } }));
  const captured = capturingLogger('info');
  lines = captured.lines;
  const config = loadConfig(ws.config);
  ctx = makeContext(config, await openStore(config), captured.log);
  await ingest(ctx);
  const { version } = await train(ctx);
  await deploy(ctx, version);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  base = server.url;
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  delete process.env[READ_ENV];
  delete process.env[ADMIN_ENV];
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers, redirect: 'manual' });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const PUBLIC = new Set(['/health', '/ready', '/signin', '/session']);
/** A concrete path for a registered route pattern. */
const concrete = (p: string) => p.replace(':version', 'v1').replace('*', 'index.html') + (p === '/prediction' ? '?filepath=testdata%2Ftestdata.csv' : p === '/risk' ? '?top=3' : '');

async function signIn(token: string, next = '/dashboard/'): Promise<Response> {
  return fetch(`${base}/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, next }).toString() });
}
const cookieOf = (r: Response) => /^riskwatch_session=([^;]*)/.exec(r.headers.get('set-cookie') ?? '')?.[1] ?? null;

test('every GET route but the probes and sign-in answers 401 without a token, and its usual answer with the read token, the admin token or a session', async () => {
  const gets = [...new Set(server.routes.filter((r) => r.method === 'GET').map((r) => r.path))];
  assert.ok(gets.length >= 20, `${gets.length} GET routes`);
  const session = cookieOf(await signIn(READ));
  assert.ok(session);
  for (const p of gets) {
    const path = concrete(p);
    const open = await get(path);
    if (PUBLIC.has(p)) {
      assert.notEqual(open.status, 401, `${path} is public`);
      continue;
    }
    assert.equal(open.status, 401, `${path} without a token`);
    assert.match(open.headers.get('www-authenticate') ?? '', /^Bearer realm="riskwatch"/);
    assert.match(((await open.json()) as { error: { message: string } }).error.message, /read token/);
    const wrong = await get(path, bearer(`${READ}x`));
    assert.equal(wrong.status, 401, `${path} with a wrong token`);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    for (const [how, headers] of [['read token', bearer(READ)], ['admin token', bearer(ADMIN)], ['session', { cookie: `${SESSION_COOKIE}=${session}` }]] as const) {
      const r = await get(path, headers);
      assert.ok(r.status !== 401 && r.status !== 403, `${path} with the ${how}: ${r.status} ${r.status >= 400 ? await r.clone().text() : ''}`);
      await r.arrayBuffer();
    }
  }
  // An unknown path does not say whether it exists before the token is shown.
  assert.equal((await get('/no-such-route')).status, 401);
  assert.equal((await get('/no-such-route', bearer(READ))).status, 404);
  assert.equal((await fetch(`${base}/health`, { method: 'PUT' })).status, 401);
});

test('scoring POSTs need a token; a session does not authorise a POST; the changing routes still need the admin token', async () => {
  const body = JSON.stringify({ records: [{ corporation: 'a', lastmonth_activity: 1, lastyear_activity: 2, number_of_employees: 3 }] });
  const post = (path: string, headers: Record<string, string>, b = body) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b });
  assert.equal((await post('/prediction', {})).status, 401);
  assert.equal((await post('/prediction', bearer('nope'))).status, 401);
  assert.equal((await post('/prediction', bearer(READ))).status, 200);
  assert.equal((await post('/prediction', bearer(ADMIN))).status, 200);
  assert.equal((await post('/invocations', {}, JSON.stringify({ instances: [[1, 2, 3]] }))).status, 401);
  assert.equal((await post('/invocations', bearer(READ), JSON.stringify({ instances: [[1, 2, 3]] }))).status, 200);
  const session = cookieOf(await signIn(READ))!;
  assert.equal((await post('/prediction', { cookie: `${SESSION_COOKIE}=${session}` })).status, 401);
  // /deploy, /rollback, /run: the read token reads only; the admin token changes production.
  for (const path of ['/deploy', '/rollback', '/run']) {
    assert.equal((await post(path, {}, '{}')).status, 401, path);
    assert.equal((await post(path, bearer(READ), '{}')).status, 401, `${path} with the read token`);
    assert.equal((await post(path, { cookie: `${SESSION_COOKIE}=${session}` }, '{}')).status, 401, `${path} with a session`);
  }
  assert.equal((await post('/rollback', bearer(ADMIN), '{}')).status, 409); // authorised: nothing to roll back to
  // Prometheus scrapes with the read token (bearer_token / authorization in its scrape config).
  assert.equal((await get('/metrics')).status, 401);
  const m = await get('/metrics', bearer(READ));
  assert.equal(m.status, 200);
  assert.match(await m.text(), /riskwatch_http_requests_total/);
});

test('a page opened in a browser without a session goes to the sign-in page, which asks for the token', async () => {
  const r = await get('/dashboard/', { accept: 'text/html,application/xhtml+xml' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/signin?next=%2Fdashboard%2F');
  const page = await get('/signin?next=%2Fdashboard%2F');
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<form method="post" action="\/signin">/);
  assert.match(html, /name="next" value="\/dashboard\/"/);
  assert.doesNotMatch(html, /<script/);
  // Only paths on this server are followed after signing in.
  for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/signin', '/x y']) assert.equal(safeNext(bad), '/dashboard/', bad);
  assert.equal(safeNext('/risk?top=3'), '/risk?top=3');
});

test('sign-in: a wrong token is refused; the right one sets an HttpOnly SameSite=Strict session cookie that is not the token; sign-out ends it', async () => {
  const wrong = await signIn('not-the-token-at-all');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('set-cookie'), null);
  assert.match(await wrong.text(), /That token is not right/);
  const ok = await signIn(READ, '/risk?top=3');
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/risk?top=3');
  const setCookie = ok.headers.get('set-cookie')!;
  assert.match(setCookie, /; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/); // plain http: not Secure
  const value = cookieOf(ok)!;
  assert.ok(!value.includes(READ) && !decodeURIComponent(value).includes(READ), 'the cookie is not the token');
  const cookie = { cookie: `other=1; ${SESSION_COOKIE}=${value}` };
  assert.equal((await get('/risk?top=3', cookie)).status, 200);
  // Behind a proxy doing Basic authentication the browser's Authorization: Basic comes along: the
  // session still reads; a bearer token, when sent, decides alone.
  const basic = { authorization: `Basic ${Buffer.from('manager:pw').toString('base64')}` };
  assert.equal((await get('/risk?top=3', { ...basic, ...cookie })).status, 200);
  assert.equal((await get('/risk?top=3', basic)).status, 401);
  assert.equal((await get('/risk?top=3', { ...bearer('wrong-token'), ...cookie })).status, 401);
  const s = (await (await get('/session', cookie)).json()) as { readAccess: string; signedIn: boolean; via: string; expiresAt: string };
  assert.deepEqual([s.readAccess, s.signedIn, s.via], ['token', true, 'session']);
  assert.ok(Math.abs(Date.parse(s.expiresAt) - Date.now() - 12 * 3600_000) < 60_000);
  // Tampered: another expiry, another id, another kind, a signature of the wrong key.
  const [v, kind, exp, id, sig] = value.split('.');
  const forged = [
    [v, kind, (parseInt(exp, 36) + 100).toString(36), id, sig],
    [v, kind, exp, id.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), sig],
    [v, 'a', exp, id, sig],
    newSession('read', 'some-other-token-xxxxxxxx').value.split('.'),
  ];
  for (const f of forged) assert.equal((await get('/risk', { cookie: `${SESSION_COOKIE}=${f.join('.')}` })).status, 401, f.join('.'));
  // Sign out: the cookie is cleared, and the old value no longer reads on this server.
  const out = await fetch(`${base}/signout`, { method: 'POST', redirect: 'manual', headers: cookie });
  assert.equal(out.status, 303);
  assert.equal(out.headers.get('location'), '/signin?signedout');
  assert.match(out.headers.get('set-cookie') ?? '', /^riskwatch_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/);
  assert.equal((await get('/risk', cookie)).status, 401);
  assert.match(await (await get('/signin?signedout')).text(), /You are signed out/);
  // A form posted from another site is refused (login CSRF).
  const cross = await fetch(`${base}/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, body: `token=${READ}` });
  assert.equal(cross.status, 403);
  assert.equal(cross.headers.get('set-cookie'), null);
});

test('the cookie is Secure when the request came over https through a trusted proxy, and only then', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' };
  const payload = `token=${READ}`;
  // This server trusts no proxy: the header is the client's word, not believed.
  const untrusted = await server.app.inject({ method: 'POST', url: '/signin', headers: form, payload, remoteAddress: '127.0.0.1' });
  assert.doesNotMatch(String(untrusted.headers['set-cookie']), /Secure/);
  const config = loadConfig(ws.config);
  const proxied = await createServer(makeContext({ ...config, api: { ...config.api, trusted_proxies: ['127.0.0.1'] } }, ctx.store));
  try {
    const viaProxy = await proxied.app.inject({ method: 'POST', url: '/signin', headers: form, payload, remoteAddress: '127.0.0.1' });
    assert.match(String(viaProxy.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Secure$/);
    const other = await proxied.app.inject({ method: 'POST', url: '/signin', headers: form, payload, remoteAddress: '10.9.8.7' });
    assert.doesNotMatch(String(other.headers['set-cookie']), /Secure/);
  } finally {
    await proxied.close();
  }
});

test('tokens are compared as digests in constant time: any length, any near miss, both kinds', async (t) => {
  const tokens = { read: READ, admin: ADMIN };
  assert.equal(tokenKind(READ, tokens), 'read');
  assert.equal(tokenKind(ADMIN, tokens), 'admin');
  // timingSafeEqual on the raw strings would throw on a length mismatch: digests never differ in length.
  for (const g of ['', 'x', READ.slice(0, -1), `${READ}x`, READ.toUpperCase(), 'y'.repeat(100_000)]) assert.equal(tokenKind(g, tokens), null);
  assert.equal(tokenKind(READ, { admin: ADMIN }), null);
  // A session verifies only under the token it was signed with, until its expiry.
  const now = Date.now();
  const { value } = newSession('read', READ, now);
  assert.ok(verifySession(value, tokens, now));
  assert.equal(verifySession(value, { read: 'a-rotated-read-token-123' }, now), null);
  assert.equal(verifySession(value, tokens, now + 12 * 3600_000 + 1000), null);
  // Over HTTP: a guess wrong in its first character against one wrong only in its last (medians
  // reported, not asserted: both sides are hashed first, so no prefix is ever compared).
  const other = (c: string) => (c === 'x' ? 'y' : 'x');
  const probes = { first: `${other(READ[0])}${READ.slice(1)}`, last: `${READ.slice(0, -1)}${other(READ.at(-1)!)}` };
  const times: Record<string, number[]> = { first: [], last: [] };
  for (let i = 0; i < 200; i++) {
    for (const k of ['first', 'last'] as const) {
      const t0 = process.hrtime.bigint();
      const r = await server.app.inject({ url: '/ready', headers: bearer(probes[k]) });
      const r2 = await server.app.inject({ url: '/drift', headers: bearer(probes[k]) });
      times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      assert.equal(r.statusCode === 200 || r.statusCode === 503, true);
      assert.equal(r2.statusCode, 401);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  t.diagnostic(`wrong first char: median ${median(times.first).toFixed(3)} ms; wrong last char: ${median(times.last).toFixed(3)} ms (200 probes each)`);
});

test('a configured read token that is missing or short stops the server from starting; unset, a warning when listening beyond loopback', async () => {
  const config = loadConfig(ws.config);
  const saved = process.env[READ_ENV];
  try {
    delete process.env[READ_ENV];
    await assert.rejects(createServer(makeContext(config, ctx.store)), /config api\.read_token_env: the environment variable RW_TEST_READ_TOKEN is not set/);
    process.env[READ_ENV] = 'short';
    await assert.rejects(createServer(makeContext(config, ctx.store)), /has 5 characters; use at least 16/);
  } finally {
    process.env[READ_ENV] = saved;
  }
  const open = { ...config, api: { ...config.api, read_token_env: undefined } };
  for (const [host, warns] of [['0.0.0.0', 1], ['127.0.0.1', 0]] as const) {
    const c = capturingLogger('info');
    const s = await startServer(makeContext(open, ctx.store, c.log), { host, port: 0 });
    await s.close();
    const warnings = c.lines.filter((l) => l.level === 40 && /read_token_env is not set/.test(String(l.msg)));
    assert.equal(warnings.length, warns, host);
    // Open as before: reads need nothing.
  }
  const c = capturingLogger('info');
  const guarded = await startServer(makeContext(config, ctx.store, c.log), { host: '0.0.0.0', port: 0 });
  await guarded.close();
  assert.equal(c.lines.filter((l) => l.level === 40).length, 0);
});

test('without a read token the server reads as before, and the sign-in routes send the browser to the dashboard', async () => {
  const config = loadConfig(ws.config);
  const open = await createServer(makeContext({ ...config, api: { ...config.api, read_token_env: undefined } }, ctx.store));
  try {
    assert.equal((await open.app.inject({ url: '/risk?top=2' })).statusCode, 200);
    assert.equal((await open.app.inject({ url: '/dashboard/', headers: { accept: 'text/html' } })).statusCode, 200);
    const s = await open.app.inject({ url: '/signin' });
    assert.equal(s.statusCode, 303);
    assert.equal(s.headers.location, '/dashboard/');
    assert.deepEqual((await open.app.inject({ url: '/session' })).json(), { readAccess: 'open', signedIn: false, via: null, expiresAt: null });
  } finally {
    await open.close();
  }
});

test('neither token nor session cookie is ever logged (headers, query strings, form bodies, cookies)', async () => {
  const ok = await signIn(READ);
  const session = cookieOf(ok)!;
  await get(`/risk?token=${READ}&top=2`, bearer(READ));
  await get(`/risk?access_token=${ADMIN}`, { cookie: `${SESSION_COOKIE}=${session}` });
  await get(`/signin?next=${READ}`);
  await signIn(ADMIN);
  await signIn(`${READ}-wrong`);
  await fetch(`${base}/signout`, { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${session}` } });
  const text = lines.map((l) => JSON.stringify(l)).join('\n');
  assert.ok(lines.some((l) => l.msg === 'request'), 'requests were logged');
  for (const secret of [READ, ADMIN, session, session.split('.').at(-1)!]) assert.ok(!text.includes(secret), `${secret.slice(0, 8)}… is not in the log`);
});
