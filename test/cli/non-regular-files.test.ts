import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../helpers/free-port.ts';
import { join } from 'node:path';
import type { Context } from '../../src/context.ts';
import { HEADER, ROOT, seedWithModels } from '../helpers/workspace.ts';

// Issue 13 item 7: a FIFO (or any non-regular file) given as data is refused at once — by the
// CLI and by the server — instead of blocking in open() where no signal reaches it. The real
// built CLI is spawned, and a command still running after a few seconds gets SIGTERM: it must be
// gone promptly either way. (npm run build first when running this file alone.)

let ws: Awaited<ReturnType<typeof seedWithModels>>['ws'];
let ctx: Context;
let fifo: string;
const children: ChildProcess[] = [];

before(async () => {
  ({ ws, ctx } = await seedWithModels(1));
  await ctx.store.close();
  mkdirSync(join(ws.source, 'withfifo'));
  writeFileSync(join(ws.source, 'withfifo', 'a.csv'), `${HEADER}\nregular,1,2,3,0\n`);
  execFileSync('mkfifo', [join(ws.source, 'withfifo', 'b.csv')]);
  fifo = join(ws.source, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
});

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(ws.dir, { recursive: true, force: true });
});

function start(args: string[], config = ws.config): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', config, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, out: () => out, err: () => err, exited };
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> => Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);

/** Run a command; if it is still running after `patienceMs`, SIGTERM it. Returns how it ended and whether it needed the signal. */
async function runPatiently(args: string[], patienceMs = 5000, config = ws.config) {
  const c = start(args, config);
  let ended = await within(c.exited, patienceMs);
  let signalled = false;
  if (ended === 'timeout') {
    signalled = true;
    c.child.kill('SIGTERM');
    ended = await within(c.exited, 3000);
  }
  return { ended, signalled, stderr: c.err(), stdout: c.out() };
}

for (const cmd of ['predict', 'drift', 'score']) {
  test(`${cmd} --data FIFO: refused at once with one line naming it, exit 1 (no hang, no signal needed)`, async () => {
    const r = await runPatiently([cmd, '--data', fifo]);
    assert.notEqual(r.ended, 'timeout', `${cmd} still running 3 s after SIGTERM: ${r.stderr}`);
    assert.equal(r.signalled, false, `${cmd} hung until SIGTERM: ${r.stderr}`);
    assert.deepEqual(r.ended, { code: 1, signal: null }, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /pipe\.csv: is not a regular file/);
  });
}

test('predict --data FOLDER holding a FIFO: the FIFO is named, not skipped nor waited on', async () => {
  const r = await runPatiently(['predict', '--data', join(ws.source, 'withfifo')]);
  assert.equal(r.signalled, false, r.stderr);
  assert.deepEqual(r.ended, { code: 1, signal: null }, r.stderr);
  assert.match(r.stderr, /withfifo\/b\.csv: is not a regular file/);
});

test('a SQLite source or store that is a FIFO is named at once (the source failed, ingest exit 0; the store exit 1) instead of SQLite blocking in open()', async () => {
  const base = JSON.parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
  execFileSync('mkfifo', [join(ws.dir, 'branch.db')]);
  execFileSync('mkfifo', [join(ws.dir, 'fifo-store.db')]);
  const sourceConfig = join(ws.dir, 'config-sqlite-source.json');
  writeFileSync(sourceConfig, JSON.stringify({ ...base, sources: [{ type: 'sqlite', name: 'branch', path: 'branch.db', table: 'clients' }] }));
  const storeConfig = join(ws.dir, 'config-fifo-store.json');
  writeFileSync(storeConfig, JSON.stringify({ ...base, store: { type: 'sqlite', path: 'fifo-store.db' } }));
  // A failed source does not fail ingest (docs/data.md, Database sources: it exits 0, the source reported as failed).
  for (const [config, args, code, named] of [
    [sourceConfig, ['ingest'], 0, /"source failed: source \\"branch\\": [^"]*branch\.db: is not a regular file"/],
    [storeConfig, ['models'], 1, /fifo-store\.db: is not a regular file/],
  ] as const) {
    const r = await runPatiently([...args], 5000, config);
    assert.equal(r.signalled, false, `${args[0]} hung until SIGTERM: ${r.stderr}`);
    assert.notEqual(r.ended, 'timeout', r.stderr);
    assert.equal((r.ended as { code: number }).code, code, r.stderr);
    assert.match(r.stderr, named);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('serve: GET /prediction?filepath= on a FIFO (or a folder holding one) answers 400 at once; the other routes keep answering; SIGTERM stops the server', async () => {
  const port = await freePort();
  const s = start(['serve', '--port', String(port), '--log-level', 'warn']);
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${base}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    assert.ok(Date.now() - t0 < 15_000, `serve did not start: ${s.err()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    // More requests than libuv's 4 threads: each blocked open() used to hold one for good.
    for (const p of ['sourcedata/pipe.csv', 'sourcedata/withfifo', 'sourcedata/pipe.csv', 'sourcedata/withfifo', 'sourcedata/pipe.csv']) {
      const r = await fetch(`${base}/prediction?filepath=${encodeURIComponent(p)}`, { signal: AbortSignal.timeout(5000) });
      const body = await r.text();
      assert.equal(r.status, 400, `${p}: ${body}`);
      assert.match(body, /\.csv: is not a regular file/, p);
    }
    for (const route of ['/risk', '/summarystats', '/health']) {
      const r = await fetch(base + route, { signal: AbortSignal.timeout(5000) });
      assert.equal(r.status, 200, route);
      await r.arrayBuffer();
    }
  } finally {
    s.child.kill('SIGTERM');
    const ended = await within(s.exited, 5000);
    assert.notEqual(ended, 'timeout', `serve still running 5 s after SIGTERM: ${s.err()}`);
  }
});
