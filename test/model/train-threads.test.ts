import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { oneHotPass, type OneHotData } from '../../src/model/logistic/onehot-pass.ts';
import { CONTROL, sharedOneHotPass, type PassHelper, type SharedPass } from '../../src/model/logistic/pass-threads.ts';
import { fitLogistic } from '../../src/model/logistic/fit.ts';
import type { Pass } from '../../src/model/logistic/newton.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';
import { featureProfiles, rowProfiles } from '../../src/stats/reference.ts';
import { FeatureProfiler } from '../../src/stats/feature-profiler.ts';
import { SortScratch } from '../../src/stats/sorted.ts';
import { RowProfiler } from '../../src/stats/row-profiler.ts';
import { IdColumn } from '../../src/data/id-column.ts';

// Training builds the drift reference on a second thread, which then takes half of each pass of
// the logistic fit (src/model/reference-thread.ts, src/model/logistic/pass-threads.ts). Neither
// may change a bit of the model or of its reference: these compare the threaded path with one
// thread, bit for bit.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

function data(n: number, seed: number): OneHotData & { levels: number } {
  const u = rng(seed);
  const d = 3;
  const cols = Array.from({ length: d }, (_, j) => Float64Array.from({ length: n }, () => (u() < 0.03 ? Number.NaN : (u() - 0.4) * (j + 1) * 10)));
  const sizes = [4, 6];
  let levels = 0;
  const index = sizes.map((k) => {
    const off = levels;
    levels += k;
    return Int32Array.from({ length: n }, () => off + Math.floor(u() * u() * k));
  });
  const y = Uint8Array.from({ length: n }, (_, i) => (u() < 1 / (1 + Math.exp(-(cols[0][i] === cols[0][i] ? cols[0][i] / 10 : 0) + 0.5)) ? 1 : 0));
  return { cols, fill: Float64Array.of(0.5, -1, 2), mean: Float64Array.of(1, 0.5, -2), inv: Float64Array.of(0.1, 0.2, 0.05), index, levels, y, n };
}

/**
 * A real helper thread running servePasses, as the reference thread does. `idle`: it takes up
 * other work while the fit passes alone (as the reference thread does with the row profiles):
 * pieces of ~1 ms, counted in idle[0], at most idle[1] of them. `awaitReady`: the offer returns
 * once the helper has readied itself (its kernels warmed up) — else, on a loaded machine, the
 * helper may get no core before the fit's shared passes are over, and a test that wants it to take
 * part would depend on the scheduler (seen: 3 failures in 14 runs).
 */
function helperThread(idle?: Int32Array, awaitReady = false): { helper: PassHelper; worker: Worker; offered: SharedPass[] } {
  const tsx = import.meta.resolve('tsx/esm/api');
  const mod = new URL('../../src/model/logistic/pass-threads.ts', import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(mod)})).then(({ servePasses }) => {
       const { parentPort, workerData } = require('node:worker_threads');
       const idle = workerData && (() => {
         const t = performance.now();
         while (performance.now() - t < 1);
         return Atomics.add(workerData, 0, 1) + 1 < workerData[1];
       });
       parentPort.postMessage('up');
       parentPort.on('message', (s) => servePasses(s, idle || undefined));
     })`,
    { eval: true, workerData: idle ?? null },
  );
  const offered: SharedPass[] = [];
  const offer = (s: SharedPass) => {
    offered.push(s);
    worker.postMessage(s);
    for (const t = Date.now(); awaitReady && Atomics.load(s.control, CONTROL.ready) !== 1 && Date.now() - t < 60_000; ) Atomics.wait(s.control, CONTROL.ready, 0, 5);
  };
  return { helper: { offer }, worker, offered };
}

const sameBits = (a: Float64Array, b: Float64Array, label: string) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${label}: entry ${i} is ${a[i]} shared, ${b[i]} on one thread`);
};

/**
 * `passes` shared passes at random θ (with the loss every other one), each checked bit for bit
 * against one thread's pass over `dt`; `after(k)` then checks who took pass k.
 */
function sharedPassesAgree(dt: ReturnType<typeof data>, pass: Pass, seed: number, passes: number, after: (k: number) => void): void {
  const p = dt.cols.length + dt.levels + 1;
  const size = 1 + p + (p * (p + 1)) / 2;
  const one = oneHotPass(dt);
  const u = rng(seed);
  for (let k = 0; k < passes; k++) {
    const theta = Float64Array.from({ length: p }, () => (u() - 0.5) * 0.4);
    const want = new Float64Array(size);
    const got = new Float64Array(size);
    one(theta, want, k % 2 === 1);
    pass(theta, got, k % 2 === 1);
    sameBits(got, want, `pass ${k}`);
    after(k);
  }
}

test('a one-hot pass shared with a helper thread gives the one-thread sums bit for bit, with and without the loss', async () => {
  const dt = data(30_000, 3);
  const { helper, worker, offered } = helperThread();
  await new Promise((r) => worker.once('message', r));
  try {
    const { pass, close } = sharedOneHotPass(dt, helper);
    const { control } = offered[0];
    // Until the helper has compiled its kernel this thread passes alone; then the passes are shared.
    for (let t = 0; t < 100 && Atomics.load(control, CONTROL.ready) !== 1; t++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(Atomics.load(control, CONTROL.ready), 1, 'the helper readied itself');
    sharedPassesAgree(dt, pass, 9, 6, (k) => assert.equal(Atomics.load(control, CONTROL.done), k + 1, 'the helper took this pass'));
    close();
  } finally {
    await worker.terminate();
  }
});

test('the helper took part: its ready flag is set once offered, and a fit with it equals the fit without, bit for bit', async () => {
  const dt = data(260_000, 5); // above the warm start's 200,000 rows: subsample passes, then shared ones
  const { helper, worker, offered } = helperThread(undefined, true);
  await new Promise((r) => worker.once('message', r));
  try {
    const opts = { C: 0.7, maxIter: 100, tol: 1e-8, impute: dt.fill, standardize: true, onehot: { index: dt.index, levels: dt.levels } };
    const alone = fitLogistic(dt.cols, dt.y, opts);
    const withHelper = fitLogistic(dt.cols, dt.y, { ...opts, helper });
    assert.equal(offered.length, 1);
    assert.equal(Atomics.load(offered[0].control, CONTROL.ready), 1, 'the helper readied itself');
    assert.equal(Atomics.load(offered[0].control, CONTROL.failed), 0);
    assert.ok(Atomics.load(offered[0].control, CONTROL.done) > 0, 'the helper ran passes');
    sameBits(withHelper.coef, alone.coef, 'coefficients');
    sameBits(withHelper.levelCoef, alone.levelCoef, 'level coefficients');
    assert.ok(Object.is(withHelper.intercept, alone.intercept));
    assert.ok(Object.is(withHelper.objective, alone.objective));
    assert.ok(Object.is(withHelper.gradNorm, alone.gradNorm));
    assert.equal(withHelper.iterations, alone.iterations);
  } finally {
    await worker.terminate();
  }
});

test('a helper with other work to take up: it does it while the fit passes alone, stops when the fit ends, and the fit is the same bit for bit', async () => {
  const dt = data(260_000, 7);
  const idle = new Int32Array(new SharedArrayBuffer(8));
  idle[1] = 1_000_000; // more than the fit leaves it time for
  const { helper, worker, offered } = helperThread(idle, true);
  await new Promise((r) => worker.once('message', r));
  try {
    const opts = { C: 0.7, maxIter: 100, tol: 1e-8, impute: dt.fill, standardize: true, onehot: { index: dt.index, levels: dt.levels } };
    const alone = fitLogistic(dt.cols, dt.y, opts);
    const withHelper = fitLogistic(dt.cols, dt.y, { ...opts, helper });
    const control = offered[0].control;
    assert.equal(Atomics.load(control, CONTROL.failed), 0);
    assert.ok(Atomics.load(control, CONTROL.done) > 0, 'the helper ran passes');
    assert.ok(Atomics.load(idle, 0) > 0, 'the helper took up its other work');
    sameBits(withHelper.coef, alone.coef, 'coefficients');
    sameBits(withHelper.levelCoef, alone.levelCoef, 'level coefficients');
    assert.ok(Object.is(withHelper.objective, alone.objective));
    assert.ok(Object.is(withHelper.gradNorm, alone.gradNorm));
    // Told to stop, the helper leaves its other work too.
    await new Promise((r) => setTimeout(r, 50));
    const after = Atomics.load(idle, 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(Atomics.load(idle, 0), after, 'no other work once the fit is over');
  } finally {
    await worker.terminate();
  }
});

test('the row profiles made a piece at a time are rowProfiles, bytes and key order included', () => {
  const dt = data(5000, 11);
  const x = [...dt.cols, ...dt.index.map((ix) => Float64Array.from(ix, (v, i) => (i % 37 === 0 ? Number.NaN : v % 3)))];
  const ds = { features: ['a', 'b', 'c', 'r', 'p'], rows: dt.n, ids: new IdColumn(0), x, y: dt.y, levels: [null, null, null, ['x', 'y', 'z'], ['b', 'a', 'c']] };
  const want = JSON.stringify(rowProfiles(ds));
  for (const pieces of [0, 1, 4, 100]) {
    const p = new RowProfiler(ds);
    for (let k = 0; k < pieces && p.step(); k++);
    assert.equal(JSON.stringify(p.result()), want, `after ${pieces} pieces`);
  }
});

test('the columns profiled one at a time are featureProfiles, bytes and key order included', () => {
  const dt = data(6000, 13);
  const x = [...dt.cols, Float64Array.from({ length: dt.n }, (_, i) => (i % 11 === 0 ? Number.NaN : i % 7)), ...dt.index.map((ix) => Float64Array.from(ix, (v, i) => (i % 37 === 0 ? Number.NaN : v % 3)))];
  const ds = { features: ['a', 'b', 'c', 'k', 'r', 'p'], rows: dt.n, ids: new IdColumn(0), x, y: dt.y, levels: [null, null, null, null, ['x', 'y', 'z'], ['b', 'a', 'c']] };
  const want = JSON.stringify(featureProfiles(ds));
  for (const pieces of [0, 1, 4, 100]) {
    const p = new FeatureProfiler(ds, new SortScratch(ds.rows));
    for (let k = 0; k < pieces && p.step(); k++);
    assert.equal(p.pending, pieces < ds.features.length, `pending after ${pieces} pieces`);
    assert.equal(JSON.stringify(p.result()), want, `after ${pieces} pieces`);
    assert.equal(p.pending, false);
  }
});

test('a pass whose helper is busy with other work when the fit\'s thread is done with its own part is taken up there: the same sums, each pass claimed once', () => {
  const dt = data(30_000, 17);
  // A helper that says it is ready and stays busy (as in a piece of a column's profile): it never takes a pass.
  const offered: SharedPass[] = [];
  const helper: PassHelper = {
    offer: (s) => {
      offered.push(s);
      Atomics.store(s.control, CONTROL.ready, 1);
      Atomics.store(s.control, CONTROL.busy, 1);
    },
  };
  const { pass, close } = sharedOneHotPass(dt, helper);
  const { control } = offered[0];
  sharedPassesAgree(dt, pass, 19, 4, (k) => assert.equal(Atomics.load(control, CONTROL.claim), k + 1, 'the pass claimed by the fit\'s thread'));
  assert.equal(Atomics.load(control, CONTROL.done), 0);
  close();
});

for (const family of ['logistic', 'gbdt'] as const)
test(`train (${family}) with the reference thread — profiles, half the predictions, and for logistic half of each pass there — writes the same model document (timings apart) and the same reference file as without`, async () => {
  const u = rng(21);
  const n = 3000;
  const regions = ['north', 'south', 'east', "o'west"];
  const rows = ['id,visits,spend,region,plan,y'];
  for (let i = 0; i < n; i++) {
    const visits = Math.floor(u() * u() * 40);
    const spend = Math.round(u() * 1e4) / 100;
    const region = u() < 0.02 ? '' : regions[Math.floor(u() * u() * 4)];
    const plan = ['basic', 'pro', 'team'][Math.floor(u() * 3)];
    const y = u() < 1 / (1 + Math.exp(-(visits / 10 - spend / 50 + (region === 'south' ? 0.8 : 0)))) ? 1 : 0;
    rows.push(`c${i},${u() < 0.01 ? '' : visits},${spend},${region},${plan},${y}`);
  }
  const runs: { model: Record<string, unknown>; reference: string }[] = [];
  for (const referenceThread of [false, true]) {
    const ws = makeWorkspace({ features: ['visits', 'spend', 'region', 'plan'], feature_types: { visits: 'count', spend: 'number', region: 'category', plan: 'category' }, target_column: 'y', id_column: 'id', model: { standardize: true, family, gbdt: { max_iter: 20 } } } as never);
    writeFileSync(join(ws.source, 'clients.csv'), rows.join('\n') + '\n');
    const ctx = await context(ws.config);
    try {
      await ingest(ctx);
      const r = await train(ctx, { referenceThread });
      const model = JSON.parse(readFileSync(r.path, 'utf8'));
      delete model.createdAt;
      delete model.training.ms;
      runs.push({ model, reference: readFileSync(join(r.path, '..', 'reference.json'), 'utf8') });
    } finally {
      await ctx.store.close();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  }
  assert.deepEqual(runs[1].model, runs[0].model);
  assert.equal(runs[1].reference, runs[0].reference);
  assert.ok(runs[0].reference.includes('"categories"') && runs[0].reference.includes('"stayers"'));
});
