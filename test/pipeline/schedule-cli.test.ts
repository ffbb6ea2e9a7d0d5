import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { simulate } from '../../src/simulate/generate.ts';
import { ROOT, cli } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

const BIN = join(ROOT, 'dist', 'cli', 'riskwatch.mjs');

function workspace(extra: Record<string, unknown>) {
  const dir = join(tempDir('rw-sched-'), 'ws');
  simulate({ out: dir, clients: 2000, months: 2, seed: 6 });
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), ...extra }));
  return { dir, config };
}

test('run posts a Slack-compatible alert to a real webhook when it deploys; a dead webhook never fails the run', async () => {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    process.env.RW_TEST_HOOK = `http://127.0.0.1:${port}/hook`;
    const ws = workspace({ alerts: { webhooks: [{ url_env: 'RW_TEST_HOOK' }, { url: 'http://127.0.0.1:9/refused' }], timeout_ms: 5000, retries: 1 } });
    const child = spawn(process.execPath, [BIN, '--config', ws.config, 'run', '--json'], { env: process.env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0);
    const r = JSON.parse(out);
    assert.equal(r.deployed, 'v1');
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0].kind, 'deployed');
    assert.match(String(bodies[0].text), /deployed v1/);
    assert.equal(bodies[0].source, 'riskwatch');
    const refused = r.alerts.deliveries.find((d: { url: string }) => d.url.includes(':9/'));
    assert.equal(refused.ok, false);
  } finally {
    delete process.env.RW_TEST_HOOK;
    server.close();
  }
});

test('schedule runs on its cron, never overlapping, and stops cleanly on SIGTERM', async () => {
  // Scheduling under test, not reporting: a completed run's report (seconds on a loaded machine)
  // would leave room for a single tick in the window.
  const ws = workspace({ schedule: '* * * * * *', report: { enabled: false } });
  const child = spawn(process.execPath, [BIN, '--config', ws.config, 'schedule', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  await new Promise((r) => setTimeout(r, 3500));
  child.kill('SIGTERM');
  const code = await exited;
  assert.equal(code, 0, err);
  const summary = JSON.parse(out);
  assert.ok(summary.ticks >= 2, `ticks ${summary.ticks}`);
  const runs = JSON.parse(cli(['--config', ws.config, 'runs', '--json']).stdout).runs.filter((x: { command: string }) => x.command === 'run');
  assert.equal(runs.length, summary.ticks);
  assert.equal(runs[runs.length - 1].outcome, 'completed');
  assert.ok(runs.slice(0, -1).every((x: { outcome: string }) => x.outcome === 'noop'));
  // Each run finished before the next started.
  const spans = runs.map((x: { startedAt: string; finishedAt: string }) => [Date.parse(x.startedAt), Date.parse(x.finishedAt)]).reverse();
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 1][1]);
});

test('an invalid schedule is a one-line config error naming the key', () => {
  const ws = workspace({ schedule: '61 * * * *' });
  const r = cli(['--config', ws.config, 'schedule']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^riskwatch: .*config\.json: key "schedule": /);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
