/**
 * The monitoring issue's figures, as whole CLI commands (process start included), median of 5:
 *  - drift of 1,000,000 new rows against a model trained on 1,000,000 rows (3 features);
 *  - a `run` with no new data;
 *  - a first full `run` on 10,000 clients (ingest, train, score, deploy) and a run that retrains
 *    after a concept change (ingest, drift, train, champion/challenger, deploy).
 * Run: node --import tsx bench/pipeline.ts   (needs bench/out/clients-1000000-s42.csv: npm run bench
 * generates it). Prints JSON.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendMonths, simulate } from '../src/simulate/generate.ts';
import { workspaceConfig } from '../src/config/workspace-config.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist', 'cli', 'riskwatch.mjs');
const OUT = join(ROOT, 'bench', 'out', 'pipeline');
const BIG = join(ROOT, 'bench', 'out', 'clients-1000000-s42.csv');

function time(args: string[], runs = 5, before?: () => void): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...args, '--log-level', 'warn'], { encoding: 'utf8' });
    t.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

if (!existsSync(BIG)) throw new Error(`${BIG} missing: run npm run bench first`);
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// 1M-row reference.
const big = join(OUT, 'big');
mkdirSync(join(big, 'sourcedata'), { recursive: true });
mkdirSync(join(big, 'testdata'), { recursive: true });
cpSync(BIG, join(big, 'sourcedata', 'clients.csv'));
writeFileSync(join(big, 'testdata', 'testdata.csv'), 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\na,1,100,5,1\nb,100,1200,40,0\n');
writeFileSync(join(big, 'config.json'), JSON.stringify(workspaceConfig()));
const bc = ['--config', join(big, 'config.json')];
for (const cmd of ['ingest', 'train', 'deploy']) time([...bc, cmd], 1);
const drift = time([...bc, 'drift', '--data', BIG, '--json']);

// 10,000 clients.
const small = join(OUT, 'small');
const sc = ['--config', join(small, 'config.json')];
const firstRun = time([...sc, 'run'], 5, () => {
  rmSync(small, { recursive: true, force: true });
  simulate({ out: small });
});
const noop = time([...sc, 'run']);
// A concept-drift month on a fresh copy of the deployed workspace each time: the run ingests,
// finds model drift, retrains, compares champion and challenger, and decides.
const retrains: number[] = [];
let retrained = 0;
for (let i = 0; i < 5; i++) {
  const ws = join(OUT, `retrain-${i}`);
  cpSync(small, ws, { recursive: true });
  appendMonths({ out: ws, scenario: 'concept', months: 1 });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--config', join(ws, 'config.json'), 'run', '--json', '--log-level', 'warn'], { encoding: 'utf8' });
  retrains.push((performance.now() - t0) / 1000);
  if (JSON.parse(r.stdout).retrained) retrained++;
}
const retrain = retrains.sort((a, b) => a - b)[2];
console.log(JSON.stringify({ driftMillionVsMillion: drift, firstRun10k: firstRun, noopRun: noop, concept10kRunWithRetrain: retrain, retrainedIn: `${retrained}/5` }, null, 2));
