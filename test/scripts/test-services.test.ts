import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { answers, missingLine, parseClusters, pgTarget, plan, type Facts } from '../../scripts/test-services.mjs';
import { ROOT } from '../helpers/workspace.ts';

/**
 * What the README's test command does about Chromium and PostgreSQL on a machine that lacks them
 * (issue 13 item 18: a fresh machine failed 3 dashboard tests for want of /usr/bin/chromium).
 */
const fresh: Facts = {
  need: { chromium: true, postgres: true },
  chromium: false,
  postgres: false,
  pg: { host: '127.0.0.1', port: 5432 },
  clusters: [{ version: '15', name: 'main', port: 5432, status: 'down' }],
  root: true,
  apt: true,
};

test('a fresh Debian machine as root: install chromium with apt-get, start the installed cluster', () => {
  const p = plan(fresh);
  assert.deepEqual(p.missing, []);
  assert.deepEqual(
    p.steps.flatMap((s) => s.commands),
    [
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', 'chromium'],
      ['pg_ctlcluster', '--skip-systemctl-redirect', '15', 'main', 'start'],
    ],
  );
});

test('nothing to do when both are there, or when the selected tests need neither', () => {
  assert.deepEqual(plan({ ...fresh, chromium: true, postgres: true }), { steps: [], missing: [] });
  assert.deepEqual(plan({ ...fresh, need: { chromium: false, postgres: false } }), { steps: [], missing: [] });
});

test('where it cannot be provisioned: one line naming what to install, never a skip', () => {
  const notRoot = plan({ ...fresh, root: false });
  assert.deepEqual(notRoot.steps, []);
  const line = missingLine(notRoot.missing);
  assert.doesNotMatch(line, /\n/);
  assert.match(line, /Chromium at \/usr\/bin\/chromium \(install Debian's chromium: apt-get install chromium; not root here/);
  assert.match(line, /cluster 15\/main is installed but down: start it as root with pg_ctlcluster 15 main start/);

  const noApt = plan({ ...fresh, apt: false, need: { chromium: true, postgres: false } });
  assert.match(missingLine(noApt.missing), /apt-get install chromium; no apt-get here/);

  const noCluster = plan({ ...fresh, clusters: [], need: { chromium: false, postgres: true } });
  assert.deepEqual(noCluster.steps, []);
  assert.match(missingLine(noCluster.missing), /PostgreSQL on 127\.0\.0\.1:5432 \(install Debian's postgresql with database test, user postgres and trust auth for 127\.0\.0\.1, or set RISKWATCH_TEST_PG_URL\)/);

  // A cluster on another port is not the one the tests use; a remote server is not ours to start.
  assert.equal(plan({ ...fresh, clusters: [{ version: '15', name: 'main', port: 5433, status: 'down' }] }).steps.length, 1);
  assert.match(plan({ ...fresh, pg: { host: 'db.example', port: 5432 } }).missing[0], /a PostgreSQL server answering at db\.example:5432 \(RISKWATCH_TEST_PG_URL\)/);
});

test('facts: pg_lsclusters lines and the test URL are read as the plan expects', async () => {
  assert.deepEqual(parseClusters('15  main    5432 down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n\n'), [{ version: '15', name: 'main', port: 5432, status: 'down' }]);
  assert.deepEqual(pgTarget('postgres://postgres@127.0.0.1:5432/test'), { host: '127.0.0.1', port: 5432 });
  assert.deepEqual(pgTarget('postgres://u@db.example/x'), { host: 'db.example', port: 5432 });
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as { port: number }).port;
  assert.equal(await answers({ host: '127.0.0.1', port }), true);
  await new Promise((r) => srv.close(r));
  assert.equal(await answers({ host: '127.0.0.1', port }), false);
});

test('the script itself: nothing answering on the tests\' PostgreSQL port and no cluster there is one line and exit 1', async () => {
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'test-services.mjs')], { encoding: 'utf8', env: { ...process.env, RISKWATCH_TEST_PG_URL: `postgres://postgres@127.0.0.1:${port}/test` } });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `the tests need PostgreSQL on 127.0.0.1:${port} (install Debian's postgresql with database test, user postgres and trust auth for 127.0.0.1, or set RISKWATCH_TEST_PG_URL)\n`);
});
