import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import { seedWithModels } from '../helpers/workspace.ts';

let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  ({ ctx } = await seedWithModels());
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});
after(async () => {
  await server?.close();
  await ctx?.store.close();
});

test('/openapi.json documents every registered route; request bodies come from the validation schemas', async () => {
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; info: { version: string }; paths: Record<string, Record<string, { security?: unknown; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
  assert.equal(doc.openapi, '3.1.0');
  assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
  assert.ok(server.routes.length >= 18);
  for (const { method, path } of server.routes) {
    const openapiPath = path.replace(/:([A-Za-z]+)/g, '{$1}');
    assert.ok(doc.paths[openapiPath]?.[method.toLowerCase()], `${method} ${path} is documented`);
  }
  const body = doc.paths['/prediction'].post.requestBody!.content['application/json'].schema;
  assert.ok(body.properties && 'records' in body.properties);
  for (const p of ['/deploy', '/rollback', '/run']) assert.ok(doc.paths[p].post.security, `${p} needs the bearer token`);
});

test('/docs is a self-contained HTML page listing the routes (no external scripts)', async () => {
  const r = await fetch(`${server.url}/docs`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /text\/html/);
  const html = await r.text();
  assert.match(html, /<code>\/invocations<\/code>/);
  assert.doesNotMatch(html, /<script[^>]+src=|https?:\/\/(?!127\.0\.0\.1)/);
});
