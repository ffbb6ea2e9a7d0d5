/**
 * Smaller holes (issue 13 item 10): a token in the query string stays out of the request log;
 * requests the HTTP parser refuses get the API's error shape and security headers; the API and
 * the report show workspace-relative paths; --model takes a version name, never a path.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';
import { SECURITY_HEADERS } from '../../src/server/security.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { collectReportData } from '../../src/report/data.ts';
import { resolveModel } from '../../src/model/resolve.ts';
import { UsageError } from '../../src/util/errors.ts';
import { capturingLogger } from '../reliability/helpers.ts';
import { seedWithModels } from '../helpers/workspace.ts';

let ctx: Context;
let dir: string;
let lines: Array<Record<string, unknown>>;
let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  const seeded = await seedWithModels();
  dir = seeded.ws.dir;
  const captured = capturingLogger('info');
  lines = captured.lines;
  ctx = makeContext(seeded.ctx.config, seeded.ctx.store, captured.log);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});
after(async () => {
  await server?.close();
  await ctx?.store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a token sent in the query string is not written to the request log; the parameters routes read are', async () => {
  const secret = 'qs-secret-7f3a9c';
  await fetch(`${server.url}/rollback?token=${secret}&access_token=${secret}`, { method: 'POST' });
  await fetch(`${server.url}/runs?limit=5&api%5Fkey=${secret}`);
  await new Promise((r) => setTimeout(r, 50));
  const requests = lines.filter((l) => l.msg === 'request');
  assert.ok(!JSON.stringify(lines).includes(secret), 'the secret is in no log line');
  assert.ok(requests.some((l) => l.url === '/rollback?token=***&access_token=***'), JSON.stringify(requests.map((l) => l.url)));
  assert.ok(requests.some((l) => l.url === '/runs?limit=5&api%5Fkey=***'));
});

/** Send raw bytes; the whole answer as text (the server closes the connection). */
function raw(text: string): Promise<string> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.end(text));
    let data = '';
    socket.on('data', (b) => (data += b.toString('latin1')));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

test('requests the HTTP parser refuses: the API\'s {error:{message}}, the security headers, a request id', async () => {
  const cases: Array<[string, number, RegExp]> = [
    ['POST /prediction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400, /^malformed HTTP request: Duplicate Content-Length$/],
    ['POST /prediction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}', 400, /^malformed HTTP request: Content-Length can't be present with Transfer-Encoding$/],
    ['POST /prediction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, bogus\r\n\r\n{}', 400, /^malformed HTTP request: Invalid `Transfer-Encoding` header value$/],
    [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, /^request headers are too large \(at most 16 KB\)$/],
    ['GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, /^malformed HTTP request: Invalid header token$/],
  ];
  for (const [request, status, message] of cases) {
    const answer = await raw(request);
    const [head, body] = answer.split('\r\n\r\n');
    assert.match(head, new RegExp(`^HTTP/1.1 ${status} `), answer.slice(0, 200));
    const headers = new Map(head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(headers.get(k), v, `${k} on a ${status}`);
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.ok(headers.get('x-request-id'));
    assert.equal(headers.get('content-type'), 'application/json; charset=utf-8');
    const json = JSON.parse(body) as { error: { message: string } };
    assert.deepEqual(Object.keys(json), ['error']);
    assert.match(json.error.message, message);
  }
  assert.equal((await fetch(`${server.url}/health`)).status, 200, 'the server keeps serving');
});

test('/scoring and /runs show workspace-relative paths, never the server\'s own layout', async () => {
  const version = server.holder.current!.version;
  await ctx.store.recordScore({ version, kind: 'adhoc', dataHash: 'h1', dataPath: join(dir, 'testdata', 'march.csv'), rows: 10, f1: 0.5, metrics: { f1: 0.5 }, createdAt: new Date().toISOString(), measuredOn: null });
  await ctx.store.recordScore({ version, kind: 'adhoc', dataHash: 'h2', dataPath: '/srv/elsewhere/april.csv', rows: 10, f1: 0.5, metrics: { f1: 0.5 }, createdAt: new Date().toISOString(), measuredOn: null });
  const id = await ctx.store.startCommandRecord('run', new Date().toISOString());
  await ctx.store.finishCommandRecord(id, 'ok', new Date().toISOString(), {}, null, {
    report: { dir: join(dir, 'reports', `run-${id}`), pdf: join(dir, 'reports', `run-${id}`, 'report.pdf'), files: 3 },
    ingest: { datasetPath: join(dir, 'ingesteddata', 'finaldata.csv'), note: `read ${join(dir, 'sourcedata')} in 1 s` },
    webhook: 'https://hooks.example.com/a/b',
  });
  const scoring = JSON.stringify(await (await fetch(`${server.url}/scoring`)).json());
  const runs = (await (await fetch(`${server.url}/runs`)).json()) as { runs: Array<{ id: number; detail: Record<string, unknown> }> };
  for (const text of [scoring, JSON.stringify(runs)]) assert.ok(!text.includes(dir) && !text.includes('/srv/'), text.slice(0, 400));
  assert.match(scoring, /"dataPath":"testdata\/march.csv"/);
  assert.match(scoring, /"dataPath":"<path>"/);
  const run = runs.runs.find((r) => r.id === id)!;
  assert.deepEqual(run.detail, {
    report: { dir: `reports/run-${id}`, pdf: `reports/run-${id}/report.pdf`, files: 3 },
    ingest: { datasetPath: 'ingesteddata/finaldata.csv', note: 'read sourcedata in 1 s' },
    webhook: 'https://hooks.example.com/a/b',
  });
});

test('the report (PDF first page) names the test data workspace-relative', async () => {
  const data = await collectReportData(ctx, { dependencies: false });
  assert.equal(data.test.path, 'testdata');
});

test('--model takes a version name, "production" or "latest", never a path', async () => {
  for (const bad of ['../production_deployment', '../../etc', 'v1/../v1', '/abs/path', '.', '..']) {
    await assert.rejects(resolveModel(ctx, bad), (err: Error) => {
      assert.ok(err instanceof UsageError, `${bad}: ${err.message}`);
      assert.equal(err.message, `--model: expected a version id such as v3, "production" or "latest" (got ${JSON.stringify(bad)})`);
      return true;
    });
  }
  const version = server.holder.current!.version;
  assert.equal((await resolveModel(ctx, version)).version, version);
  assert.equal((await resolveModel(ctx, 'production')).version, version);
});
