import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port.ts';
import { simulate } from '../../src/simulate/generate.ts';
import { ROOT } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('serve --schedule: the scheduled run deploys the first model and the server serves it; SIGTERM stops both', async (t) => {
  const dir = join(tempDir('rw-serve-'), 'ws');
  simulate({ out: dir, clients: 2000, months: 2, seed: 13 });
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), schedule: '* * * * * *' }));
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', config, 'serve', '--port', String(port), '--schedule', '--json', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  // A failed assertion before the SIGTERM below must not leave the server running (one stayed up
  // for an hour, holding its port and the test file's process until the 10-minute timeout).
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  let ready: { ready: boolean; version: string | null } = { ready: false, version: null };
  // The first scheduled run trains and deploys: seconds on a quiet machine, more under load.
  while (Date.now() - t0 < 60_000) {
    try {
      ready = (await (await fetch(`${base}/ready`)).json()) as typeof ready;
      if (ready.ready) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(ready, { ready: true, version: 'v1' }, err);
  child.kill('SIGTERM');
  assert.equal(await exited, 0, err);
  const summary = JSON.parse(out);
  assert.ok(summary.ticks >= 1);
  assert.equal(summary.stopped, true);
});
