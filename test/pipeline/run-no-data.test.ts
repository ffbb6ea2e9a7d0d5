/**
 * A cron job set up before the data arrives: `run` in a fresh workspace whose input folder is
 * empty (or holds nothing usable) is a noop with a reason naming the folder, exit 0 — it used to
 * fail (status "failed", empty reason, exit 1) on every tick. Once data arrives, the next run
 * trains and deploys as usual.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, makeWorkspace, SEED } from '../helpers/workspace.ts';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const run = (config: string) => {
  const r = cli(['--config', config, 'run', '--json']);
  return { ...r, json: JSON.parse(r.stdout) };
};

test('run with an empty input folder and no model is a noop naming the folder; data arriving later is trained on', () => {
  const ws = makeWorkspace();
  made.push(ws.dir);
  cpSync(join(SEED, 'testdata'), ws.test, { recursive: true });
  for (let i = 0; i < 2; i++) {
    const r = run(ws.config);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.json.status, 'noop');
    assert.match(r.json.reason, new RegExp(`^no data yet: no rows in folder ${ws.source}`));
    assert.equal(r.json.deployed, null);
  }
  const runs = JSON.parse(cli(['--config', ws.config, 'runs', '--json']).stdout).runs;
  assert.deepEqual(runs.slice(0, 2).map((x: { status: string; outcome: string }) => [x.status, x.outcome]), [['ok', 'noop'], ['ok', 'noop']]);

  // A file with no usable rows changes nothing: still no data.
  writeFileSync(join(ws.source, 'empty.csv'), '');
  const bad = run(ws.config);
  assert.equal(bad.status, 0, bad.stderr);
  assert.equal(bad.json.status, 'noop');
  assert.match(bad.json.reason, /^no data yet/);
  assert.equal(bad.json.ingested.filesRejected, 1);

  cpSync(join(SEED, 'sourcedata'), ws.source, { recursive: true });
  const first = run(ws.config);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.json.status, 'completed', first.json.reason);
  assert.ok(first.json.deployed);
});
