/**
 * A run killed between the production file's rename and the deployment's record (the window
 * test/pipeline/crash.test.ts's kills sometimes land in) leaves the history behind the file. The
 * next run finds no new data and deploys nothing, so it must repair the history itself: before
 * the fix only deploy and rollback did, and the history stayed empty under a deployed model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { simulate } from '../../src/simulate/generate.ts';
import { cli } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('a run after a kill between the production rename and its record records the deployment', () => {
  const dir = join(tempDir('rw-reconcile-'), 'ws');
  simulate({ out: dir, clients: 3000, months: 3, seed: 4 });
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ ...JSON.parse(readFileSync(cfg, 'utf8')), report: { enabled: false } }));
  const first = cli(['--config', cfg, 'run', '--json']);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).deployed, 'v1');
  // What the kill leaves: production/model.json renamed in, neither the deployment nor the run's end recorded.
  const db = new Database(join(dir, 'riskwatch.db'));
  db.exec("DELETE FROM deployments; UPDATE runs SET status = 'running', finished_at = NULL, outcome = NULL");
  db.close();
  const next = cli(['--config', cfg, 'run', '--json']);
  assert.equal(next.status, 0, next.stderr);
  assert.equal(JSON.parse(next.stdout).status, 'noop');
  const check = new Database(join(dir, 'riskwatch.db'), { readonly: true });
  try {
    const deps = check.prepare('SELECT version, previous, action FROM deployments ORDER BY id').all();
    assert.deepEqual(deps, [{ version: 'v1', previous: null, action: 'recover' }]);
  } finally {
    check.close();
  }
  assert.equal(JSON.parse(readFileSync(join(dir, 'production_deployment', 'model.json'), 'utf8')).version, 'v1');
});
