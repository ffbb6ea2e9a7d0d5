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

type Param = { name: string; in: string; required: boolean; schema: Record<string, unknown> };
type Doc = { paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> };

test('query parameters that are numbers are typed as numbers, with the bounds the route checks', async () => {
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Doc;
  const param = (path: string, name: string) => doc.paths[path].get.parameters!.find((p) => p.name === name)!;
  assert.deepEqual({ ...param('/risk', 'top'), description: undefined }, { name: 'top', in: 'query', required: false, description: undefined, schema: { type: 'integer', exclusiveMinimum: 0, maximum: 1_000_000 } });
  assert.deepEqual(param('/runs', 'limit').schema, { type: 'integer', exclusiveMinimum: 0, maximum: 10_000 });
  assert.equal(param('/prediction', 'filepath').schema.type, 'string');
  // The bound documented is the bound enforced.
  assert.equal((await fetch(`${server.url}/runs?limit=10000`)).status, 200);
  assert.equal((await fetch(`${server.url}/runs?limit=10001`)).status, 400);
  assert.equal((await fetch(`${server.url}/risk?top=1.5`)).status, 400);
});

test('/invocations documents its body: one of the four MLflow input fields, each accepted by the route', async () => {
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Doc;
  const content = doc.paths['/invocations'].post.requestBody!.content;
  assert.deepEqual(Object.keys(content).sort(), ['application/json', 'text/csv']);
  const variants = (content['application/json'].schema as { oneOf: Array<{ required: string[]; properties: Record<string, { type: string }> }> }).oneOf;
  assert.deepEqual(variants.map((v) => v.required[0]).sort(), ['dataframe_records', 'dataframe_split', 'inputs', 'instances']);
  for (const v of variants) assert.equal(v.properties[v.required[0]].type, v.required[0] === 'dataframe_split' ? 'object' : 'array');
  // A record is POST /prediction's record (the same validation schema), not any object.
  const records = variants.find((v) => v.required[0] === 'dataframe_records')!.properties.dataframe_records as unknown as { items: { properties?: Record<string, unknown> } };
  assert.ok(records.items.properties && 'lastmonth_activity' in records.items.properties);
  const rec = { corporation: 'a', lastmonth_activity: 1, lastyear_activity: 2, number_of_employees: 3 };
  const bodies = [
    { dataframe_split: { columns: Object.keys(rec), data: [Object.values(rec)] } },
    { dataframe_records: [rec] },
    { instances: [rec] },
    { inputs: [[1, 2, 3]], params: {} },
  ];
  for (const body of bodies) {
    const r = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 200, JSON.stringify(body));
  }
});

test('response schemas (from the contract types) name exactly the fields each route answers with', async () => {
  type Schema = { type?: string; required?: string[]; properties?: Record<string, Schema>; items?: Schema };
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, { get: { responses: { '200': { content: Record<string, { schema?: Schema }> } } } }> };
  const schemaOf = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema!;
  for (const path of ['/risk', '/population', '/importance', '/family', '/drift', '/models', '/session']) {
    const body = (await (await fetch(`${server.url}${path}`)).json()) as Record<string, unknown>;
    const schema = schemaOf(path);
    assert.equal(schema.type, 'object', path);
    assert.deepEqual(Object.keys(body).sort(), [...schema.required!].sort(), path);
  }
  const pop = (await (await fetch(`${server.url}/population`)).json()) as { population: object; histogram: object };
  const popSchema = schemaOf('/population');
  assert.deepEqual(Object.keys(pop.population).sort(), [...popSchema.properties!.population.required!].sort());
  assert.deepEqual(Object.keys(pop.histogram).sort(), [...popSchema.properties!.histogram.required!].sort());
  const models = (await (await fetch(`${server.url}/models`)).json()) as { models: Array<Record<string, unknown>> };
  const listed = schemaOf('/models').properties!.models.items!;
  for (const k of Object.keys(models.models[0])) assert.ok(k in listed.properties!, `/models field ${k} documented`);
  assert.equal(schemaOf('/risk').properties!.rows.items!.properties!.rank.type, 'integer');
});
