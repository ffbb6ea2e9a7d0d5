/**
 * Concurrency (long part): four `riskwatch run` processes (the real bin) started together on one
 * workspace, for each store backend in STORE_BACKENDS: exactly one does the work, the other three
 * exit 3 with status "locked", and the workspace ends as one uninterrupted run leaves it. Repeated
 * over several rounds (a first run, then retraining runs). Then four separate workspaces acting as
 * four machines share one PostgreSQL store: the store's advisory lock lets exactly one run work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { BIN, STORE_BACKENDS, capture, writeFigures } from './helpers.ts';
import { PG_URL, dropSchema, pgQuery, randomSchema } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/temp.ts';

const RUNNERS = 4;

function startRuns(dir: string, count = RUNNERS): Promise<Array<{ code: number | null; out: { status: string; reason: string } }>> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, [BIN, '--config', join(dir, 'config.json'), 'run', '--json', '--margin', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      return new Promise<{ code: number | null; out: { status: string; reason: string } }>((resolve) =>
        child.on('exit', (code) => {
          capture('log', stderr);
          capture('response', stdout);
          resolve({ code, out: JSON.parse(stdout || '{"status":"no output","reason":""}') });
        }),
      );
    }),
  );
}

const figures: Record<string, { rounds: number; processes: number; winners: number; locked: number }> = {};

for (const backend of STORE_BACKENDS) {
  test(`${backend.name}: ${RUNNERS} runs started together — exactly one works, the others exit 3 "locked"`, async () => {
    const dir = join(tempDir('rw-conc-'), 'ws');
    // Big enough that the winner is still working when the last process starts.
    simulate({ out: dir, clients: 120_000, months: 6, seed: 21 });
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, ...backend.config() }));
    let winners = 0;
    let locked = 0;
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      if (round > 0) {
        const r = spawnSync(process.execPath, [BIN, 'simulate', '--out', dir, '--scenario', 'concept', '--append', '1', '--rows-per-month', '30000'], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      }
      const results = await startRuns(dir);
      const done = results.filter((r) => r.code === 0 && r.out.status === 'completed');
      const refused = results.filter((r) => r.code === 3 && r.out.status === 'locked');
      assert.equal(done.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => [r.code, r.out.status]))}`);
      assert.equal(refused.length, RUNNERS - 1, `round ${round}: ${JSON.stringify(results.map((r) => [r.code, r.out.status, r.out.reason]))}`);
      // The holder is named when its side file is already written (it is written just after the
      // lock is taken, so a process arriving in that instant gets the message without it).
      for (const r of refused) assert.match(r.out.reason, /^another run holds the lock .*riskwatch\.run\.lock( \(pid \d+ on .*\))?; try again when it finishes$/);
      winners += done.length;
      locked += refused.length;
      assert.deepEqual(await backend.integrity(dir), []);
      // The work was done once: a following run has nothing to do.
      const again = spawnSync(process.execPath, [BIN, '--config', join(dir, 'config.json'), 'run', '--json'], { encoding: 'utf8' });
      assert.equal(JSON.parse(again.stdout).status, 'noop');
    }
    figures[backend.name] = { rounds, processes: rounds * RUNNERS, winners, locked };
    writeFigures('concurrency', { runnersPerRound: RUNNERS, backends: figures });
  });
}

/**
 * Four machines, one PostgreSQL store: four workspaces (their own folders, the same data, one
 * store schema) start `run` together. The store's advisory lock lets exactly one work; the others
 * exit 3 naming the store. Afterwards every deployment names a ready version whose model is in the
 * store, so any machine can load production.
 */
test('postgres: 4 machines sharing one store start runs together — exactly one works, the others exit 3 "locked"', async () => {
  const schema = randomSchema('rw_rel');
  const root = tempDir('rw-conc-pg-');
  const dirs = Array.from({ length: RUNNERS }, (_, i) => join(root, `machine-${i}`));
  try {
    for (const dir of dirs) {
      simulate({ out: dir, clients: 60_000, months: 6, seed: 22 });
      const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, store: { type: 'postgres', url: PG_URL, schema } }));
    }
    // Migrate once first: the race under test is the run lock, not the migration lock.
    const m = spawnSync(process.execPath, [BIN, '--config', join(dirs[0], 'config.json'), 'models', '--json'], { encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    const results = await Promise.all(dirs.map((dir) => startRuns(dir, 1).then((r) => r[0])));
    const done = results.filter((r) => r.code === 0 && r.out.status === 'completed');
    const refused = results.filter((r) => r.code === 3 && r.out.status === 'locked');
    assert.equal(done.length, 1, JSON.stringify(results.map((r) => [r.code, r.out.status, r.out.reason])));
    assert.equal(refused.length, RUNNERS - 1, JSON.stringify(results.map((r) => [r.code, r.out.status, r.out.reason])));
    for (const r of refused) assert.match(r.out.reason, /^another run holds the run lock of the .*; try again when it finishes$/);
    for (const r of refused) assert.doesNotMatch(r.out.reason, /password/i);
    const orphans = await pgQuery(
      `SELECT d.version FROM ${schema}.deployments d LEFT JOIN ${schema}.model_versions v ON v.version = d.version AND v.status = 'ready'
       LEFT JOIN (SELECT DISTINCT version FROM ${schema}.model_artifacts) a ON a.version = d.version
       WHERE v.version IS NULL OR a.version IS NULL`,
    );
    assert.deepEqual(orphans.rows, [], 'every deployment names a ready version with its model in the store');
    const deployed = await pgQuery(`SELECT count(*)::int AS n FROM ${schema}.deployments`);
    assert.equal(deployed.rows[0].n, 1, 'one run, one deployment');
    // Any machine now serves the model the winner deployed.
    for (const dir of dirs) {
      const p = spawnSync(process.execPath, [BIN, '--config', join(dir, 'config.json'), 'models', '--json'], { encoding: 'utf8' });
      assert.equal(p.status, 0, p.stderr);
      assert.ok(JSON.parse(p.stdout).production, `machine ${dir} sees production`);
    }
    figures.postgres = { rounds: 1, processes: RUNNERS, winners: done.length, locked: refused.length };
    writeFigures('concurrency', { runnersPerRound: RUNNERS, backends: figures });
  } finally {
    await dropSchema(schema);
  }
});
