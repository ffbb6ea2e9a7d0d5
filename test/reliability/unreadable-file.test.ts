/**
 * One file the operating system will not let riskwatch read (EACCES) is rejected by name; the
 * other new files of the folder still ingest, and the run says a file was rejected. It used to
 * fail the whole folder source: the readable new file was not ingested, the file not named, and
 * `run` reported `noop` with exit 0.
 *
 * How the file is made unreadable: as root, `chmod 000` does not stop reading, so the CLI runs
 * as root without capabilities (setpriv drops CAP_DAC_OVERRIDE and the rest) and the file's mode
 * is 000. As a non-root user the CLI runs as that user. Nothing is skipped: a missing `setpriv`
 * fails the test with a line saying what is needed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { BIN } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'rw-unreadable-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * How the CLI runs: as root, still root but with every capability dropped (setpriv), so file modes
 * bind it as they bind any user — it keeps reaching the checkout wherever that lies (a 0700 clone
 * folder stops a switch to nobody); as another user, as that user.
 */
function runAs(): { prefix: string[]; uid: number; gid: number } {
  const uid = process.getuid!();
  const gid = process.getgid!();
  if (uid !== 0) return { prefix: [], uid, gid };
  const probe = spawnSync('setpriv', ['--version'], { encoding: 'utf8' });
  assert.ok(probe.status === 0, 'this test needs setpriv (util-linux) to run riskwatch without root\'s capabilities: apt-get install util-linux');
  return { prefix: ['setpriv', '--bounding-set=-all', '--inh-caps=-all'], uid, gid };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) chownTree(p, uid, gid);
    else chownSync(p, uid, gid);
  }
}

test('an unreadable file is rejected by name; the readable new file still ingests and the run says so', () => {
  const user = runAs();
  const cliAs = (args: string[]) => {
    const [cmd, ...pre] = user.prefix.length ? user.prefix : [process.execPath];
    const argv = user.prefix.length ? [...pre, process.execPath, BIN, ...args] : [BIN, ...args];
    const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, cwd: root, timeout: 120_000, killSignal: 'SIGKILL' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const dir = join(root, 'ws');
  simulate({ out: dir, clients: 1500, months: 3, seed: 5 });
  const source = join(dir, 'sourcedata');
  const later = join(root, 'later');
  mkdirSync(later);
  const month3 = readdirSync(source).filter((f) => f.endsWith('.csv')).sort()[2];
  renameSync(join(source, month3), join(later, month3));
  chmodSync(root, 0o755);
  chownTree(dir, user.uid, user.gid);
  const config = join(dir, 'config.json');

  const first = cliAs(['--config', config, 'run', '--json']);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).status, 'completed', first.stderr);

  // A new readable month, and a new file nobody can read (a copy of the same month, mode 000).
  copyFileSync(join(later, month3), join(source, month3));
  copyFileSync(join(later, month3), join(source, 'locked.csv'));
  chownSync(join(source, month3), user.uid, user.gid);
  chownSync(join(source, 'locked.csv'), user.uid, user.gid);
  chmodSync(join(source, 'locked.csv'), 0o000);

  const run = cliAs(['--config', config, 'run', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(run.stdout);
  assert.equal(r.status, 'completed', `the readable file's rows are decided on: ${r.reason}`);
  assert.equal(r.newData, true);
  assert.equal(r.ingested.files, 1);
  assert.ok(r.ingested.rowsAdded > 0);
  assert.equal(r.ingested.filesRejected, 1);
  assert.deepEqual(r.ingested.rejectedFiles, [{ name: 'locked.csv', reason: 'unreadable: permission denied (EACCES)' }]);
  assert.equal(r.ingested.sourcesFailed, undefined, 'the folder source itself did not fail');
  assert.match(r.reason, /; 1 file rejected: locked\.csv: unreadable: permission denied \(EACCES\)$/);
  assert.match(run.stderr, /file rejected: locked\.csv: unreadable: permission denied \(EACCES\)/);

  // Still unreadable: the next ingest names it again (not remembered as a bad file)…
  const again = cliAs(['--config', config, 'ingest', '--json']);
  assert.equal(again.status, 0, again.stderr);
  const files = JSON.parse(again.stdout).files as Array<{ name: string; status: string; reason?: string }>;
  assert.deepEqual(files.find((f) => f.name === 'locked.csv'), { name: 'locked.csv', status: 'rejected', rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, duplicates: 0, rowsAdded: 0, rejectedByReason: {}, missing: {}, reason: 'unreadable: permission denied (EACCES)' });
  // …and once its permissions are fixed (same size and mtime) it is read.
  chmodSync(join(source, 'locked.csv'), 0o644);
  const fixed = cliAs(['--config', config, 'ingest', '--json']);
  assert.equal(fixed.status, 0, fixed.stderr);
  const now = (JSON.parse(fixed.stdout).files as Array<{ name: string; status: string; rowsRead: number }>).find((f) => f.name === 'locked.csv');
  assert.equal(now?.status, 'ingested');
  assert.ok(now!.rowsRead > 0);
});
