import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDemo } from '../../src/cli/demo.ts';
import { startServer } from '../../src/server/app.ts';
import { PopulationCache } from '../../src/server/population.ts';
import { productionSource } from '../../src/registry/production.ts';
import { ModelHolder } from '../../src/server/model-holder.ts';
import { score } from '../../src/model/score.ts';
import { drift, type DriftReport, type FeatureDrift } from '../../src/monitor/drift.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { deploy } from '../../src/model/deploy.ts';
import { readReference } from '../../src/stats/reference.ts';
import { area } from '../../src/report/curves.ts';
import { silentLogger } from '../../src/util/log.ts';
import type { Context } from '../../src/context.ts';
import { context, seedWithModels, HEADER } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
let ctx: Context;
let server: Server;
let base: string;
let dir: string;

before(async () => {
  dir = join(tempDir('rw-dashdata-'), 'ws');
  await runDemo(dir, silentLogger); // 10,000 clients, six monthly runs, two versions
  ctx = await context(join(dir, 'config.json'));
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  base = server.url;
});
after(async () => {
  await server?.close();
  await ctx?.store.close();
});

const get = async <T>(path: string): Promise<T> => {
  const r = await fetch(base + path);
  assert.equal(r.status, 200, path);
  return (await r.json()) as T;
};

interface ClassificationMetrics { f1: number; precision: number; recall: number; rocAuc: number; prAuc: number; confusionMatrix: number[][]; rows: number }

test('/evaluation: every version scored on the test data as `score` does; production curves (≤ 200 points) agree with its AUCs', async () => {
  const e = await get<{ data: { rows: number; positives: number }; production: string; versions: Array<{ version: string; metrics: ClassificationMetrics }>; curves: { version: string; roc: Array<{ fpr: number; tpr: number }>; pr: Array<{ recall: number; precision: number }> } }>('/evaluation');
  // Every version the demo trained (under model.family "auto" the concept months train twice: v1-v3).
  assert.deepEqual(e.versions.map((v) => v.version), (await ctx.store.listModels()).map((m) => m.version).sort());
  assert.ok(e.versions.length >= 2);
  for (const v of e.versions) {
    const s = await score(ctx, { model: v.version });
    assert.equal(v.metrics.f1, s.f1);
    assert.equal(v.metrics.rocAuc, s.rocAuc);
    assert.deepEqual(v.metrics.confusionMatrix, s.confusionMatrix);
  }
  assert.equal(e.curves.version, e.production);
  assert.ok(e.curves.roc.length <= 200 && e.curves.pr.length <= 200);
  const prod = e.versions.find((v) => v.version === e.production)!.metrics;
  const auc = area(e.curves.roc.map((p) => p.fpr), e.curves.roc.map((p) => p.tpr));
  assert.ok(Math.abs(auc - prod.rocAuc) < 0.005, `curve area ${auc} vs roc_auc ${prod.rocAuc}`);
  // Average precision is the step-wise area under the PR curve.
  let ap = 0;
  for (let k = 1; k < e.curves.pr.length; k++) ap += (e.curves.pr[k].recall - e.curves.pr[k - 1].recall) * e.curves.pr[k].precision;
  assert.ok(Math.abs(ap - prod.prAuc) < 0.01, `PR step area ${ap} vs average precision ${prod.prAuc}`);
});

test('/distributions: reference vs the latest batch per feature, with the figures `drift --data` computes', async () => {
  const d = await get<{ version: string; current: { source: string; rows: number }; features: Array<{ feature: string; reference: { edges: number[]; shares: number[]; n: number }; current: { shares: number[]; n: number }; drift: { ks: { statistic: number }; wasserstein: number; psi: { value: number; level: string }; level: string } }>; prediction: { current: { n: number } } }>('/distributions');
  assert.equal(d.current.source, 'clients-2026-06.csv');
  assert.equal(d.current.rows, 833);
  const cli = await drift(ctx, { data: join(dir, 'sourcedata', 'clients-2026-06.csv') });
  const ref = readReference(ctx.config, d.version)!;
  for (const f of d.features) {
    assert.ok(f.reference.edges.length - 1 <= 50);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum(f.reference.shares) - 1) < 1e-9 && Math.abs(sum(f.current.shares) - 1) < 1e-9);
    assert.equal(f.reference.n, ref.features[f.feature].n);
    const fromCli = (cli as DriftReport).features[f.feature] as FeatureDrift;
    assert.equal(f.drift.ks.statistic, fromCli.ks.statistic);
    assert.equal(f.drift.wasserstein, fromCli.wasserstein);
    assert.deepEqual(f.drift.psi, (cli as DriftReport).features[f.feature].psi);
    assert.equal(f.drift.level, (cli as DriftReport).features[f.feature].level);
  }
  assert.equal(d.prediction.current.n, 833);
});

test('/population: the risk histogram counts every client; above-threshold matches the ranked list', async () => {
  const p = await get<{ rows: number; threshold: number; aboveThreshold: number; histogram: { counts: number[]; edges: number[] } }>('/population');
  assert.equal(p.histogram.counts.reduce((a, b) => a + b, 0), p.rows);
  assert.equal(p.histogram.edges.length, 21);
  const all = await get<{ rows: Array<{ probability: number }> }>(`/risk?top=${p.rows}`);
  assert.equal(all.rows.length, p.rows);
  assert.equal(all.rows.filter((r) => r.probability > p.threshold).length, p.aboveThreshold);
  for (let k = 1; k < all.rows.length; k++) assert.ok(all.rows[k].probability <= all.rows[k - 1].probability);
});

test('/importance: mean |contribution| per feature over the clients /population ranks, as the library computes it for the production model', async () => {
  const imp = await get<{ version: string; datasetHash: string; clients: number; base: number; features: Array<{ feature: string; meanAbs: number }>; gain: Record<string, number> | null }>('/importance');
  const p = await get<{ version: string; datasetHash: string; rows: number }>('/population');
  assert.equal(imp.version, p.version);
  assert.equal(imp.datasetHash, p.datasetHash);
  assert.equal(imp.clients, p.rows);
  const holder = new ModelHolder(productionSource(ctx), { watch: false });
  await holder.check(true);
  const fitted = holder.current!.fitted;
  holder.stop();
  assert.deepEqual(imp.features.map((f) => f.feature).sort(), [...fitted.features].sort());
  // Recomputed here from a fresh ranking of the same population (not the server's cached list).
  const list = (await new PopulationCache(ctx.config).get(holder.current!))!;
  const c = fitted.contributions({ x: list.x, rows: list.rows, levels: list.levels });
  assert.ok(Math.abs(c.base - imp.base) < 1e-12);
  for (const f of imp.features) {
    const col = c.values[fitted.features.indexOf(f.feature)];
    const mean = col.reduce((a, v) => a + Math.abs(v), 0) / list.rows;
    assert.ok(Math.abs(mean - f.meanAbs) < 1e-9, `${f.feature}: ${mean} vs ${f.meanAbs}`);
  }
  for (let k = 1; k < imp.features.length; k++) assert.ok(imp.features[k - 1].meanAbs >= imp.features[k].meanAbs);
  assert.deepEqual(imp.gain, fitted.family === 'gbdt' ? (fitted.toDocument() as { gbdt: { importance: { gain: object } } }).gbdt.importance.gain : null);
});

test('/explanation?id=: one client of the call list — rank, risk, contributions and reasons as /risk?explain gives them, every feature against stayers; 404 / 400', async () => {
  const r = await get<{ base: number; rows: Array<{ rank: number; id: string; probability: number; contributions: Record<string, number>; reasons: unknown[]; keeping: unknown }> }>(`/risk?top=5&rank=probability&explain=${ctx.config.risk.reasons}`);
  const row = r.rows[4];
  const e = await get<{ rank: number; id: string; probability: number; base: number; contributions: Record<string, number>; reasons: unknown[]; keeping: unknown; features: Array<{ feature: string; contribution: number; label: string; stayers: unknown }> }>(`/explanation?id=${encodeURIComponent(row.id)}`);
  assert.equal(e.rank, 5);
  assert.equal(e.probability, row.probability);
  assert.equal(e.base, r.base);
  assert.deepEqual(e.contributions, row.contributions);
  assert.deepEqual(e.reasons, row.reasons);
  assert.deepEqual(e.keeping, row.keeping);
  assert.deepEqual(e.features.map((f) => f.feature), Object.keys(row.contributions));
  for (const f of e.features) assert.equal(f.contribution, row.contributions[f.feature]);
  assert.ok(e.features.every((f) => f.label.length > 0));
  const missing = await fetch(`${base}/explanation?id=no-such-client`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { error: { message: string } }).error.message, /no-such-client is not a current client/);
  assert.equal((await fetch(`${base}/explanation`)).status, 400);
});

test('/dependencies answers the dependency health shape (registry reachable or not)', async () => {
  const d = await get<{ status: string; packages: Array<{ name: string; current: string | null }>; problems: string[] }>('/dependencies');
  assert.ok(['ok', 'partial', 'unavailable'].includes(d.status));
  assert.ok(d.packages.some((p) => p.name === 'fastify' && p.current));
});

test('/dashboard/: built files with content types, long caching for hashed assets, ETag revalidation, redirect', async () => {
  const index = await fetch(`${base}/dashboard/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  assert.ok(!/https?:\/\//.test(html.replace(/<!doctype[^>]*>/i, '')), 'no external URL in the page');
  const js = /src="\.?\/?(?:dashboard\/)?(assets\/[^"]+\.js)"/.exec(html)![1];
  const css = /href="\.?\/?(?:dashboard\/)?(assets\/[^"]+\.css)"/.exec(html)![1];
  const a = await fetch(`${base}/dashboard/${js}`);
  assert.equal(a.status, 200);
  assert.match(a.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const body = await a.arrayBuffer();
  assert.ok(body.byteLength < 150_000, `bundle ${body.byteLength} bytes`);
  assert.match((await fetch(`${base}/dashboard/${css}`)).headers.get('content-type') ?? '', /^text\/css/);
  const again = await fetch(`${base}/dashboard/${js}`, { headers: { 'if-none-match': a.headers.get('etag')! } });
  assert.equal(again.status, 304);
  const redirect = await fetch(`${base}/dashboard`, { redirect: 'manual' });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/dashboard/');
  assert.equal((await fetch(`${base}/dashboard/assets/nope.js`)).status, 404);
});

test('the ranked population is computed once per (production version, dataset hash)', async () => {
  const { ws, ctx: c, versions } = await seedWithModels(2);
  try {
    const holder = new ModelHolder(productionSource(c), { watch: false });
    await holder.check(true);
    const cache = new PopulationCache(c.config);
    const first = await cache.get(holder.current!);
    await Promise.all([cache.get(holder.current!), cache.get(holder.current!)]);
    assert.equal(cache.computations, 1);
    // Rewritten with the same content (new mtime): read and hashed again, but not re-ranked.
    const csv = join(c.config.outputFolder, 'finaldata.csv');
    const text = readFileSync(csv);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(csv, text);
    assert.equal(await cache.get(holder.current!), first);
    assert.equal(cache.computations, 1);
    // New rows: ranked again, with the new client in it.
    writeFileSync(join(ws.source, 'late.csv'), `${HEADER}\nlatecomer,9999,1,1,0\n`);
    await ingest(c);
    const second = (await cache.get(holder.current!))!;
    assert.equal(cache.computations, 2);
    assert.notEqual(second.datasetHash, first!.datasetHash);
    assert.equal(second.rows, first!.rows + 1);
    // Another production version: ranked again.
    await deploy(c, versions[1]);
    await holder.check(true);
    const third = (await cache.get(holder.current!))!;
    assert.equal(third.version, versions[1]);
    assert.equal(cache.computations, 3);
    // The order is by probability, highest first.
    for (let k = 1; k < third.rows; k++) assert.ok(third.prob[third.order[k]] <= third.prob[third.order[k - 1]]);
  } finally {
    await c.store.close();
  }
});

test('/metrics carries the process memory gauges (RSS, heap used and total, external) the server bench samples', async () => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  assert.ok(value('process_resident_memory_bytes') > 10 * 2 ** 20);
  assert.ok(value('nodejs_heap_size_used_bytes') > 0 && value('nodejs_heap_size_used_bytes') <= value('nodejs_heap_size_total_bytes'));
  assert.ok(value('nodejs_external_memory_bytes') >= 0);
  assert.ok(value('process_resident_memory_bytes') > value('nodejs_heap_size_used_bytes'));
});
