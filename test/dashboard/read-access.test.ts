import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import { context, seedWorkspace, ROOT } from '../helpers/workspace.ts';
import { launchChromium } from '../helpers/chromium.ts';

/**
 * Read access control in real headless Chromium against a real listening server: signed out, the
 * dashboard sends the browser to the sign-in page; a wrong token is refused; the right one opens
 * the dashboard with its data; a session that ends (signed out elsewhere) sends the dashboard's
 * fetches back to sign-in; signing out ends the session. Screenshot: test-artifacts/signin.png.
 */
const ARTIFACTS = join(ROOT, 'test-artifacts');
const READ_ENV = 'RW_TEST_DASHBOARD_READ_TOKEN';
const READ = 'dash-read-2b7e41c9f05a83d6';

let ws: ReturnType<typeof seedWorkspace>;
let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let base: string;
let version: string;

before(async () => {
  process.env[READ_ENV] = READ;
  ws = seedWorkspace();
  writeFileSync(ws.config, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), api: { read_token_env: READ_ENV } }));
  ctx = await context(ws.config);
  await ingest(ctx);
  version = (await train(ctx)).version;
  await deploy(ctx, version);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0, dependencyTimeoutMs: 2000 });
  base = server.url;
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await ctx?.store.close();
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
  delete process.env[READ_ENV];
});

async function signIn(page: import('playwright-core').Page, token: string) {
  await page.fill('input[name="token"]', token);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

test('signed out → sign-in page; a wrong token is refused; the right one opens the dashboard with its data; signing out ends the session', async () => {
  const bc: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await bc.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  try {
    // Signed out: the dashboard's address shows the sign-in page.
    const first = await page.goto(`${base}/dashboard/`);
    assert.equal(new URL(page.url()).pathname, '/signin');
    assert.equal(first?.status(), 200);
    assert.equal(await page.textContent('h1'), 'riskwatch');
    assert.equal(await page.getAttribute('input[name="token"]', 'type'), 'password');
    await page.screenshot({ path: join(ARTIFACTS, 'signin.png') });

    // A wrong token: refused, still on the sign-in page, no cookie.
    await signIn(page, 'definitely-not-the-token');
    assert.equal(new URL(page.url()).pathname, '/signin');
    assert.match((await page.textContent('[role="alert"]')) ?? '', /not right/);
    assert.deepEqual(await bc.cookies(), []);
    await page.screenshot({ path: join(ARTIFACTS, 'signin-refused.png') });

    // The right token: back on the dashboard, its data loaded through the session cookie.
    await signIn(page, READ);
    assert.equal(new URL(page.url()).pathname, '/dashboard/');
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
    assert.equal(await page.textContent('[data-testid="production-version"]'), version);
    await page.waitForSelector('[data-testid="risk-table"] tbody tr', { timeout: 10_000 });
    const rows = await page.$$eval('[data-testid="risk-table"] tbody tr', (trs) => trs.length);
    assert.ok(rows > 0, `${rows} clients listed`);
    const [cookie] = await bc.cookies();
    assert.equal(cookie.name, 'riskwatch_session');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(!cookie.value.includes(READ));
    // Scripts cannot read the session (HttpOnly).
    assert.equal(await page.evaluate(() => document.cookie), '');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-signed-in.png') });

    // Sign out: the button posts, the cookie is gone, the dashboard asks for the token again.
    await Promise.all([page.waitForNavigation(), page.click('[data-testid="sign-out"]')]);
    assert.equal(new URL(page.url()).pathname, '/signin');
    assert.match((await page.textContent('[role="status"]')) ?? '', /signed out/);
    assert.deepEqual(await bc.cookies(), []);
    await page.goto(`${base}/dashboard/`);
    assert.equal(new URL(page.url()).pathname, '/signin');
    // The old cookie value, replayed, reads nothing.
    const replay = await fetch(`${base}/population`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
    assert.equal(replay.status, 401);
    assert.deepEqual(problems, []);
  } finally {
    await bc.close();
  }
});

test('a session that ends while the dashboard is open: its next fetch goes to the sign-in page, and back after signing in', async () => {
  const bc = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await bc.newPage();
  try {
    await page.goto(`${base}/dashboard/`);
    await signIn(page, READ);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
    // The session ends behind the page's back (signed out in another tab: the cookie is cleared).
    await bc.clearCookies();
    await Promise.all([page.waitForURL((u) => u.pathname === '/signin', { timeout: 10_000 }), page.click('button:has-text("Refresh")')]);
    assert.equal(new URL(page.url()).searchParams.get('next'), '/dashboard/');
    await signIn(page, READ);
    assert.equal(new URL(page.url()).pathname, '/dashboard/');
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
  } finally {
    await bc.close();
  }
});
