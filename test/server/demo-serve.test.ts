import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('demo (npm start) ends by serving the dashboard and prints its URL; SIGTERM stops it; a taken port falls back to a free one', async () => {
  const dir = join(tempDir('rw-demo-serve-'), 'demo');
  // Hold the config's default port (8000) if we can, so the fallback path is exercised; if
  // something else holds it already, the fallback is exercised all the same.
  const blocker = createServer();
  await new Promise<void>((resolve) => {
    blocker.once('error', () => resolve());
    blocker.listen(8000, '127.0.0.1', () => resolve());
  });
  let child: ReturnType<typeof spawn> | undefined;
  try {
    child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), 'demo', '--dir', dir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const c = child;
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    const t0 = Date.now();
    let url: string | undefined;
    // The demo's seven runs (each with its report) take ~20 s on a quiet machine and minutes on
    // a busy one: a bound against hanging, not a timing check.
    while (!url && Date.now() - t0 < 240_000) {
      url = /dashboard: (http:\/\/\S+\/dashboard\/)/.exec(out)?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(url, `a dashboard URL is printed (stdout: ${out}; stderr: ${err})`);
    assert.match(out, /production: v\d+/, 'the story is printed first');
    assert.doesNotMatch(url, /:8000\//, 'port 8000 was taken: another port');
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="app">/);
    const ready = (await (await fetch(url.replace(/dashboard\/$/, 'ready'))).json()) as { ready: boolean };
    assert.equal(ready.ready, true);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, err);
  } finally {
    // A failed assertion must not leave the demo serving (the test process would wait for it).
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await new Promise((r) => blocker.close(r));
  }
});
