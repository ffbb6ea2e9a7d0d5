import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/run.ts';
import { startServer } from '../../src/server/app.ts';
import type { ModelFamilyView } from '../../src/contracts/api.ts';
import { context, makeWorkspace, ROOT } from '../helpers/workspace.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';

// The dashboard's family card (issue 16): which family is in production and why — the "auto"
// selection's candidates with their validation figures — and, for trees, their size and the
// gain-importance chart, in real headless Chromium against a real server.

test('the family card names the family, why (both candidates\' validation figures), the trees and their gain chart', async () => {
  const ws = makeWorkspace(crmConfig({ family: 'auto' }) as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(3000, 7)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(600, 8, { prefix: 't' })));
  const ctx = await context(ws.config);
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  try {
    assert.equal((await runPipeline(ctx)).deployed, 'v1');
    const doc = JSON.parse(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8'));
    // GET /family: the production document's selection, trees and importance.
    let family: ModelFamilyView | undefined;
    for (let i = 0; i < 100 && family?.version !== 'v1'; i++) {
      const r = await fetch(`${server.url}/family`);
      if (r.status === 200) family = (await r.json()) as ModelFamilyView;
      else await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(family!.version, 'v1');
    assert.equal(family!.family, 'gbdt');
    assert.equal(family!.chosenBy, 'auto');
    assert.deepEqual(family!.selection!.candidates, doc.selection.candidates.map(({ family: f, logLoss, rocAuc, ms }: Record<string, unknown>) => ({ family: f, logLoss, rocAuc, ms })));
    const leaves = doc.gbdt.trees.map((t: { feature: number[] }) => t.feature.filter((f) => f === -1).length);
    assert.deepEqual(family!.trees, { count: doc.gbdt.trees.length, leaves: leaves.reduce((a: number, b: number) => a + b, 0), maxLeaves: Math.max(...leaves), maxLeavesSetting: 31 });
    const gains = Object.entries(doc.gbdt.importance.gain as Record<string, number>).sort((a, b) => b[1] - a[1]);
    assert.deepEqual(family!.importance!.map((r) => r.feature), gains.map(([f]) => f));
    assert.deepEqual(family!.importance!.map((r) => r.splits), gains.map(([f]) => doc.gbdt.importance.splits[f]));

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
    await page.waitForSelector('[data-testid="family-card"]', { timeout: 10_000 });
    const [g, l] = ['gbdt', 'logistic'].map((f) => family!.selection!.candidates.find((c) => c.family === f)!);
    const why = await page.textContent('[data-testid="family-why"]');
    assert.equal(why, `v1 is gradient-boosted trees (gbdt): chosen by model.family "auto" — the lower log loss on ${family!.selection!.validationRows.toLocaleString('en-US')} validation rows (${g.logLoss.toFixed(4)} vs logistic ${l.logLoss.toFixed(4)}).`);
    const rows = await page.$$eval('[data-testid="family-candidates"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(
      rows.map((r) => r.slice(0, 3)),
      family!.selection!.candidates.map((c) => [`${c.family}${c.family === 'gbdt' ? ' ✓ chosen' : ''}`, c.logLoss.toFixed(4), c.rocAuc!.toFixed(4)]),
    );
    assert.equal(await page.textContent('[data-testid="family-trees"]'), `${family!.trees!.count} trees, ${family!.trees!.leaves.toLocaleString('en-US')} leaves in all (largest tree ${family!.trees!.maxLeaves} leaves; max_leaves 31).`);
    // The gain chart: one bar per feature the trees split on, largest first.
    const split = family!.importance!.filter((r) => r.gain > 0);
    const bars = await page.$$eval('svg.chart[data-chart="family-gain"] .datum', (els) => els.length);
    assert.equal(bars, split.length);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await (await page.$('[data-testid="family-card"]'))!.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-family.png') });
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await browser.close();
    await server.close();
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
