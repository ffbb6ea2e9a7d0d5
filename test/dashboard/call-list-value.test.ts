import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startServer } from '../../src/server/app.ts';
import { formatAmount, formatExpected } from '../../src/report/figures.ts';
import type { Context } from '../../src/context.ts';
import type { RiskList } from '../../src/contracts/api.ts';
import { ROOT } from '../helpers/workspace.ts';
import { CHROMIUM } from '../../scripts/test-services.mjs';
import { byExpectedLoss, currentRows, valueWorkspace, type ValueRow } from '../helpers/value-workspace.ts';

/**
 * The call list's order toggle in real headless Chromium: a workspace with value_column
 * "revenue"; the list is read from the page, before and after the toggle, and compared with the
 * order computed here from the API's probabilities and the revenues the test wrote.
 * Screenshot: test-artifacts/dashboard-call-list-value.png.
 */
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const TOP = 15;

let dir: string;
let ctx: Context;
let rows: ValueRow[];
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

before(async () => {
  const v = await valueWorkspace(TOP);
  ({ ctx, rows } = v);
  dir = v.ws.dir;
  server = await startServer(ctx, { host: '127.0.0.1', port: 0, dependencyTimeoutMs: 5000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await ctx?.store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the order toggle re-fetches the call list by expected loss: the page lists the clients in the order computed by hand, with value, expected loss and what the top covers', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const problems: string[] = [];
  const asked: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/risk') asked.push(u.search);
  });
  try {
    assert.equal((await page.goto(`${server.url}/dashboard/`))?.status(), 200);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
    const table = () =>
      page.$$eval('[data-testid="risk-table"] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    const headers = await page.$$eval('[data-testid="risk-table"] thead th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(headers, ['rank', 'client', 'risk of leaving', 'revenue', 'expected loss']);
    assert.equal(await page.getAttribute('[data-testid="rank-probability"]', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('[data-testid="rank-expected_loss"]', 'aria-pressed'), 'false');

    // The whole list by probability from the API, and the revenues as written: the expected order by hand.
    const all = (await (await fetch(`${server.url}/risk?top=1000&rank=probability`)).json()) as RiskList;
    const latest = new Map(currentRows(rows).map((r) => [r.id, r]));
    const revenue = (id: string) => (latest.get(id)!.revenue === '' ? null : Number(latest.get(id)!.revenue));
    const byProb = all.rows.slice(0, TOP).map((r) => r.id);
    const byLoss = byExpectedLoss(all.rows, revenue).slice(0, TOP);
    assert.notDeepEqual(byLoss, byProb);

    let shown = await table();
    assert.deepEqual(shown.map((c) => c[1]), byProb);
    // Each row's value and expected loss as the page writes figures.
    const p = new Map(all.rows.map((r) => [r.id, r.probability]));
    for (const c of shown) assert.deepEqual(c.slice(3), [formatAmount(revenue(c[1])), formatAmount(revenue(c[1]) === null ? null : p.get(c[1])! * revenue(c[1])!)], c[1]);
    const summaryOf = async () => (await page.textContent('[data-testid="risk-summary"]')) ?? '';
    const leaversByProb = all.rows.slice(0, TOP).reduce((a, r) => a + r.probability, 0);
    assert.match(await summaryOf(), new RegExp(`^These ${TOP} cover about ${formatExpected(leaversByProb).replace('.', '\\.')} expected leavers`));

    await page.click('[data-testid="rank-expected_loss"]');
    await page.waitForFunction((first) => document.querySelector('[data-testid="risk-table"] tbody tr td:nth-child(2)')?.textContent !== first, byProb[0]);
    shown = await table();
    assert.deepEqual(shown.map((c) => c[1]), byLoss);
    assert.deepEqual(shown.map((c) => c[0]), byLoss.map((_, k) => String(k + 1)));
    assert.equal(await page.getAttribute('[data-testid="rank-expected_loss"]', 'aria-pressed'), 'true');
    assert.ok(asked.some((q) => new URLSearchParams(q).get('rank') === 'expected_loss'), asked.join(' '));
    // What this top covers: Σ probability and Σ probability × revenue over the listed clients, by hand.
    let leavers = 0;
    let loss = 0;
    for (const id of byLoss) {
      leavers += p.get(id)!;
      loss += revenue(id) === null ? 0 : p.get(id)! * revenue(id)!;
    }
    const text = await summaryOf();
    assert.ok(text.includes(`about ${formatExpected(leavers)} expected leavers`), text);
    assert.ok(text.includes(`an expected loss of ${formatAmount(loss)} in revenue`), text);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-call-list-value.png'), clip: (await (await page.$('#risk'))!.boundingBox())! });

    // Back: the probability order again.
    await page.click('[data-testid="rank-probability"]');
    await page.waitForFunction((first) => document.querySelector('[data-testid="risk-table"] tbody tr td:nth-child(2)')?.textContent === first, byProb[0]);
    assert.deepEqual((await table()).map((c) => c[1]), byProb);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
