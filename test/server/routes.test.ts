import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { startServer } from '../../src/server/app.ts';
import { cli, seedWithModels } from '../helpers/workspace.ts';

// What a person or a tool meets at the edges of the route table: the root, a known path asked
// with the wrong method, a port someone else holds.
const { ws, ctx } = await seedWithModels(1);
const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
after(async () => {
  await server.close();
  await ctx.store.close();
  rmSync(ws.dir, { recursive: true, force: true });
});

test('GET / redirects to the dashboard', async () => {
  const r = await fetch(`${server.url}/`, { redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), '/dashboard/');
});

test('a wrong method on a known route is a 405 with an Allow header; an unknown path stays a 404', async () => {
  const cases: Array<[string, string, string]> = [
    ['PUT', '/health', 'GET, HEAD'],
    ['POST', '/models', 'GET, HEAD'],
    ['DELETE', '/models/v1', 'GET, HEAD'],
    ['GET', '/deploy', 'POST'],
    ['PATCH', '/prediction', 'GET, HEAD, POST'],
    ['DELETE', '/dashboard/assets/x.js', 'GET, HEAD'],
  ];
  for (const [method, path, allow] of cases) {
    const r = await fetch(server.url + path, { method });
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
    const body = (await r.json()) as { error: { message: string } };
    assert.equal(body.error.message, `method ${method} is not allowed on ${path}; allowed: ${allow}`);
    assert.ok(r.headers.get('x-content-type-options'), 'security headers on the 405 too');
  }
  // /invocations answers every error in MLflow's shape, a wrong method too.
  const inv = await fetch(`${server.url}/invocations`, { method: 'GET' });
  assert.equal(inv.status, 405);
  assert.equal(inv.headers.get('allow'), 'POST');
  assert.deepEqual(await inv.json(), { error_code: 'BAD_REQUEST', message: 'method GET is not allowed on /invocations; allowed: POST' });
  const missing = await fetch(`${server.url}/nosuch`, { method: 'PUT' });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('allow'), null);
});

test('serve on a port in use: one line naming the address and port, exit 1', async () => {
  const taken = netServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const r = cli(['--config', ws.config, 'serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--json'], { timeoutMs: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    const line = `cannot listen on 127.0.0.1:${port}: the port is in use by another process (choose another with --port or config "url")`;
    assert.equal(r.stderr, `riskwatch: ${line}\n`);
    assert.deepEqual(JSON.parse(r.stdout), { error: { message: line, exitCode: 1 } });
  } finally {
    await new Promise((r) => taken.close(r));
  }
});
