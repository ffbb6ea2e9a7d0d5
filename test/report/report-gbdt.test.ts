import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { report } from '../../src/report/report.ts';
import { loadModel } from '../../src/model/fitted-model.ts';
import { highestRisk, rankedRiskList } from '../../src/population/risk-list.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';

// The report (issue 17 item 3) with a tree model in production: global importance from TreeSHAP
// contributions beside the trees' gain, and the top clients with their reasons in the PDF — the
// report tests' demo workspace has a logistic model only.

/** Text of every page of a PDF, with pdf.js (the legacy build runs in node). */
async function pdfPages(path: string): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(path)), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' '));
  }
  await doc.destroy();
  return pages;
}

test('report, gbdt model: importance is mean |TreeSHAP contribution| over the call list with the trees\' gain beside it; the top clients\' reasons are on the PDF', async () => {
  const ws = makeWorkspace(crmConfig({ family: 'gbdt', gbdt: { min_samples_leaf: 10, max_leaves: 8, max_iter: 30 } }) as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(1500, 5)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(300, 7, { prefix: 't' })));
  const ctx = await context(ws.config);
  try {
    await ingest(ctx);
    await deploy(ctx, (await train(ctx)).version);
    const r = await report(ctx, { out: join(ws.dir, 'report'), dependencies: false });
    const summary = JSON.parse(readFileSync(join(r.dir, 'report.json'), 'utf8')) as {
      importance: { version: string; clients: number; base: number; features: Array<{ feature: string; meanAbs: number }>; gain: Record<string, number> | null };
      topClients: Array<{ rank: number; id: string; reasons: string[]; keeping: string | null }>;
    };
    const doc = JSON.parse(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8'));
    assert.equal(doc.family, 'gbdt');
    const imp = summary.importance;
    assert.deepEqual(imp.gain, doc.gbdt.importance.gain, 'the trees\' gain, from the document');
    // Mean |contribution| recomputed here from the production model over the same call list.
    const model = loadModel(doc);
    const list = (await rankedRiskList(ctx.config, model))!;
    const c = model.contributions({ x: list.x, rows: list.rows, levels: list.levels });
    assert.equal(imp.clients, list.rows);
    assert.equal(imp.base, c.base);
    for (const f of imp.features) {
      const j = list.features.indexOf(f.feature);
      const mean = c.values[j].reduce((s, v) => s + Math.abs(v), 0) / list.rows;
      assert.ok(Math.abs(f.meanAbs - mean) < 1e-12, `${f.feature}: ${f.meanAbs} vs ${mean}`);
    }
    const pages = await pdfPages(r.pdf);
    assert.ok(pages[r.pages.indexOf('What drives the risk')].includes('Global importance: mean |contribution|'));
    const top = summary.topClients.slice(0, 10);
    assert.deepEqual(top.map((t) => t.id), highestRisk(list, 10, ctx.config.risk.rank_by).map((t) => t.id));
    assert.ok(top.every((t) => t.reasons.length > 0), 'high-risk clients have reasons');
    const page = pages[r.pages.indexOf('Why these clients')].replace(/\s+/g, '');
    for (const t of top) for (const text of [...t.reasons, ...(t.keeping ? [t.keeping] : [])]) assert.ok(page.includes(text.replace(/\s+/g, '')), `${t.id}: ${text}`);
  } finally {
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
