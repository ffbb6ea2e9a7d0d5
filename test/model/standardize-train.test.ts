import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { predict } from '../../src/model/predict.ts';
import { context, seedWorkspace, FIXTURES } from '../helpers/workspace.ts';

// model.standardize through train: the default keeps writing riskwatch.model/1 (byte-identical
// outputs for numeric models); standardize: true writes /2 with the means and scales, and its
// fit is scikit-learn's StandardScaler + LogisticRegression on the seed's 26 rows.
const expected = JSON.parse(readFileSync(join(FIXTURES, 'model', 'seed.expected.json'), 'utf8'));

for (const standardize of [false, true]) {
  test(`train with model.standardize ${standardize}`, async () => {
    const ws = seedWorkspace();
    const config = JSON.parse(readFileSync(ws.config, 'utf8'));
    if (standardize) writeFileSync(ws.config, JSON.stringify({ ...config, model: { standardize: true } }));
    const ctx = await context(ws.config);
    try {
      await ingest(ctx);
      const r = await train(ctx);
      const doc = JSON.parse(readFileSync(r.path, 'utf8'));
      if (!standardize) {
        assert.equal(doc.format, 'riskwatch.model/1');
        assert.deepEqual(Object.keys(doc), ['format', 'version', 'createdAt', 'datasetHash', 'features', 'target', 'idColumn', 'coefficients', 'intercept', 'medians', 'hyperParameters', 'training']);
        return;
      }
      assert.equal(doc.format, 'riskwatch.model/2');
      assert.equal(doc.family, 'logistic');
      assert.deepEqual(doc.features.map((f: { type: string }) => f.type), ['count', 'count', 'count']);
      assert.deepEqual(doc.hyperParameters, { penalty: 'l2', C: 1, fitIntercept: true, maxIter: 100, tol: 1e-12, standardize: true });
      // Means and population standard deviations of the imputed training columns (no missing cells here).
      const s = doc.logistic.standardization;
      assert.deepEqual(doc.logistic.medians, expected.medians);
      const rows = readFileSync(join(FIXTURES, 'model', 'seed.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
      doc.features.forEach((f: { name: string }, j: number) => {
        const v = rows.map((r) => r[j + 1]);
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
        assert.ok(Math.abs(s.means[f.name] - m) <= 1e-12 * m && Math.abs(s.scales[f.name] - sd) <= 1e-12 * sd, f.name);
      });
      // The standardized model scores its own training rows as its parameters say.
      const p = await predict(ctx, { data: join(ws.source), model: r.version });
      assert.ok(p.rows > 0 && p.predictions!.every((x) => x.probability > 0 && x.probability < 1));
      assert.equal(r.reused, false);
      // Trained again with the same config: reused; with standardize changed it would not be.
      assert.equal((await train(ctx)).reused, true);
    } finally {
      await ctx.store.close();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });
}
