import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/run.ts';
import { predict } from '../../src/model/predict.ts';
import { score } from '../../src/model/score.ts';
import { drift } from '../../src/monitor/drift.ts';
import { train } from '../../src/model/train.ts';
import { deploy, rollback } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import { computeMetrics } from '../../src/model/metrics.ts';
import type { CategoryDrift } from '../../src/contracts/api.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';
import { CRM_FEATURES, crmConfig, crmCsv, crmRows, type CrmRow } from '../helpers/crm-table.ts';
import { scoreGbdtDocument } from '../helpers/gbdt-scorer.ts';

// The gbdt family through everything that reads a model (issue 16 item 4): `run` with
// model.family "auto" on a CRM table with categories and nonlinear effects deploys trees; then
// score, predict, drift, POST /prediction, /invocations and a hot reload all go through the
// FittedModel interface, and every probability equals the production document applied by hand.

const byHand = (doc: unknown, r: CrmRow) => scoreGbdtDocument(doc, CRM_FEATURES.map((f) => r[f]));

test('run with model.family "auto" deploys trees; score, predict, drift, /prediction, /invocations and hot reload serve them', async () => {
  const ws = makeWorkspace(crmConfig({ family: 'auto' }) as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(3000, 7)));
  const testRows = crmRows(600, 8, { prefix: 't' });
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(testRows));
  // New clients: a region no training row had, blanks, a fee of 1e300.
  const fresh = crmRows(300, 9, { prefix: 'n' }).map((r, i) => ({ ...r, region: i % 7 === 0 ? 'Atlantis' : r.region, fee: i % 11 === 0 ? null : i === 5 ? 1e300 : r.fee }));
  const freshFile = join(ws.dir, 'fresh.csv');
  writeFileSync(freshFile, crmCsv(fresh));
  const ctx = await context(ws.config);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const run = await runPipeline(ctx);
    assert.equal(run.status, 'completed', run.reason);
    assert.equal(run.deployed, 'v1');
    // The run names the family and both families' validation figures (issue 16 item 5).
    assert.equal(run.challenger!.family, 'gbdt');
    assert.deepEqual(run.challenger!.candidates!.map((c) => c.family), ['logistic', 'gbdt']);
    assert.match(run.reason, /^no model in production: deployed v1 \(test F1 0\.\d{4}\); v1 is gradient-boosted trees, chosen by validation log loss: logistic 0\.\d{4} \(ROC AUC 0\.\d{4}\) vs gbdt 0\.\d{4} \(ROC AUC 0\.\d{4}\)$/);
    const doc = JSON.parse(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8'));
    assert.equal(doc.family, 'gbdt');
    assert.equal(doc.selection.winner, 'gbdt');

    // score: the test rows' metrics from the document applied by hand.
    const s = await score(ctx);
    const want = computeMetrics(Uint8Array.from(testRows, (r) => (r.churned === 'Yes' ? 1 : 0)), Float64Array.from(testRows, (r) => byHand(doc, r)), 0.5, ctx.config.topK);
    assert.ok(Math.abs(s.f1 - want.f1) < 1e-12 && Math.abs(s.rocAuc! - want.rocAuc!) < 1e-12, `score ${s.f1}/${s.rocAuc} vs by hand ${want.f1}/${want.rocAuc}`);
    assert.ok(s.rocAuc! > 0.7, `test ROC AUC ${s.rocAuc}`);

    // predict: every row, the unseen region and 1e300 included.
    const p = await predict(ctx, { data: freshFile });
    assert.equal(p.version, 'v1');
    assert.equal(p.rows, 300);
    const expected = new Map(fresh.map((r) => [r.id, byHand(doc, r)]));
    let worst = 0;
    for (const q of p.predictions!) worst = Math.max(worst, Math.abs(q.probability - expected.get(q.id)!));
    assert.ok(worst < 1e-12, `predict vs the document by hand: ${worst}`);
    // The unseen region scores as a missing one.
    const atlantis = fresh[0];
    assert.equal(atlantis.region, 'Atlantis');
    assert.equal(byHand(doc, atlantis), byHand(doc, { ...atlantis, region: null }));

    // drift: runs on the tree model's predictions, and counts the region no training row had.
    const d = await drift(ctx, { data: freshFile });
    assert.ok('features' in d);
    const region = d.features.region as CategoryDrift;
    assert.equal(region.kind, 'category');
    assert.deepEqual(region.unseen.map((u) => u.category), ['Atlantis']);
    assert.equal(typeof d.predictionDrift!.drifted, 'boolean');

    // The API: /prediction with category texts, /invocations as MLflow's dataframe_split.
    server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
    const post = (path: string, body: unknown) => fetch(server!.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const records = fresh.slice(0, 50).map((r) => Object.fromEntries([['id', r.id], ...CRM_FEATURES.map((f) => [f, r[f]])]));
    const res = await post('/prediction', { records });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { version: string; predictions: { id: string; probability: number }[] };
    assert.equal(body.version, 'v1');
    body.predictions.forEach((q, i) => assert.ok(Math.abs(q.probability - byHand(doc, fresh[i])) < 1e-12, q.id));
    const inv = await post('/invocations', { dataframe_split: { columns: [...CRM_FEATURES], data: fresh.slice(0, 50).map((r) => CRM_FEATURES.map((f) => r[f])) } });
    assert.equal(inv.status, 200, await inv.clone().text());
    ((await inv.json()) as { predictions: number[] }).predictions.forEach((q, i) => assert.ok(Math.abs(q - byHand(doc, fresh[i])) < 1e-12, String(i)));

    // Hot reload: a logistic version deployed while serving is answered within a second; rolling
    // back brings the trees back.
    const ctx2 = await context(ws.config);
    ctx2.config.model.family = 'logistic';
    const lr = await train(ctx2);
    assert.equal(lr.family, 'logistic');
    await deploy(ctx2, lr.version, 'test: logistic');
    const switched = async (version: string) => {
      const t0 = performance.now();
      while (performance.now() - t0 < 2000) {
        const b = (await (await post('/prediction', { records: records.slice(0, 1) })).json()) as { version: string; predictions: { probability: number }[] };
        if (b.version === version) return b.predictions[0].probability;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail(`${version} was not served within 2 s`);
    };
    const pLr = await switched(lr.version);
    const lrDoc = JSON.parse(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8'));
    assert.equal(lrDoc.version, lr.version);
    assert.notEqual(pLr, byHand(doc, fresh[0]));
    await rollback(ctx2, 'test: back to the trees');
    assert.ok(Math.abs((await switched('v1')) - byHand(doc, fresh[0])) < 1e-12);
    await ctx2.store.close();
  } finally {
    await server?.close();
    await ctx.store.close();
  }
});
