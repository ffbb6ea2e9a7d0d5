/**
 * Attack surface of the API server (a real HTTP server on a real socket): path traversal and
 * symlink escapes on every route that takes a path, oversized bodies, deep JSON, slow clients
 * (header and body timeouts), missing / wrong / timing-probed tokens, and secrets (the API token,
 * a password in a webhook URL) never in a log line or a response.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { score } from '../../src/model/score.ts';
import { deploy } from '../../src/model/deploy.ts';
import { createServer, startServer, BODY_LIMIT, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { SEED, HEADER, cli, makeWorkspace } from '../helpers/workspace.ts';
import { TEST_PASSWORD, TEST_TOKEN, TOKEN_ENV, capture, capturedSecrets, capturingLogger, writeFigures } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
let ws: ReturnType<typeof makeWorkspace>;
let ctx: Context;
let server: Server;
let base: string;
let logLines: Array<Record<string, unknown>>;
const responses: string[] = [];

const HEADERS_MS = 800;
const REQUEST_MS = 1500;

before(async () => {
  ws = makeWorkspace({
    // The per-IP rate limit on the mutating routes has its own test (test/server/security.test.ts);
    // here every request must reach the token check.
    api: { token_env: TOKEN_ENV, rate_limit: { burst: 100_000, per_minute: 1_000_000 } },
    // A webhook whose URL carries a password; nothing listens on port 9, so delivery fails and logs.
    alerts: { webhooks: [{ url: `http://alerts:${TEST_PASSWORD}@127.0.0.1:9/hook?token=${TEST_PASSWORD}` }], timeout_ms: 300, retries: 0 },
  } as Record<string, unknown>);
  cpSync(join(SEED, 'sourcedata'), ws.source, { recursive: true });
  cpSync(join(SEED, 'testdata'), ws.test, { recursive: true });
  const config = loadConfig(ws.config);
  const captured = capturingLogger('debug');
  logLines = captured.lines;
  ctx = makeContext(config, await openStore(config), captured.log);
  await ingest(ctx);
  const { version } = await train(ctx);
  await score(ctx, { model: version });
  await deploy(ctx, version);
  // Symlinks inside a data folder: one to a system file, one to a system folder, one relative
  // escape, and one to another data folder (allowed: it stays inside the configured folders).
  symlinkSync('/etc/passwd', join(ws.source, 'passwd.csv'));
  symlinkSync('/etc', join(ws.source, 'etc-link'));
  symlinkSync('../../../../../../../../etc/hostname', join(ws.source, 'rel-escape.csv'));
  symlinkSync(join(ws.test, 'testdata.csv'), join(ws.source, 'inside-link.csv'));
  mkdirSync(join(ws.dir, 'outside'));
  writeFileSync(join(ws.dir, 'outside', 'secret.csv'), `${HEADER}\nleak,1,2,3,0\n`);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0, pollMs: 100, headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS });
  base = server.url;
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
});

async function req(path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const r = await fetch(base + path, init);
  const body = await r.text();
  responses.push(body);
  capture('response', body);
  return { status: r.status, body };
}

/** A raw HTTP/1.1 exchange (fetch normalises `..` out of paths; an attacker's client does not). */
function raw(text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(Number(new URL(base).port), '127.0.0.1');
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.end(text);
  });
}

test('GET /prediction?filepath: traversal, absolute paths, encodings and symlink escapes are refused', async () => {
  const refused = [
    '../config.json',
    '../../../../etc/passwd',
    '/etc/passwd',
    'sourcedata/../../../../etc/passwd',
    'sourcedata/../config.json',
    'sourcedata/..\\..\\etc\\passwd',
    'C:\\Windows\\win.ini',
    'sourcedata/passwd.csv',
    'sourcedata/etc-link/passwd',
    'sourcedata/etc-link/hostname',
    'sourcedata/rel-escape.csv',
    'outside/secret.csv',
    'sourcedata/dataset3.csv\0.png',
    '.',
    'sourcedata',
  ];
  for (const p of refused) {
    const r = await req(`/prediction?filepath=${encodeURIComponent(p)}`);
    assert.ok([400, 403, 404].includes(r.status), `${JSON.stringify(p)} → ${r.status} ${r.body}`);
    assert.doesNotMatch(r.body, /root:|leak|"predictions"/, `${JSON.stringify(p)} leaked content`);
  }
  // Double encoding stays literal: a file named "%2e%2e" does not exist.
  assert.equal((await req('/prediction?filepath=sourcedata/%252e%252e/config.json')).status, 404);
  // Controls: files inside the data folders, including through a symlink that stays inside.
  assert.equal((await req('/prediction?filepath=sourcedata/dataset3.csv')).status, 200);
  assert.equal((await req('/prediction?filepath=sourcedata/inside-link.csv')).status, 200);
});

test('paths in the URL itself and in route parameters: no file outside is ever served', async () => {
  for (const path of ['/../../../../etc/passwd', '/models/..%2F..%2F..%2Fetc%2Fpasswd', '/models/../../etc/passwd', '/models/%2e%2e%2fconfig.json', '/docs/../config.json', '/prediction/..%2f..%2fconfig.json']) {
    const res = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    responses.push(res);
    assert.match(res, /^HTTP\/1\.1 (400|404)/, `${path}: ${res.slice(0, 80)}`);
    assert.doesNotMatch(res, /root:|input_folder_path/);
  }
  const auth = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
  for (const version of ['../../etc/passwd', '..', 'v1/../../x', '/etc/passwd', 'v1\0']) {
    const r = await req('/deploy', { method: 'POST', headers: auth, body: JSON.stringify({ version }) });
    assert.equal(r.status, 400, `${JSON.stringify(version)}: ${r.body}`);
  }
});

test('oversized bodies: 413 with one JSON line, on every route that takes a body; the server keeps serving', async () => {
  const big = Buffer.alloc(BODY_LIMIT + 1, 0x20);
  for (const [path, type] of [['/prediction', 'application/json'], ['/prediction', 'text/csv'], ['/invocations', 'application/json'], ['/deploy', 'application/json']] as const) {
    const r = await req(path, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${TEST_TOKEN}` }, body: big });
    assert.equal(r.status, 413, `${path} ${type}`);
    // /invocations answers every error in MLflow's shape, {error_code, message}.
    const e = JSON.parse(r.body) as { error?: { message: string }; error_code?: string; message?: string };
    if (path === '/invocations') assert.equal(e.error_code, 'BAD_REQUEST');
    assert.match(path === '/invocations' ? e.message! : e.error!.message, /larger than 10 MB/);
  }
  // A Content-Length that lies (says small, sends more) is cut off, not buffered.
  const lie = await raw(`POST /prediction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"records":[]}`);
  assert.match(lie, /^HTTP\/1\.1 400/);
  assert.equal((await req('/health')).status, 200);
});

test('deep JSON: 400 (or 413), no crash, the server keeps serving', async () => {
  for (const depth of [1_000, 100_000, 1_000_000]) {
    for (const body of [`{"records":${'['.repeat(depth)}${']'.repeat(depth)}}`, `{"records":[${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]}`]) {
      for (const path of ['/prediction', '/invocations']) {
        const r = await req(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        // Nested arrays where records belong: refused. A deep object under an unknown field:
        // ignored like any unknown field (scored on the medians) — answered either way, no crash.
        const allowed = body.includes('{"a":') ? [200, 400, 413] : [400, 413];
        assert.ok(allowed.includes(r.status), `${path} depth ${depth}: ${r.status} ${r.body.slice(0, 200)}`);
        assert.doesNotMatch(r.body, /\n\s+at /);
      }
    }
  }
  const bad = await req('/prediction', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"records":[{"corporation":' });
  assert.equal(bad.status, 400);
  assert.equal((await req('/health')).status, 200);
});

/** Open a socket, send `parts` with `gapMs` between them; resolves when the server closes it. */
function slowClient(parts: string[], gapMs: number): Promise<{ closedAfterMs: number; response: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s = connect(Number(new URL(base).port), '127.0.0.1');
    let response = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < parts.length && !s.destroyed) s.write(parts[i++]);
    }, gapMs);
    s.on('data', (d) => (response += d));
    s.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - t0, response });
    });
    s.on('error', () => {});
    // Guard: if the server never closes, fail instead of hanging.
    setTimeout(() => {
      if (!s.destroyed) {
        clearInterval(timer);
        s.destroy();
        reject(new Error('the server kept a slow client open for 15 s'));
      }
    }, 15_000).unref();
  });
}

test('slow clients: a trickled request head or body is cut off; other clients are served meanwhile', async () => {
  // Headers one byte every 100 ms, never finished (slowloris).
  const head = 'POST /prediction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: ' + 'a'.repeat(200);
  const slowHead = slowClient(head.split(''), 100);
  // Headers complete, body 1 byte every 100 ms of a promised 1,000.
  const slowBody = slowClient(['POST /prediction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', ...'{"records":['.split(''), ...Array(990).fill(' ')], 100);
  // Meanwhile the server answers others.
  for (let i = 0; i < 5; i++) assert.equal((await req('/health')).status, 200);
  const [h, b] = await Promise.all([slowHead, slowBody]);
  assert.ok(h.closedAfterMs < HEADERS_MS + 1000 + 3000, `head cut off after ${h.closedAfterMs} ms`);
  assert.ok(b.closedAfterMs < REQUEST_MS + 1000 + 3000, `body cut off after ${b.closedAfterMs} ms`);
  assert.match(h.response, /^(HTTP\/1\.1 408|$)/);
  assert.match(b.response, /^(HTTP\/1\.1 408|$)/);
  writeFigures('slow-clients', { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS, headCutAfterMs: h.closedAfterMs, bodyCutAfterMs: b.closedAfterMs });
});

test('the server sets header and request timeouts by default (Fastify would set none for the body)', async () => {
  const s = await createServer(ctx);
  try {
    assert.equal(s.app.server.headersTimeout, HEADERS_TIMEOUT_MS);
    assert.equal(s.app.server.requestTimeout, REQUEST_TIMEOUT_MS);
    assert.ok(REQUEST_TIMEOUT_MS > 0 && HEADERS_TIMEOUT_MS > 0 && HEADERS_TIMEOUT_MS <= REQUEST_TIMEOUT_MS);
  } finally {
    await s.close();
  }
});

test('tokens: missing, malformed, wrong, near-miss and timing-probed tokens are all refused', async () => {
  const wrong = [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `Basic ${Buffer.from(`x:${TEST_TOKEN}`).toString('base64')}`,
    `Bearer ${TEST_TOKEN}x`,
    `Bearer ${TEST_TOKEN.slice(0, -1)}`,
    `Bearer ${TEST_TOKEN.toUpperCase()}`,
    `Bearer ${TEST_TOKEN.slice(1)}`,
    `Token ${TEST_TOKEN}`,
    `Bearer ${'a'.repeat(10_000)}`,
  ];
  for (const path of ['/deploy', '/rollback', '/run']) {
    for (const a of wrong) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (a !== undefined) headers.authorization = a;
      const r = await req(path, { method: 'POST', headers, body: '{}' });
      assert.equal(r.status, 401, `${path} with ${JSON.stringify(a?.slice(0, 30))}: ${r.body}`);
      assert.match(JSON.parse(r.body).error.message, /^(missing|invalid) bearer token$/);
    }
  }
  // Timing probe: a guess wrong in its first character against one wrong only in its last.
  // Every probe is refused; the medians are reported (the compare hashes both sides first, so
  // time does not depend on how much of the token a guess gets right).
  // (The replacement character differs from the one it replaces: a token that happened to end in
  // 'x' once made the "wrong" guess the right one.)
  const other = (c: string) => (c === 'x' ? 'y' : 'x');
  const first = `Bearer ${other(TEST_TOKEN[0])}${TEST_TOKEN.slice(1)}`;
  const last = `Bearer ${TEST_TOKEN.slice(0, -1)}${other(TEST_TOKEN.at(-1)!)}`;
  const times: Record<string, number[]> = { first: [], last: [] };
  for (let i = 0; i < 200; i++) {
    for (const [k, a] of [['first', first], ['last', last]] as const) {
      const t0 = process.hrtime.bigint();
      const r = await fetch(`${base}/rollback`, { method: 'POST', headers: { authorization: a } });
      times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      assert.equal(r.status, 401);
      await r.arrayBuffer();
    }
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  writeFigures('token-timing', { probes: 400, medianMsWrongFirst: median(times.first), medianMsWrongLast: median(times.last) });
  // The right token works (case-insensitive scheme).
  const ok = await req('/rollback', { method: 'POST', headers: { authorization: `bearer ${TEST_TOKEN}` } });
  assert.equal(ok.status, 409, ok.body); // authorised; nothing to roll back to
});

test('with no token configured the routes that change production are off (403), never open', async () => {
  const saved = process.env[TOKEN_ENV];
  delete process.env[TOKEN_ENV];
  try {
    for (const path of ['/deploy', '/rollback', '/run']) {
      const r = await req(path, { method: 'POST', headers: { authorization: `Bearer ${saved}` } });
      assert.equal(r.status, 403);
    }
  } finally {
    process.env[TOKEN_ENV] = saved;
  }
});

test('secrets: the API token and a webhook password appear in no log line and no response', async () => {
  // A run through the API (its webhook fails and is logged), then the records of it.
  // 40 rows far outside the training data: data drift, so the run has something to alert about.
  const shifted = Array.from({ length: 40 }, (_, i) => `secret-test-${i},${90_000 + i},${90_000 + i},${5_000 + i},${i % 2}`);
  writeFileSync(join(ws.source, 'more.csv'), [HEADER, ...shifted].join('\n') + '\n');
  const run = await req('/run', { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  assert.equal(run.status, 200, run.body);
  for (const path of ['/runs', '/diagnostics', '/models', '/metrics', '/drift', '/openapi.json', '/docs', '/summarystats', '/scoring']) assert.equal((await req(path)).status, 200, path);
  // The CLI too: a run with the same config (the webhook fails again), runs, diagnose, config errors.
  writeFileSync(join(ws.source, 'more2.csv'), [HEADER, ...shifted.map((r) => `x${r}`)].join('\n') + '\n');
  const texts: string[] = [];
  for (const args of [['run', '--json'], ['runs', '--json'], ['diagnose', '--json', '--no-dependencies'], ['models', '--json'], ['run', '--log-level', 'debug']]) {
    const r = cli(['--config', ws.config, ...args]);
    texts.push(r.stdout, r.stderr);
    capture('log', r.stderr);
    capture('response', r.stdout);
  }
  // The run did try the webhook (so the masking was exercised) …
  const all = [run.body, ...texts].join('\n');
  assert.ok(all.includes('alerts:***@127.0.0.1:9'), `the failed delivery is reported with the URL masked: ${run.body}`);
  // … and no secret reached a log or a response.
  assert.deepEqual(capturedSecrets([...responses, ...texts, JSON.stringify(logLines)]), []);
  assert.ok(logLines.length > 20 && responses.length > 50, 'the grep had material to search');
});
