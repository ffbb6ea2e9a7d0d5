/**
 * Crashes on the PostgreSQL store (long part): crash.long.test.ts's SIGKILLs of the real bin's
 * `run`, for a workspace whose store is a PostgreSQL schema — where the model artifacts and the
 * production pointer are rows (model_artifacts, deployments), and the run lock is the server's
 * advisory lock. A folder copy does not carry a schema, so every kill gets a schema of its own and
 * builds its starting state itself: the first-run scenario starts from the data alone; the
 * retraining scenario runs a first run to completion in that schema, then appends the same
 * concept-drift month as crash.long.test.ts. After each kill: the store is consistent
 * (postgresIntegrity), production is a whole recorded model, the dataset on disk is a recorded
 * dataset, the killed run's advisory lock is gone (the next run is not refused with exit 3), and
 * the next run completes the work to exactly the state an uninterrupted run reaches.
 * Reports are switched off in these workspaces (the reference's too) to keep runs short.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { dropSchema } from '../helpers/postgres.ts';
import { BIN, dropPostgresSchemas, postgresBackend, workspaceSchema, writeFigures } from './helpers.ts';
import { STAGES, checkAfterKill, checkNextRunCompletes, killLanding, pointName, reference, runCli, spread, stageOf, tmp, type KillPoint, type Reference } from './kill.ts';

const BACKENDS = [postgresBackend];
// --margin 1: the challenger is deployed whatever its F1, so the retraining run always deploys.
const RETRAIN_ARGS = ['--margin', '1'];

let dataBase: string; // six months of data, no store yet
let firstRef: Reference;
let retrainRef: Reference;
const folders: string[] = [];

/** A workspace of the data alone, on a fresh schema of its own. */
function pgWorkspace(): string {
  const dir = tmp('crash-pg');
  folders.push(join(dir, '..'));
  cpSync(dataBase, dir, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, ...postgresBackend.config(), report: { enabled: false } }, null, 2) + '\n');
  return dir;
}

/** A model in production (a first run to completion), then a month where who leaves changed. */
function retrainStart(dir: string): void {
  const first = runCli(dir);
  assert.equal(first.status, 0, first.stderr);
  const r = spawnSync(process.execPath, [BIN, 'simulate', '--out', dir, '--scenario', 'concept', '--append', '1', '--rows-per-month', '8000'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

const SCENARIOS = {
  'first run': { args: [] as string[], start: (_dir: string) => {} },
  'retraining run': { args: RETRAIN_ARGS, start: retrainStart },
};

before(async () => {
  dataBase = tmp('crash-pg-data');
  folders.push(join(dataBase, '..'));
  simulate({ out: dataBase, clients: 40_000, months: 6, seed: 11 });
  firstRef = await reference(pgWorkspace(), [], postgresBackend);
  const dir = pgWorkspace();
  retrainStart(dir);
  retrainRef = await reference(dir, RETRAIN_ARGS, postgresBackend);
});

// Every schema this file made, whatever failed: the test server outlives the test.
after(async () => {
  await dropPostgresSchemas();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

// Delays fitted to a run on this store with reports off (the first run: ~0.4 s ingest, ~0.3 s
// train, then score and deploy in tens of ms; the retraining run: ~0.6 s from ingest to trained),
// so kills land in every step; stageOf says where each one did land.
const FIRST_POINTS: KillPoint[] = [
  ...spread(null, [0, 200, 400, 600]),
  ...spread(/^ingested /, [0, 5, 40, 120, 220]),
  ...spread(/^trained v/, [0, 2, 8]),
  ...spread(/^scored v/, [0, 2]),
  ...spread(/^deployed v/, [0, 1, 2]),
];
const RETRAIN_POINTS: KillPoint[] = [
  ...spread(null, [0, 400]),
  ...spread(/^ingested /, [0, 10, 60, 200, 400]),
  ...spread(/^trained v/, [0, 3]),
  ...spread(/^deployed v/, [0, 1]),
];

const survived: Array<{ scenario: string; point: string; stage: string; retries: number }> = [];

for (const [scenario, points] of [
  ['first run', FIRST_POINTS],
  ['retraining run', RETRAIN_POINTS],
] as const) {
  test(`PostgreSQL store: SIGKILL at ${points.length} points of a ${scenario}: consistent after each kill, lock released, the next run completes the work`, async () => {
    const { args, start } = SCENARIOS[scenario];
    const ref = scenario === 'first run' ? firstRef : retrainRef;
    for (const point of points) {
      const what = `(postgres, ${scenario}, killed ${point.delayMs} ms after ${point.after ? point.after.source : 'spawn'})`;
      const prepare = () => {
        const dir = pgWorkspace();
        start(dir);
        return dir;
      };
      const discard = async (dir: string) => {
        await dropSchema(workspaceSchema(dir)!);
        rmSync(join(dir, '..'), { recursive: true, force: true });
      };
      const { dir, k, point: landed, retries } = await killLanding(prepare, point, 'SIGKILL', args, what, discard);
      try {
        await checkAfterKill(dir, ref, what, BACKENDS);
        await checkNextRunCompletes(dir, ref, what, args, BACKENDS);
        survived.push({ scenario, point: pointName(landed), stage: stageOf(k.logged), retries });
      } finally {
        await discard(dir);
      }
    }
  });
}

test('PostgreSQL store: kills covered every step', () => {
  const stages = new Set(survived.map((s) => s.stage));
  writeFigures('crash-postgres', {
    kills: survived.length,
    delaysHalved: survived.reduce((n, s) => n + s.retries, 0),
    byScenario: Object.fromEntries(Object.keys(SCENARIOS).map((s) => [s, survived.filter((x) => x.scenario === s).length])),
    byStage: Object.fromEntries([...stages].map((s) => [s, survived.filter((x) => x.stage === s).length])),
    backends: BACKENDS.map((b) => b.name),
  });
  assert.ok(survived.length >= 20, `${survived.length} kills survived`);
  for (const s of STAGES) assert.ok(stages.has(s), `a kill landed ${s}: saw ${[...stages].join(', ')}`);
});
