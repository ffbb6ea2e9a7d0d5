/**
 * An output that cannot be written ends in one line and a non-zero exit, promptly. /proc is the
 * real case from the issue: mkdir there answers ENOENT although the parent exists, and Node's
 * recursive mkdir retried that forever at full CPU while ignoring SIGTERM (report --out
 * /proc/nope ran for over ten minutes; predict --out /proc/nope/x.csv too). predict --out into a
 * missing folder is an error naming the folder, not a silently created folder tree.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, seedWithModels } from '../helpers/workspace.ts';
import { makeDir, makeDirSync } from '../../src/util/make-dir.ts';

let ws: Awaited<ReturnType<typeof seedWithModels>>['ws'];
before(async () => {
  assert.ok(existsSync('/proc/self'), 'this test needs Linux /proc (mkdir there answers ENOENT)');
  const made = await seedWithModels(1);
  ws = made.ws;
  await made.ctx.store.close();
});
after(() => rmSync(ws.dir, { recursive: true, force: true }));

/** One `riskwatch: …` line on stderr, exit 1, within the time limit (the helper kills it after). */
function assertOneLineFailure(r: ReturnType<typeof cli>, pattern: RegExp): void {
  assert.equal(r.status, 1, `exit 1 (stderr: ${r.stderr.slice(-400)})`);
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('riskwatch:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('makeDir and makeDirSync give up on a folder mkdir cannot create (no retry loop)', async () => {
  const t0 = performance.now();
  assert.throws(() => makeDirSync('/proc/nope/deeper'), { code: 'ENOENT' });
  await assert.rejects(makeDir('/proc/nope'), { code: 'ENOENT' });
  assert.ok(performance.now() - t0 < 1000);
  // The usual cases still work: nested folders made, an existing one accepted, a file refused.
  const nested = join(ws.dir, 'a', 'b', 'c');
  await makeDir(nested);
  makeDirSync(nested);
  assert.ok(existsSync(nested));
  assert.throws(() => makeDirSync(join(ws.dir, 'config.json')), { code: 'ENOTDIR' });
});

test('report --out /proc/nope fails at once with one line', () => {
  const t0 = performance.now();
  const r = cli(['--config', ws.config, 'report', '--no-dependencies', '--out', '/proc/nope'], { timeoutMs: 60_000 });
  assertOneLineFailure(r, /\/proc\/nope: cannot create the report folder/);
  assert.ok(performance.now() - t0 < 30_000);
});

test('predict --out /proc/nope/x.csv fails at once with one line', () => {
  const r = cli(['--config', ws.config, 'predict', '--data', ws.test, '--out', '/proc/nope/x.csv'], { timeoutMs: 60_000 });
  assertOneLineFailure(r, /\/proc\/nope\/x\.csv: the folder \/proc\/nope does not exist/);
});

test('predict --out into a missing folder is an error naming the folder; nothing is created', () => {
  const out = join(ws.dir, 'missing', 'dir', 'x.csv');
  const r = cli(['--config', ws.config, 'predict', '--data', ws.test, '--out', out, '--json'], { timeoutMs: 60_000 });
  assertOneLineFailure(r, new RegExp(`the folder ${join(ws.dir, 'missing', 'dir')} does not exist`));
  assert.equal(JSON.parse(r.stdout).error.exitCode, 1);
  assert.ok(!existsSync(join(ws.dir, 'missing')), 'no folder created');
  // Into an existing folder it writes the file, and only it.
  const ok = cli(['--config', ws.config, 'predict', '--data', ws.test, '--out', join(ws.dir, 'x.csv')]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(existsSync(join(ws.dir, 'x.csv')));
  assert.deepEqual(readdirSync(ws.dir).filter((f) => f.endsWith('.tmp')), []);
});
