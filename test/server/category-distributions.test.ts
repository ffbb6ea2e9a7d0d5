import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CategoryDistribution, Distributions } from '../../src/contracts/api.ts';
import { drift, type CategoryFeatureDrift, type DriftReport } from '../../src/monitor/drift.ts';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import { regionWorkspace } from '../helpers/region-workspace.ts';

const TRAINING = { north: 400, south: 300, east: 200, west: 100, '': 20 };
// The latest batch: north shrinks, two regions training never had, 10 blanks.
const BATCH = { north: 100, south: 300, east: 200, west: 100, 'Île-de-France': 100, Nordics: 50, '': 10 };

let dir: string;
let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  ({ dir, ctx } = await regionWorkspace(TRAINING, BATCH, { north: 100, south: 100, east: 100, west: 100 }));
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});
after(async () => {
  await server?.close();
  await ctx?.store.close();
});

test('GET /distributions: a category feature gives every category\'s share, reference vs the latest batch, the unseen ones listed, missing shares and the drift figures', async () => {
  const r = await fetch(`${server.url}/distributions`);
  assert.equal(r.status, 200);
  const d = (await r.json()) as Distributions;
  assert.equal(d.current?.source, 'm2.csv');
  assert.deepEqual(d.features.map((f) => f.feature), ['lastmonth_activity'], 'numeric features keep their histograms; the category one is not among them');
  assert.equal(d.categoryFeatures.length, 1);
  const c: CategoryDistribution = d.categoryFeatures[0];
  assert.equal(c.kind, 'category');
  assert.equal(c.feature, 'region');

  // Shares of the non-missing rows, from the counts written above; largest first by either side.
  const refN = 1000, curN = 850;
  assert.deepEqual(c.reference, { n: refN, missingRate: 20 / 1020 });
  assert.deepEqual(c.current, { n: curN, missingRate: 10 / 860 });
  const byName = Object.fromEntries(c.categories.map((s) => [s.category, s]));
  assert.deepEqual(Object.keys(byName).sort(), ['Nordics', 'east', 'north', 'south', 'west', 'Île-de-France'].sort());
  for (const [region, n] of Object.entries(TRAINING)) {
    if (!region) continue;
    assert.equal(byName[region].reference, n / refN, region);
    assert.equal(byName[region].current, BATCH[region as keyof typeof BATCH] / curN, region);
    assert.equal(byName[region].unseen, false, region);
  }
  assert.deepEqual(byName['Île-de-France'], { category: 'Île-de-France', reference: 0, current: 100 / curN, unseen: true });
  assert.deepEqual(byName.Nordics, { category: 'Nordics', reference: 0, current: 50 / curN, unseen: true });
  assert.deepEqual(c.categories.map((s) => s.category), ['north', 'south', 'east', 'west', 'Île-de-France', 'Nordics'], 'west and Île-de-France tie at 100/850: by text');
  assert.equal(c.others, null);
  assert.deepEqual(c.unseen, [{ category: 'Île-de-France', share: 100 / curN }, { category: 'Nordics', share: 50 / curN }]);
  assert.ok(Math.abs(c.unseenShare! - 150 / curN) < 1e-12);

  // The drift figures are the ones `drift --data` computes on the same file.
  const cli = (await drift(ctx, { data: join(dir, 'sourcedata', 'm2.csv') })) as DriftReport;
  const fromCli = cli.features.region as CategoryFeatureDrift;
  assert.equal(c.drift?.kind, 'category');
  assert.equal(c.drift?.method, 'chi2', 'a reference of 1,000 rows: chi-square decides');
  assert.deepEqual(c.drift, JSON.parse(JSON.stringify(fromCli)));
  assert.equal(c.drift?.level, 'drift');
  assert.ok(Math.abs(c.drift!.unseenShare - c.unseenShare!) < 1e-12);
});

test('GET /distributions caps a category feature at 50 named categories and sums the rest', async () => {
  // 60 training categories, 5 rows each, and a batch with 10 new ones: 70 seen in either.
  const many: Record<string, number> = {};
  for (let k = 0; k < 60; k++) many[`r${String(k).padStart(2, '0')}`] = 5;
  const fresh: Record<string, number> = { north: 100 };
  for (let k = 0; k < 10; k++) fresh[`new${k}`] = 10 - k;
  const { ctx: wctx } = await regionWorkspace({ ...many, north: 300 }, fresh, { north: 100, r00: 100 });
  const s = await startServer(wctx, { host: '127.0.0.1', port: 0 });
  try {
    const d = (await (await fetch(`${s.url}/distributions`)).json()) as Distributions;
    const c = d.categoryFeatures[0];
    assert.equal(c.categories.length, 50);
    assert.equal(c.others?.categories, 71 - 50);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum(c.categories.map((x) => x.reference)) + c.others!.reference - 1) < 1e-12);
    assert.ok(Math.abs(sum(c.categories.map((x) => x.current!)) + c.others!.current! - 1) < 1e-12);
    assert.deepEqual(c.unseen.map((u) => u.category), ['new0', 'new1', 'new2', 'new3', 'new4', 'new5', 'new6', 'new7', 'new8', 'new9']);
    assert.ok(Math.abs(c.unseenShare! - 55 / 155) < 1e-12);
  } finally {
    await s.close();
    await wctx.store.close();
  }
});
