import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/cli/demo.ts';
import { startServer } from '../../src/server/app.ts';
import { report } from '../../src/report/report.ts';
import { silentLogger } from '../../src/util/log.ts';
import { cli, context } from '../helpers/workspace.ts';
import { launchChromium } from '../helpers/chromium.ts';

// Issue 13 item 3 on the demo, where it was found: `models` said "v2 … F1 not scored" while the
// run had recorded v2's holdout F1 and the dashboard showed a third figure (v2's F1 on the test
// data). The CLI, the API, the dashboard and the PDF now show one score, with what it was
// measured on.
test("after the demo, models, GET /scoring, the dashboard and the PDF show the production model's one score", async () => {
  const root = mkdtempSync(join(tmpdir(), 'rw-demo-score-'));
  const dir = join(root, 'ws');
  await runDemo(dir, silentLogger);
  const config = join(dir, 'config.json');
  const ctx = await context(config);
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0, dependencyTimeoutMs: 5000 });
  const browser = await launchChromium();
  try {
    const models = JSON.parse(cli(['--config', config, 'models', '--json']).stdout);
    const prod = models.models.find((m: { version: string }) => m.version === models.production);
    assert.ok(prod.score, `${models.production} has a score in models`);
    const { f1, measuredOn } = prod.score as { f1: number; measuredOn: string };
    assert.equal(prod.f1, f1);

    const scoring = await (await fetch(`${server.url}/scoring`)).json();
    assert.equal(scoring.version, models.production);
    assert.deepEqual(scoring.score, prod.score);

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
    const kpi = await page.getByTestId('production-f1').innerText();
    assert.ok(kpi.includes(f1.toFixed(3)), `dashboard F1 "${kpi}" is ${f1.toFixed(3)}`);
    assert.ok(kpi.includes(measuredOn), `dashboard says what it was measured on: "${kpi}"`);

    const r = await report(ctx, { out: join(root, 'report'), dependencies: false });
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(r.pdf)), useSystemFonts: false, isEvalSupported: false }).promise;
    const first = (await (await doc.getPage(1)).getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' ');
    await doc.destroy();
    // With the dashboard's 3 decimals (it printed 4, as `models` does in a terminal).
    assert.ok(first.includes(`F1 ${f1.toFixed(3)} on ${measuredOn}`), first);
  } finally {
    await browser.close();
    await server.close();
    await ctx.store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
