import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { loadModel } from '../../src/model/fitted-model.ts';
import { loadWorkspaceModel, needsReference } from '../../src/model/explaining-model.ts';
import { artifactsOf } from '../../src/registry/deployment.ts';
import { productionSource } from '../../src/registry/production.ts';
import { RiskListCache } from '../../src/population/risk-list-cache.ts';
import { explainList, listContributions } from '../../src/population/risk-list.ts';
import { ModelHolder } from '../../src/server/model-holder.ts';
import { DataError } from '../../src/util/errors.ts';
import { context, seedWorkspace } from '../helpers/workspace.ts';

// Contributions for the call list (issue 17 item 5's groundwork): made once per ranked list — the
// list is cached per (model version, population hash) — and exact for every client; a /1 model,
// whose document records no background, explains itself through its drift reference wherever it
// is loaded for that (the workspace's artifacts, the server's model holder).

const logit = (p: number) => Math.log(p) - Math.log1p(-p);

for (const [label, model] of [
  ['/1 logistic (background from the reference)', {}],
  ['/2 standardized logistic (background in the document)', { standardize: true }],
  ['gbdt (TreeSHAP)', { family: 'gbdt', gbdt: { min_samples_leaf: 3, max_leaves: 4, max_iter: 20 } }],
] as const) {
  test(`the call list's contributions: once per list, base + Σ = logit(risk) for every client — ${label}`, async () => {
    const ws = seedWorkspace(model);
    const ctx = await context(ws.config);
    try {
      await ingest(ctx);
      const { version } = await train(ctx);
      const doc = await artifactsOf(ctx).loadModel(version);
      assert.equal(needsReference(doc), doc.format === 'riskwatch.model/1', 'only a document without a background needs the reference');
      if (needsReference(doc)) assert.throws(() => loadModel(doc).contributions({ x: [], rows: 0 }), DataError);
      const fitted = await loadWorkspaceModel(ctx, doc);
      const cache = new RiskListCache(ctx.config);
      const list = (await cache.get(fitted))!;
      const c = listContributions(list, fitted);
      assert.equal(listContributions((await cache.get(fitted))!, fitted), c, 'the same list, the same contributions: not recomputed');
      assert.equal(cache.computations, 1);
      assert.equal(c.values.length, fitted.features.length);
      let worst = 0;
      for (let i = 0; i < list.rows; i++) worst = Math.max(worst, Math.abs(c.values.reduce((s, col) => s + col[i], c.base) - logit(list.prob[i])));
      assert.ok(list.rows > 5 && worst < 1e-9, `${list.rows} clients, ${worst}`);
      assert.ok(c.values.some((col) => col.some((v) => Math.abs(v) > 1e-6)), 'the model uses its features');
      assert.throws(() => listContributions(list, { ...fitted, version: 'v999', contributions: fitted.contributions.bind(fitted) }), /ranked by/);
    } finally {
      await ctx.store.close();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });
}

test('the server\'s model holder loads a /1 production model with its reference, so it can explain', async () => {
  const ws = seedWorkspace();
  const ctx = await context(ws.config);
  const holder = new ModelHolder(productionSource(ctx), { watch: false });
  try {
    await ingest(ctx);
    const { version } = await train(ctx);
    await deploy(ctx, version);
    await holder.check(true);
    const served = holder.current!;
    assert.equal(served.version, version);
    assert.equal(served.doc.format, 'riskwatch.model/1');
    const x = [Float64Array.of(10, Number.NaN), Float64Array.of(200, 5), Float64Array.of(Number.NaN, 40)];
    const p = served.fitted.predictProba({ x, rows: 2 });
    const { base, values } = served.fitted.contributions({ x, rows: 2 });
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(values.reduce((s, col) => s + col[i], base) - logit(p[i])) < 1e-9);
  } finally {
    holder.stop();
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});

test('a list ranked with ExplainAhead is explained from before its ranking: explainList waits on that computation, the same numbers, counted once', async () => {
  const ws = seedWorkspace({ family: 'gbdt', gbdt: { min_samples_leaf: 3, max_leaves: 4, max_iter: 20 } });
  const ctx = await context(ws.config);
  try {
    await ingest(ctx);
    const { version } = await train(ctx);
    const fitted = await loadWorkspaceModel(ctx, await artifactsOf(ctx).loadModel(version));
    const order: string[] = [];
    const explaining = { ...fitted, version: fitted.version, contributionsOffThread: (d: Parameters<typeof fitted.contributionsOffThread>[0]) => (order.push('explain'), fitted.contributionsOffThread(d)) };
    const ranking = { version: fitted.version, features: fitted.features, predictProba: (d: Parameters<typeof fitted.predictProba>[0]) => (order.push('predict'), fitted.predictProba(d)) };
    let computed = 0;
    const list = (await new RiskListCache(ctx.config).get(ranking, { model: explaining, onComputed: () => computed++ }))!;
    assert.deepEqual(order, ['explain', 'predict'], 'the contributions start before the rows are predicted');
    const c = await explainList(list, explaining, () => computed++);
    assert.deepEqual(order, ['explain', 'predict'], 'explainList did not start another computation');
    assert.equal(computed, 1);
    assert.equal(list.contributions, c);
    const one = fitted.contributions({ x: list.x, rows: list.rows, levels: list.levels });
    assert.equal(c.base, one.base);
    assert.ok(c.values.every((col, j) => col.every((v, i) => Object.is(v, one.values[j][i]))), 'the same numbers as on one thread');
  } finally {
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});

for (const [label, model] of [
  ['logistic (explained before the list is ranked: told once the list is)', { standardize: true }],
  ['gbdt', { family: 'gbdt', gbdt: { min_samples_leaf: 3, max_leaves: 4, max_iter: 20 } }],
] as const) {
  test(`ExplainAhead.onPart: the ranked list and each part of its clients, every client once, its contributions final — ${label}`, async () => {
    const ws = seedWorkspace(model);
    const ctx = await context(ws.config);
    try {
      await ingest(ctx);
      const { version } = await train(ctx);
      const fitted = await loadWorkspaceModel(ctx, await artifactsOf(ctx).loadModel(version));
      const told: { list: unknown; from: number; to: number; values: number[][] }[] = [];
      const list = (await new RiskListCache(ctx.config).get(fitted, {
        model: fitted,
        onPart: (l, part) => told.push({ list: l, from: part.from, to: part.to, values: part.values.map((col) => Array.from(col.subarray(part.from, part.to))) }),
      }))!;
      const c = await explainList(list, fitted);
      assert.ok(told.length >= 1 && told.every((t) => t.list === list), 'told with the ranked list');
      const seen = new Uint8Array(list.rows);
      for (const t of told) {
        for (let i = t.from; i < t.to; i++) seen[i]++;
        t.values.forEach((col, j) => col.forEach((v, k) => assert.ok(Object.is(v, c.values[j][t.from + k]))));
      }
      assert.ok(seen.every((s) => s === 1), 'every client once');
    } finally {
      await ctx.store.close();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });
}
