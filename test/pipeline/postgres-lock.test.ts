import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { LOCKED_EXIT_CODE } from '../../src/pipeline/lock.ts';
import { ROOT, cli } from '../helpers/workspace.ts';
import { dropSchema, PG_URL, pgQuery, randomSchema } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/temp.ts';

const BIN = join(ROOT, 'dist', 'cli', 'riskwatch.mjs');
const env = { ...process.env, NO_COLOR: '1', RW_TEST_PG_URL: PG_URL };

/** A simulated workspace (another machine's folders) on the shared PostgreSQL schema. */
function machine(schema: string, clients = 6000): string {
  const dir = join(tempDir('rw-pglock-'), 'ws');
  simulate({ out: dir, clients, months: 6, seed: 4 });
  const configPath = join(dir, 'config.json');
  const cfg = JSON.parse(readFileSync(configPath, 'utf8'));
  cfg.store = { type: 'postgres', url_env: 'RW_TEST_PG_URL', schema };
  writeFileSync(configPath, JSON.stringify(cfg));
  return configPath;
}

function runBin(config: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, '--config', config, 'run', '--json'], { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** Whether a backend of the child's process holds the run lock (its connection names the pid). */
async function holdsLock(pid: number): Promise<boolean> {
  const r = await pgQuery(
    "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND a.application_name LIKE $2",
    [0x52574c4b, `riskwatch run pid ${pid} %`],
  );
  return r.rowCount! > 0;
}

test('two `riskwatch run` on two machines sharing one PostgreSQL store: one runs, the other exits at once with code 3 naming the holder', async () => {
  const schema = randomSchema();
  try {
    const [a, b] = [machine(schema, 20000), machine(schema, 20000)];
    const [ra, rb] = await Promise.all([runBin(a), runBin(b)]);
    const results = [ra, rb].sort((x, y) => (x.code ?? 99) - (y.code ?? 99));
    const [ran, locked] = results;
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(JSON.parse(ran.stdout).status, 'completed');
    assert.equal(locked.code, LOCKED_EXIT_CODE, locked.stderr);
    const out = JSON.parse(locked.stdout);
    assert.equal(out.status, 'locked');
    assert.match(out.reason, /another run holds the run lock of the PostgreSQL store postgres:\/\/postgres@127\.0\.0\.1:5432\/test \(schema rw_test_\w+\) \(riskwatch run pid \d+ on .+, connected \d{4}-/);
    assert.ok(locked.ms < ran.ms, `the locked one returned first (${Math.round(locked.ms)} ms vs ${Math.round(ran.ms)} ms)`);
    // The refusal is recorded in the shared store, as the sqlite store records it.
    const runs = await pgQuery(`SELECT outcome FROM ${schema}.runs ORDER BY id`);
    assert.deepEqual(runs.rows.map((r) => r.outcome).sort(), ['completed', 'locked']);
  } finally {
    await dropSchema(schema);
  }
});

test('a run killed with SIGKILL (while frozen holding the lock) leaves no lock behind: the server drops it with the connection, the next run gets it', async () => {
  const schema = randomSchema();
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const a = machine(schema, 20000); // a run long enough (seconds) to be caught holding the lock
    const b = machine(schema);
    child = spawn(process.execPath, [BIN, '--config', a, 'run', '--log-level', 'silent'], { env, stdio: 'ignore' });
    const exited = new Promise((r) => child!.on('exit', r));
    const t0 = performance.now();
    while (!(await holdsLock(child.pid!))) {
      if (performance.now() - t0 > 15000) throw new Error('the child never took the lock');
      await new Promise((r) => setTimeout(r, 20));
    }
    // Frozen while it holds the lock (so the test does not race the run's end): a second run is refused...
    child.kill('SIGSTOP');
    const refused = cli(['--config', b, 'run', '--json'], { env: { RW_TEST_PG_URL: PG_URL } });
    assert.equal(refused.status, LOCKED_EXIT_CODE, refused.stderr);
    assert.match(refused.stderr, new RegExp(`riskwatch run pid ${child.pid} on `));
    child.kill('SIGKILL');
    await exited;
    // ...and once it is killed the next run gets the lock straight away.
    const next = cli(['--config', b, 'run', '--json'], { env: { RW_TEST_PG_URL: PG_URL } });
    assert.equal(next.status, 0, next.stderr);
    assert.notEqual(JSON.parse(next.stdout).status, 'locked');
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await dropSchema(schema);
  }
});
