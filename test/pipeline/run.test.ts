import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { cli } from '../helpers/workspace.ts';
import { acquireRunLock, LOCKED_EXIT_CODE } from '../../src/pipeline/lock.ts';
import { tempDir } from '../helpers/temp.ts';

function workspaceWithLaterMonths() {
  const dir = join(tempDir('rw-run-'), 'ws');
  simulate({ out: dir, clients: 3000, months: 4, seed: 3 });
  const later = join(dir, 'later');
  mkdirSync(later);
  const files = readdirSync(join(dir, 'sourcedata')).sort();
  for (const f of files.slice(2)) renameSync(join(dir, 'sourcedata', f), join(later, f));
  return { dir, config: join(dir, 'config.json'), later: files.slice(2).map((f) => [join(later, f), join(dir, 'sourcedata', f)] as const) };
}

const run = (config: string) => {
  const r = cli(['--config', config, 'run', '--json']);
  return { ...r, json: JSON.parse(r.stdout) };
};

test('run: first model deployed, then no-op, then new data checked for drift and kept', () => {
  const ws = workspaceWithLaterMonths();
  const first = run(ws.config);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.json.status, 'completed');
  assert.equal(first.json.deployed, first.json.challenger.version);
  assert.equal(first.json.champion, null);

  const again = run(ws.config);
  assert.equal(again.json.status, 'noop');
  assert.equal(again.json.deployed, null);
  assert.equal(again.json.retrained, false);

  renameSync(...ws.later[0]);
  const third = run(ws.config);
  // A month from the same world: ingested, checked for drift, no retraining.
  assert.equal(third.json.status, 'completed');
  assert.equal(third.json.newData, true);
  assert.deepEqual([third.json.drift.dataset, third.json.drift.model, third.json.retrained, third.json.deployed], [false, false, false, null]);
  assert.match(third.json.reason, new RegExp(`no drift; ${first.json.deployed} stays in production`));
  assert.ok(third.json.timings.drift > 0 && third.json.timings.total > 0);

  const runs = JSON.parse(cli(['--config', ws.config, 'runs', '--json']).stdout).runs;
  assert.deepEqual(runs.slice(0, 3).map((r: { outcome: string }) => r.outcome), ['completed', 'noop', 'completed']);
});

test('a bad new file does not stop a run: reported, skipped, the good file still lands', () => {
  const ws = workspaceWithLaterMonths();
  run(ws.config);
  writeFileSync(join(ws.dir, 'sourcedata', 'broken.csv'), 'corporation,exited\nx,1\n');
  renameSync(...ws.later[0]);
  const r = run(ws.config);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.json.status, 'completed');
  assert.equal(r.json.ingested.filesRejected, 1);
  assert.equal(r.json.ingested.files, 1);
  assert.match(r.stderr, /broken\.csv/);
});

test('a second run while one holds the lock exits at once with status "locked" and its own exit code', () => {
  const ws = workspaceWithLaterMonths();
  run(ws.config);
  const lock = acquireRunLock(join(ws.dir, 'riskwatch.run.lock'));
  try {
    const r = run(ws.config);
    assert.equal(r.status, LOCKED_EXIT_CODE);
    assert.equal(r.json.status, 'locked');
    assert.match(r.json.reason, /another run holds the lock/);
  } finally {
    lock.release();
  }
  assert.equal(run(ws.config).json.status, 'noop');
});
