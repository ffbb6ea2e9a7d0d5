// Issue 14 item 5: every route in /openapi.json documents its 200 answer, and what real servers
// answer validates against those documented schemas — checked with an independent JSON Schema
// validator (ajv, draft 2020-12, as OpenAPI 3.1 uses), not with the zod schemas they come from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { appendMonths, loadConfig, makeContext, openStore, runPipeline, silentLogger, simulate, type Context } from '../../src/index.ts';
import { startServer } from '../../src/server/app.ts';
import { regionWorkspace } from '../helpers/region-workspace.ts';
import { tempDir } from '../helpers/temp.ts';

type Schema = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, { responses: { '200': { content: Record<string, { schema?: Schema }> } } }>> };

/** The routes whose answers are contract types (src/contracts/api.ts) and must validate. */
const CONTRACT_ROUTES = ['/evaluation', '/distributions', '/diagnostics', '/runs', '/scoring', '/dependencies', '/risk', '/population', '/importance', '/family', '/drift', '/models', '/session'];

type Server = Awaited<ReturnType<typeof startServer>>;
const servers: Array<{ name: string; server: Server; ctx: Context }> = [];

/** A demo workspace (the generator's clients) after two runs: the first deploys, the second meets inputs that shifted. */
async function demoWorkspace(): Promise<Context> {
  const out = join(tempDir('rw-response-schemas-'), 'demo');
  const sim = simulate({ out, clients: 1500, months: 3, seed: 21 });
  // No PDF report after each run: it takes seconds and nothing here reads it.
  const config = JSON.parse(readFileSync(sim.config, 'utf8')) as Record<string, unknown>;
  writeFileSync(sim.config, JSON.stringify({ ...config, report: { enabled: false } }));
  const loaded = loadConfig(sim.config);
  const ctx = makeContext(loaded, await openStore(loaded), silentLogger);
  assert.equal((await runPipeline(ctx)).status, 'completed');
  appendMonths({ out, scenario: 'covariate', months: 1, rowsPerMonth: 400, seed: 22 });
  assert.equal((await runPipeline(ctx)).status, 'completed');
  return ctx;
}

before(async () => {
  const demo = await demoWorkspace();
  servers.push({ name: 'demo', ctx: demo, server: await startServer(demo, { host: '127.0.0.1', port: 0 }) });
  // Category features (and a category the training rows never had) for /distributions' category entries.
  const { ctx: region } = await regionWorkspace({ north: 300, south: 300, '': 20 }, { north: 120, south: 60, east: 40 });
  servers.push({ name: 'region', ctx: region, server: await startServer(region, { host: '127.0.0.1', port: 0 }) });
});
after(async () => {
  for (const { server, ctx } of servers) {
    await server.close();
    await ctx.store.close();
  }
});

async function openapi(server: Server): Promise<Doc> {
  return (await (await fetch(`${server.url}/openapi.json`)).json()) as Doc;
}

/** The same schema with `additionalProperties: false` wherever an object lists its properties and says nothing else: the answer may hold no field the schema does not name. */
function exact(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(exact);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, exact(s)])) : exact(v);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

test('every route in /openapi.json has a 200 response schema for each type it answers with', async () => {
  const doc = await openapi(servers[0].server);
  const missing: string[] = [];
  let routes = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      routes++;
      const content = op.responses['200']?.content ?? {};
      assert.ok(Object.keys(content).length > 0, `${method.toUpperCase()} ${path}: 200 names a content type`);
      for (const [type, media] of Object.entries(content)) if (!media.schema || typeof media.schema.type !== 'string') missing.push(`${method.toUpperCase()} ${path} (${type})`);
    }
  }
  assert.ok(routes >= 30, `${routes} routes documented`);
  assert.deepEqual(missing, [], 'routes without a 200 schema');
  // The contract routes' schemas are the full shapes, not a bare "object".
  for (const path of CONTRACT_ROUTES) {
    const schema = doc.paths[path].get.responses['200'].content['application/json'].schema!;
    assert.ok(Array.isArray(schema.required) && (schema.required as string[]).length > 0 && schema.properties, `${path}: a full schema`);
  }
});

test('real answers of the contract routes validate against their documented schemas (demo and category workspaces)', async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  for (const { name, server } of servers) {
    const doc = await openapi(server);
    for (const path of CONTRACT_ROUTES) {
      const r = await fetch(`${server.url}${path}`, { headers: { accept: 'application/json' } });
      assert.equal(r.status, 200, `${name} ${path}: ${r.status}`);
      const body = (await r.json()) as Record<string, unknown>;
      const validate = ajv.compile(exact(doc.paths[path].get.responses['200'].content['application/json'].schema) as Schema);
      assert.ok(validate(body), `${name} ${path}: ${ajv.errorsText(validate.errors)}`);
    }
    // GET /explanation needs a client: the first of the call list.
    const first = ((await (await fetch(`${server.url}/risk?top=1`)).json()) as { rows: Array<{ id: string }> }).rows[0].id;
    const r = await fetch(`${server.url}/explanation?id=${encodeURIComponent(first)}`);
    assert.equal(r.status, 200, `${name} /explanation`);
    const validate = ajv.compile(exact(doc.paths['/explanation'].get.responses['200'].content['application/json'].schema) as Schema);
    assert.ok(validate(await r.json()), `${name} /explanation: ${ajv.errorsText(validate.errors)}`);
  }
  // The answers exercise the shapes: rows in every list, both kinds of distribution entry, an unseen category.
  const get = async (i: number, path: string) => (await (await fetch(`${servers[i].server.url}${path}`)).json()) as unknown;
  const runs = (await get(0, '/runs')) as { runs: Array<{ command: string; detail: { drift?: object } }> };
  assert.ok(runs.runs.filter((x) => x.command === 'run' && x.detail.drift).length >= 1);
  const scoring = (await get(0, '/scoring')) as { scores: unknown[]; score: object | null };
  assert.ok(scoring.scores.length >= 1 && scoring.score);
  const evaluation = (await get(0, '/evaluation')) as { versions: Array<{ metrics: object | null }>; curves: object | null };
  assert.ok(evaluation.versions.length >= 1 && evaluation.versions.every((v) => v.metrics) && evaluation.curves);
  const diagnostics = (await get(0, '/diagnostics')) as { model: object | null; summary: object };
  assert.ok(diagnostics.model && Object.keys(diagnostics.summary).length > 0);
  const dists = (await get(1, '/distributions')) as { features: Array<{ kind: string; drift: object | null }>; categoryFeatures: Array<{ kind: string; unseen: Array<{ category: string }> }>; prediction: { kind: string } | null };
  assert.deepEqual(dists.features.map((f) => f.kind), ['count']);
  assert.ok(dists.features[0].drift, 'numeric drift figures');
  assert.deepEqual(dists.categoryFeatures.map((f) => f.kind), ['category']);
  assert.deepEqual(dists.categoryFeatures[0].unseen.map((u) => u.category), ['east']);
  assert.equal(dists.prediction?.kind, 'number');
});

test('the documented schemas refuse an answer that breaks the contract', async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  const doc = await openapi(servers[1].server);
  const schemaOf = (path: string) => ajv.compile(exact(doc.paths[path].get.responses['200'].content['application/json'].schema) as Schema);
  const dists = (await (await fetch(`${servers[1].server.url}/distributions`)).json()) as { features: Array<Record<string, unknown>>; categoryFeatures: Array<Record<string, unknown>> };
  const check = schemaOf('/distributions');
  assert.ok(check(dists));
  // A numeric entry without its kind, a category entry with a numeric kind, an undocumented field.
  assert.ok(!check({ ...dists, features: [{ ...dists.features[0], kind: undefined }] }));
  assert.ok(!check({ ...dists, categoryFeatures: [{ ...dists.categoryFeatures[0], kind: 'count' }] }));
  assert.ok(!check({ ...dists, extra: 1 }));
  const runs = (await (await fetch(`${servers[0].server.url}/runs`)).json()) as { runs: Array<Record<string, unknown>> };
  const checkRuns = schemaOf('/runs');
  assert.ok(checkRuns(runs));
  assert.ok(!checkRuns({ runs: [{ ...runs.runs[0], status: 'finished' }] }), 'status outside its enum');
  assert.ok(!checkRuns({ runs: [{ ...runs.runs[0], id: 1.5 }] }), 'a non-integer id');
});
