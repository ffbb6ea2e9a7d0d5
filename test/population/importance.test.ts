import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { loadWorkspaceModel } from '../../src/model/explaining-model.ts';
import { artifactsOf } from '../../src/registry/deployment.ts';
import { RiskListCache } from '../../src/population/risk-list-cache.ts';
import { globalImportance } from '../../src/population/importance.ts';
import { context, seedWorkspace } from '../helpers/workspace.ts';

// Global importance (issue 17 item 3): mean |contribution| per feature over the current clients.
// Checked against the model explaining each client on its own (one row at a time, not the list's
// cached columns), so the averaging, the order and the caching are what is under test.

for (const [label, model] of [
  ['logistic', { standardize: true }],
  ['gbdt', { family: 'gbdt', gbdt: { min_samples_leaf: 3, max_leaves: 4, max_iter: 20 } }],
] as const) {
  test(`global importance: mean |contribution| per feature over the current clients, once per list — ${label}`, async () => {
    const ws = seedWorkspace(model);
    const ctx = await context(ws.config);
    try {
      await ingest(ctx);
      const { version } = await train(ctx);
      const doc = await artifactsOf(ctx).loadModel(version);
      const fitted = await loadWorkspaceModel(ctx, doc);
      const cache = new RiskListCache(ctx.config);
      const list = (await cache.get(fitted))!;
      const imp = globalImportance(list, fitted);
      assert.equal(globalImportance((await cache.get(fitted))!, fitted), imp, 'kept with the cached list');
      assert.equal(imp.version, version);
      assert.equal(imp.clients, list.rows);
      // Each client explained alone.
      const sums = new Map<string, number>(fitted.features.map((f) => [f, 0]));
      for (let i = 0; i < list.rows; i++) {
        const one = fitted.contributions({ x: list.x.map((col) => Float64Array.of(col[i])), rows: 1, levels: list.levels });
        fitted.features.forEach((f, j) => sums.set(f, sums.get(f)! + Math.abs(one.values[j][0])));
      }
      assert.deepEqual(imp.features.map((f) => f.feature).sort(), [...fitted.features].sort());
      for (const { feature, meanAbs } of imp.features) assert.ok(Math.abs(meanAbs - sums.get(feature)! / list.rows) < 1e-12, feature);
      for (let k = 1; k < imp.features.length; k++) assert.ok(imp.features[k - 1].meanAbs >= imp.features[k].meanAbs, 'highest first');
      assert.ok(imp.features[0].meanAbs > 0);
      if (label === 'gbdt') {
        assert.ok(doc.format === 'riskwatch.model/2' && doc.family === 'gbdt');
        assert.deepEqual(imp.gain, doc.gbdt.importance.gain);
      } else assert.equal(imp.gain, null);
    } finally {
      await ctx.store.close();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });
}
