import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { predict } from '../../src/model/predict.ts';
import { loadModel } from '../../src/model/fitted-model.ts';
import { categoriesFixture as fixture, FEATURES, type Cells } from '../helpers/categories-fixture.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';

// The whole path a user takes: a CSV with text categories (one with an apostrophe, missing cells)
// is ingested, trained with model.standardize and C = 0.5, and predict on the test file (an
// unseen region, missing contracts) gives scikit-learn's pipeline probabilities to 1e-6; the
// exported SQL over the same rows in SQLite agrees with predict to 1e-9.
const csvCell = (v: number | string | null) => (v === null ? '' : typeof v === 'string' && /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
const csv = (cells: Cells, prefix: string) =>
  ['id,' + FEATURES.join(',') + ',y', ...cells.y.map((y, i) => [`${prefix}${i}`, ...FEATURES.map((f) => csvCell(cells[f][i])), String(y)].join(','))].join('\n') + '\n';

test('ingest → train (standardize) → predict on a table with text categories equals scikit-learn to 1e-6; the SQL export agrees', async () => {
  const featureTypes = Object.fromEntries(FEATURES.map((f) => [f, f === 'spend' ? 'number' : fixture.categorical.includes(f) ? 'category' : 'count']));
  const ws = makeWorkspace({ features: FEATURES, feature_types: featureTypes, target_column: 'y', id_column: 'id', model: { C: fixture.C, standardize: true } } as never);
  writeFileSync(join(ws.source, 'clients.csv'), csv(fixture.train, 't'));
  const testFile = join(ws.dir, 'score-me.csv');
  writeFileSync(testFile, csv(fixture.test, 's'));
  const ctx = await context(ws.config);
  try {
    await ingest(ctx);
    const r = await train(ctx);
    const doc = JSON.parse(readFileSync(r.path, 'utf8'));
    assert.equal(doc.format, 'riskwatch.model/2');
    const expected = fixture.fits.find((f) => f.standardize && f.categorical.length > 0)!;
    for (const f of fixture.categorical) assert.deepEqual(doc.features.find((x: { name: string }) => x.name === f).categories, expected.categories[f]);
    assert.equal(r.coefficients!['plan=(missing)'], doc.logistic.coefficients.plan[3]);
    const p = await predict(ctx, { data: testFile, model: r.version });
    assert.equal(p.rows, fixture.test.y.length);
    let worst = 0;
    for (const q of p.predictions!) worst = Math.max(worst, Math.abs(q.probability - expected.testProbabilities[Number(q.id.slice(1))]));
    assert.ok(worst < 1e-6, `predict vs scikit-learn: ${worst}`);

    const db = new Database(':memory:');
    db.exec(`CREATE TABLE clients (id TEXT, ${FEATURES.map((f) => `${f} ${fixture.categorical.includes(f) ? 'TEXT' : 'REAL'}`).join(', ')})`);
    const st = db.prepare(`INSERT INTO clients VALUES (${['?', ...FEATURES.map(() => '?')].join(', ')})`);
    fixture.test.y.forEach((_, i) => st.run(`s${i}`, ...FEATURES.map((f) => fixture.test[f][i])));
    db.exec(loadModel(doc).toSql({ dialect: 'sqlite', table: 'clients' }).sql);
    const byId = new Map(p.predictions!.map((q) => [q.id, q.probability]));
    for (const g of db.prepare('SELECT id, probability FROM riskwatch_scores').all() as { id: string; probability: number }[]) {
      assert.ok(Math.abs(g.probability - byId.get(g.id)!) <= 1e-9, g.id);
    }
    db.close();
  } finally {
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
