/**
 * What a SIGKILLed run leaves, and what the next run makes of it (issue 13 item 14):
 * - the killed run's record was `running` forever: the next run (holding the run lock, so the
 *   only run alive) records it `interrupted`;
 * - `.finaldata.csv.<pid>.*.tmp` files stayed after the next successful run: it removes the temp
 *   files of processes that are gone, and keeps a live process's;
 * - a kill right after training made the next run train an identical version again and deploy
 *   it, leaving an orphan; `train` twice did the same: a version fitted on the same dataset, rows
 *   and config is reused (`reused: true`), never made twice;
 * - a 7-row model was deployed: a version trained on fewer rows than model.min_training_rows is
 *   never deployed (run, deploy and rollback refuse it with the reason).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { cli, HEADER, makeWorkspace, SEED } from '../helpers/workspace.ts';
import { BIN } from './helpers.ts';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
function workspace(): { dir: string; config: string } {
  const root = mkdtempSync(join(tmpdir(), 'rw-after-kill-'));
  made.push(root);
  const dir = join(root, 'ws');
  simulate({ out: dir, clients: 3000, months: 3, seed: 4 });
  return { dir, config: join(dir, 'config.json') };
}
const json = (config: string, ...args: string[]) => {
  const r = cli(['--config', config, ...args, '--json']);
  return { ...r, json: JSON.parse(r.stdout) };
};

/** Start `run` and SIGKILL it once it has logged a line matching `at`. */
async function killRunAfter(config: string, at: RegExp): Promise<void> {
  const child = spawn(process.execPath, [BIN, '--config', config, 'run', '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let seen = '';
  const killed = new Promise<void>((resolve) => {
    child.stderr!.on('data', (b: Buffer) => {
      seen += b.toString();
      if (at.test(seen)) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
  const hang = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await killed;
  clearTimeout(hang);
  assert.equal(child.signalCode, 'SIGKILL', `the run was killed, not finished: ${seen.slice(-500)}`);
}

const TEMP = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && TEMP.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

test('a killed run is recorded interrupted by the next; temp files of dead processes are removed, a live one kept', async () => {
  const ws = workspace();
  await killRunAfter(ws.config, /"msg":"ingested /);
  const killed = json(ws.config, 'runs').json.runs[0];
  assert.deepEqual([killed.command, killed.status], ['run', 'running'], 'precondition: the killed run is left running');

  // Temp files as a write killed before its rename leaves them: of a process that is gone, and
  // of one still running (this test) which must be left alone.
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  const deadData = join(ws.dir, 'ingesteddata', `.finaldata.csv.${gone}.0badf00d.tmp`);
  const deadModel = join(ws.dir, 'models', `.latestscore.txt.${gone}.deadbeef.tmp`);
  const live = join(ws.dir, 'ingesteddata', `.finaldata.csv.${process.pid}.cafebabe.tmp`);
  for (const p of [deadData, deadModel, live]) {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, 'partial');
  }

  const next = json(ws.config, 'run');
  assert.equal(next.status, 0, next.stderr);
  assert.equal(next.json.status, 'completed');
  const runs = json(ws.config, 'runs').json.runs as Array<{ id: number; status: string; outcome: string; error: string }>;
  const was = runs.find((r) => r.id === killed.id)!;
  assert.deepEqual([was.status, was.outcome], ['failed', 'interrupted']);
  assert.match(was.error, /^interrupted: the process ended before the run finished/);
  assert.equal(runs.filter((r) => r.status === 'running').length, 0, 'no run left running');
  assert.match(next.stderr, new RegExp(`run ${killed.id} ended without finishing \\(killed\\?\\): recorded as interrupted`));
  assert.deepEqual(tempFiles(ws.dir), [live], 'only the live process\'s temp file is left');
});

test('train twice on the same dataset and config reuses the version; a run after a training deploys it, no orphan', () => {
  const ws = workspace();
  assert.equal(cli(['--config', ws.config, 'ingest']).status, 0);
  const first = json(ws.config, 'train');
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.json.reused, false);
  const second = json(ws.config, 'train');
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual([second.json.version, second.json.reused, second.json.trainingRows, second.json.intercept], [first.json.version, true, first.json.trainingRows, first.json.intercept]);
  assert.match(cli(['--config', ws.config, 'train']).stdout, new RegExp(`^${first.json.version} was already trained on this dataset .* reused, no new version`));
  // As after a run killed right after training: the next run reuses that version and deploys it.
  const run = json(ws.config, 'run');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.json.deployed, first.json.version);
  const models = json(ws.config, 'models').json;
  assert.deepEqual(models.models.map((m: { version: string }) => m.version), [first.json.version], 'one version, no orphan');
  // Another config is another model: a different C trains a new version.
  const cfg = JSON.parse(readFileSync(ws.config, 'utf8'));
  writeFileSync(ws.config, JSON.stringify({ ...cfg, model: { ...(cfg.model ?? {}), C: 0.5 } }));
  const other = json(ws.config, 'train');
  assert.equal(other.json.reused, false);
  assert.notEqual(other.json.version, first.json.version);
});

test('a model trained on fewer rows than model.min_training_rows is never deployed', () => {
  const ws = makeWorkspace();
  made.push(ws.dir);
  cpSync(join(SEED, 'testdata'), ws.test, { recursive: true });
  const rows = ['a,1,10,3,1', 'b,40,300,8,0', 'c,2,20,4,1', 'd,55,500,9,0', 'e,3,5,2,1', 'f,70,800,12,0', 'g,60,650,10,0'];
  writeFileSync(join(ws.source, 'few.csv'), `${HEADER}\n${rows.join('\n')}\n`);
  const run = json(ws.config, 'run');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.json.deployed, null);
  assert.match(run.json.reason, /^v1 was trained on 7 rows, fewer than model\.min_training_rows \(20\): not deployed; waiting for more data$/);
  const dep = json(ws.config, 'deploy', 'v1');
  assert.equal(dep.status, 1);
  assert.equal(dep.json.error.message, 'v1 was trained on 7 rows, fewer than model.min_training_rows (20): not deployed');
  assert.equal(dep.stderr.trim().split('\n').filter((l) => l.startsWith('riskwatch:')).length, 1);
  assert.ok(!existsSync(join(ws.dir, 'production_deployment', 'model.json')), 'nothing in production');
  // The next tick neither deploys nor makes another 7-row version.
  const again = json(ws.config, 'run');
  assert.equal(again.json.deployed, null);
  assert.deepEqual(json(ws.config, 'models').json.models.map((m: { version: string }) => m.version), ['v1']);
});
