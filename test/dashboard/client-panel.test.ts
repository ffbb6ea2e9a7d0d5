import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { runDemo } from '../../src/cli/demo.ts';
import { startServer } from '../../src/server/app.ts';
import { silentLogger } from '../../src/util/log.ts';
import type { Context } from '../../src/context.ts';
import { context, makeWorkspace, ROOT } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { tempDir } from '../helpers/temp.ts';

/**
 * The call list's client panel (issue 17 item 3) in real headless Chromium against a real server
 * over the demo workspace: a click on a row opens the panel; its reasons are GET /risk?explain's
 * for that client, its waterfall has a bar for the base, each non-trivial contribution (≥ 5% of
 * the largest), the rest summed, and the client's total — and the total ends at logit(risk); Close closes it.
 * Screenshots go to test-artifacts/ (gitignored).
 */
const ARTIFACTS = join(ROOT, 'test-artifacts');
type Server = Awaited<ReturnType<typeof startServer>>;
let ctx: Context;
let server: Server;
let gbdt: { ctx: Context; server: Server; dir: string } | undefined;
let browser: Browser;

before(async () => {
  const dir = join(tempDir('rw-client-panel-'), 'ws');
  await runDemo(dir, silentLogger);
  ctx = await context(join(dir, 'config.json'));
  server = await startServer(ctx, { host: '127.0.0.1', port: 0, dependencyTimeoutMs: 5000 });
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await ctx?.store.close();
  if (gbdt) {
    await gbdt.server.close();
    await gbdt.ctx.store.close();
    rmSync(gbdt.dir, { recursive: true, force: true });
  }
});

interface Reason { feature: string; text: string; contribution: number }
interface Row { rank: number; id: string; probability: number; contributions: Record<string, number>; reasons: Reason[]; keeping: Reason | null }

test('dashboard: a click on a client opens its panel — reasons and waterfall as GET /risk?explain says; Close closes it', async () => {
  await clientPanel(server, ctx, 'client-panel.png');
});

test('dashboard, gbdt model: the same panel with TreeSHAP contributions', async () => {
  const ws = makeWorkspace(crmConfig({ family: 'gbdt', gbdt: { min_samples_leaf: 10, max_leaves: 8, max_iter: 30 } }) as never);
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(1500, 5)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(300, 7, { prefix: 't' })));
  const g = await context(ws.config);
  await ingest(g);
  await deploy(g, (await train(g)).version);
  gbdt = { ctx: g, server: await startServer(g, { host: '127.0.0.1', port: 0, dependencyTimeoutMs: 5000 }), dir: ws.dir };
  assert.equal((await (await fetch(`${gbdt.server.url}/family`)).json() as { family: string }).family, 'gbdt');
  await clientPanel(gbdt.server, g, 'client-panel-gbdt.png');
});

async function clientPanel(server: Server, ctx: Context, screenshot: string) {
  await server.warmed;
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  try {
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
    await page.waitForSelector('[data-testid="risk-row"]', { timeout: 20_000 });
    assert.equal(await page.locator('[data-testid="client-panel"]').count(), 0, 'no panel before a click');
    const k = 3; // the third client of the list
    const row = page.locator('[data-testid="risk-row"]').nth(k - 1);
    const id = (await row.locator('td').nth(1).textContent())!.trim();
    await row.click();
    await page.waitForSelector('[data-testid="waterfall"]', { timeout: 20_000 });

    const features = ctx.config.features.length;
    const r = (await (await fetch(`${server.url}/risk?top=${k}&explain=${ctx.config.risk.reasons}`)).json()) as { base: number; rows: Row[] };
    const client = r.rows[k - 1];
    assert.equal(client.id, id);
    assert.deepEqual(await page.locator('[data-testid="client-reason"]').allTextContents(), client.reasons.map((x) => x.text));
    assert.ok(client.reasons.length > 0, 'a high-risk client has reasons');
    if (client.keeping) assert.ok((await page.locator('[data-testid="client-keeping"]').textContent())!.includes(client.keeping.text));
    // base, every contribution of at least 5% of the largest |contribution| (at most 12), the rest
    // summed when there is a rest, the client.
    const sizes = Object.values(client.contributions).map(Math.abs);
    const shown = Math.min(12, sizes.filter((v) => v > 0 && v >= 0.05 * Math.max(...sizes)).length);
    const bars = page.locator('[data-testid="waterfall-bar"]');
    assert.equal(await bars.count(), 1 + shown + (features > shown ? 1 : 0) + 1);
    const titles = await bars.locator('title').allTextContents();
    const total = Number(/: (-?[\d.]+) log-odds$/.exec(titles[titles.length - 1])![1]);
    const logit = Math.log(client.probability / (1 - client.probability));
    assert.ok(Math.abs(total - logit) < 0.006, `the total bar ${total} is the client's log-odds ${logit}`);
    const largest = Object.entries(client.contributions).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0];
    assert.ok(titles[1].endsWith(`${largest[1] >= 0 ? '+' : ''}${largest[1].toFixed(2)} log-odds`), `${titles[1]} vs ${largest}`);
    assert.equal(await page.locator('[data-testid="client-compare"] tbody tr').count(), features);
    assert.ok((await page.locator('[data-testid="client-risk"]').textContent())!.includes(`rank ${k}`));
    await page.screenshot({ path: join(ARTIFACTS, screenshot) });

    await page.click('[data-testid="client-close"]');
    await page.waitForSelector('[data-testid="client-panel"]', { state: 'detached', timeout: 5_000 });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
}
