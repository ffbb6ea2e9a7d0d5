import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { analyseDrift, analyseDriftBeside } from '../../src/monitor/analyse-drift.ts';
import { DriftThread } from '../../src/monitor/drift-thread.ts';
import { parseConfig } from '../../src/config/load.ts';
import { workspaceConfig } from '../../src/config/workspace-config.ts';
import { buildReference, type ModelReference } from '../../src/stats/reference.ts';
import { IdColumn } from '../../src/data/id-column.ts';

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function rand(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows with a category, a count (with missing cells) and a number feature; `shift` moves the population. */
function rows(n: number, seed: number, shift: number) {
  const r = rand(seed);
  const features = ['sector', 'calls', 'charges'];
  const sector = Float64Array.from({ length: n }, () => Math.floor(r() * (3 + shift)) % 3);
  const calls = Float64Array.from({ length: n }, () => (r() < 0.02 ? Number.NaN : Math.floor(r() * (10 + 5 * shift))));
  const charges = Float64Array.from({ length: n }, () => 20 + 80 * r() + 15 * shift * r());
  const y = Uint8Array.from({ length: n }, () => (r() < 0.2 ? 1 : 0));
  return { features, rows: n, ids: IdColumn.from([]), x: [sector, calls, charges], y, levels: [['industry', 'retail', 'services'], null, null] };
}

test('drift with the numeric features compared on a second thread: the same report as on one thread, and when the thread yields nothing', async () => {
  const config = parseConfig({ ...workspaceConfig(), features: ['sector', 'calls', 'charges'], feature_types: { sector: 'category', calls: 'count', charges: 'number' } }, 'config.json', { checkFolders: false });
  const ref = rows(5000, 1, 0);
  const reference = JSON.parse(JSON.stringify(buildReference('v1', ref, Float64Array.from({ length: 5000 }, (_, i) => (i % 97) / 97)))) as ModelReference;
  const doc = { version: 'v1', features: ref.features, coefficients: { sector: 0.1, calls: 0.2, charges: -0.01 }, medians: { sector: 0, calls: 4, charges: 60 }, intercept: -1.4, hyperParameters: { threshold: 0.5 } } as never;
  const current = rows(4000, 2, 1);
  const one = analyseDrift(config, doc, reference, current, [0.5, 0.52], 'x', 'h');
  const thread = DriftThread.start();
  try {
    let fromThread = 0;
    const beside = await analyseDriftBeside(config, doc, reference, current, [0.5, 0.52], 'x', 'h', async (p, c, a) => {
      const r = await thread.compare(p, c, a);
      fromThread = r?.length ?? 0;
      return r;
    });
    // (No thread on a single core: the comparisons are then made here.)
    if (availableParallelism() > 1) assert.equal(fromThread, 2, 'the thread compared both numeric features');
    assert.equal(JSON.stringify(beside), JSON.stringify(one));
  } finally {
    thread.close();
  }
  const alone = await analyseDriftBeside(config, doc, reference, current, [0.5, 0.52], 'x', 'h', async () => undefined);
  assert.equal(JSON.stringify(alone), JSON.stringify(one));
  assert.deepEqual(Object.keys(one.features), ['sector', 'calls', 'charges']);
  assert.equal(one.features.charges.drifted, true, 'the moved number feature is found drifted');
});
