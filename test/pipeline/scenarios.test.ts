import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { appendMonths, simulate, type Scenario } from '../../src/simulate/generate.ts';
import { cli } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

// The story the generator tells, played through `riskwatch run`: keep the model while nothing
// changes, notice shifted inputs without retraining on them alone, and retrain when the
// relationship between inputs and leaving changes.
test('scenarios give the expected decisions: none → keep, covariate → data drift only, concept → retrain', () => {
  const dir = join(tempDir('rw-story-'), 'ws');
  simulate({ out: dir, clients: 10_000, months: 12, seed: 42 });
  const config = join(dir, 'config.json');
  const run = () => {
    const r = cli(['--config', config, 'run', '--json']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const first = run();
  assert.equal(first.deployed, 'v1');
  const month = (s: Scenario) => {
    appendMonths({ out: dir, scenario: s, months: 1 });
    return run();
  };
  for (let i = 0; i < 3; i++) {
    const r = month('none');
    assert.equal(r.status, 'completed');
    assert.deepEqual([r.drift.dataset, r.drift.model, r.retrained, r.deployed], [false, false, false, null], r.reason);
  }
  const cov = month('covariate');
  assert.deepEqual([cov.drift.dataset, cov.drift.model, cov.retrained], [true, false, false], cov.reason);
  assert.match(cov.reason, /data drift in .* but no model drift/);
  const con = month('concept');
  assert.equal(con.drift.model, true, con.reason);
  assert.equal(con.drift.dataset, false, con.reason);
  assert.equal(con.retrained, true);
  assert.equal(con.champion.version, 'v1');
  assert.match(con.reason, /^model drift: F1/);
  assert.equal(typeof con.challenger.f1, 'number');
  // Deployed only if not worse than the champion on the held-out newest rows.
  assert.equal(con.deployed === con.challenger.version, con.challenger.f1 >= con.champion.f1);
  const idle = run();
  assert.equal(idle.status, 'noop');
});
