import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { acquireRunLock, LockedError, LOCKED_EXIT_CODE } from '../../src/pipeline/lock.ts';
import { tempDir } from '../helpers/temp.ts';

const lockModule = new URL('../../src/pipeline/lock.ts', import.meta.url).pathname;
const tmp = () => join(tempDir('rw-lock-'), 'run.lock');

test('a second holder is refused with the first holder named; release lets the next one in', () => {
  const path = tmp();
  const a = acquireRunLock(path);
  // Another process tries while we hold it.
  const other = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('${lockModule}').then((m) => { try { m.acquireRunLock(${JSON.stringify(path)}); process.exit(0); } catch (e) { console.error(e.message); process.exit(e.exitCode ?? 9); } })`], { encoding: 'utf8' });
  assert.equal(other.status, LOCKED_EXIT_CODE);
  assert.match(other.stderr, new RegExp(`another run holds the lock .*pid ${process.pid}`));
  assert.throws(() => acquireRunLock(path), LockedError);
  a.release();
  const b = acquireRunLock(path);
  b.release();
});

test('a holder killed with SIGKILL does not leave the lock stuck', async () => {
  const path = tmp();
  const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `import('${lockModule}').then((m) => { m.acquireRunLock(${JSON.stringify(path)}); console.log('held'); setInterval(() => {}, 1000); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => holder.stdout!.on('data', (d) => String(d).includes('held') && resolve()));
  assert.throws(() => acquireRunLock(path), LockedError);
  holder.kill('SIGKILL');
  await new Promise((r) => holder.on('exit', r));
  const lock = acquireRunLock(path);
  lock.release();
});

test('of four processes started together exactly one gets the lock', async () => {
  const path = tmp();
  // Winners hold the lock until killed, so a slow starter cannot get it after an early release.
  const script = `import('${lockModule}').then((m) => { try { m.acquireRunLock(${JSON.stringify(path)}); console.log('got'); setInterval(() => {}, 1000); } catch (e) { process.exit(e.exitCode ?? 9); } })`;
  const procs = [0, 1, 2, 3].map(() => spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const winners: number[] = [];
  const codes: Array<number | null> = [];
  await new Promise<void>((resolve, reject) => {
    const check = () => winners.length + codes.length === 4 && resolve();
    procs.forEach((p, i) => {
      p.stdout!.on('data', (d) => String(d).includes('got') && (winners.push(i), check()));
      p.on('exit', (c) => (codes.push(c), check()));
    });
    setTimeout(() => reject(new Error(`timed out: ${winners.length} winners, exits ${codes}`)), 20_000).unref();
  });
  for (const p of procs) p.kill('SIGKILL');
  assert.deepEqual(codes, [LOCKED_EXIT_CODE, LOCKED_EXIT_CODE, LOCKED_EXIT_CODE]);
  assert.equal(winners.length, 1);
});
