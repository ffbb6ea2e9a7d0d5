/**
 * A command other than `run` killed with SIGKILL (issue 13 item 14): `train`, `ingest`, `score`…
 * take no run lock, so only `run`'s own records used to be closed; a killed `ingest` stayed
 * `running` in `runs` forever. Every run record now keeps its process id and host, and any command
 * that records a run closes as `interrupted` this host's `running` records whose process is gone.
 *
 * Deterministic kill point: the workspace reads a PostgreSQL source whose table the test holds
 * locked, so `ingest` waits on it (timeout_ms 120 s) after writing its run record; the test sees
 * that record `running` (its own `runs` commands leave a live process's record alone), kills the
 * ingest, and any next command closes the record. Both stores.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { cli, makeWorkspace } from '../helpers/workspace.ts';
import { dropSchema, PG_URL, pgQuery, randomSchema } from '../helpers/postgres.ts';
import { BIN } from './helpers.ts';

const schemas: string[] = [];
after(async () => {
  for (const s of schemas) await dropSchema(s);
});

interface Run { id: number; command: string; status: string; outcome: string | null; error: string | null }
const runs = (config: string): Run[] => {
  const r = cli(['--config', config, 'runs', '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).runs;
};

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend} store: a SIGKILLed ingest is recorded interrupted by the next command, a live one is left running`, async () => {
    const src = randomSchema('rw_killed_src');
    schemas.push(src);
    await pgQuery(`CREATE SCHEMA ${src}; CREATE TABLE ${src}.clients (corporation TEXT, lastmonth_activity INTEGER, lastyear_activity INTEGER, number_of_employees INTEGER, exited INTEGER);
      INSERT INTO ${src}.clients VALUES ('a', 1, 10, 3, 1), ('b', 40, 300, 8, 0)`);
    const storeSchema = randomSchema('rw_killed_store');
    if (backend === 'postgres') schemas.push(storeSchema);
    const store = backend === 'postgres' ? { store: { type: 'postgres', url: PG_URL, schema: storeSchema } } : {};
    const ws = makeWorkspace({ sources: [{ type: 'postgres', url: PG_URL, table: `${src}.clients`, timeout_ms: 120_000 }], ...store });

    const lock = new pg.Client({ connectionString: PG_URL });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query(`LOCK TABLE ${src}.clients IN ACCESS EXCLUSIVE MODE`);
    const child = spawn(process.execPath, [BIN, '--config', ws.config, 'ingest', '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      // The ingest's record appears while it waits for the table; `runs` (a command recording a
      // run of its own) must leave it running: its process is alive.
      let record: Run | undefined;
      for (let i = 0; i < 600 && !record; i++) {
        record = runs(ws.config).find((r) => r.command === 'ingest' && r.status === 'running');
        if (!record) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(record, `the ingest never recorded its run: ${stderr}`);
      assert.equal(child.exitCode, null, `the ingest is still waiting: ${stderr}`);
      assert.equal(runs(ws.config).find((r) => r.id === record!.id)!.status, 'running', 'a live process\'s run stays running');

      child.kill('SIGKILL');
      await exited;
      assert.equal(child.signalCode, 'SIGKILL');
      await lock.query('ROLLBACK');

      // Any command: `models` records a run, so it closes the killed one.
      const next = cli(['--config', ws.config, 'models', '--json']);
      assert.equal(next.status, 0, next.stderr);
      assert.match(next.stderr, new RegExp(`ingest ${record.id} ended without finishing \\(killed\\?\\): recorded as interrupted \\(its process ${child.pid} is gone\\)`));
      const was = runs(ws.config).find((r) => r.id === record!.id)!;
      assert.deepEqual([was.status, was.outcome, was.error], ['failed', 'interrupted', 'interrupted: the process ended before the run finished (killed?)']);
      assert.deepEqual(runs(ws.config).filter((r) => r.status === 'running').map((r) => r.command), [], 'nothing left running');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await lock.end();
    }
  });
}
