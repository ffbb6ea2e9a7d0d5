/**
 * Shared by the SIGKILL tests (crash.long.test.ts on SQLite, crash-postgres.long.test.ts on
 * PostgreSQL): run the real bin, kill it at a point set by its own log lines or by a delay, tell
 * which step the kill landed in, and check what it left against an uninterrupted reference run.
 * Where the store keeps production (a file, or rows) is the backend's business (StoreBackend).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/workspace.ts';
import { BIN, capture, sha256File, type StoreBackend } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

export interface Reference {
  /** Dataset hashes a kill may leave on disk: before the run, and after it. */
  datasets: Set<string>;
  /** Model contents production may hold: before the run (if any), and after it. */
  models: string[];
  finalDataset: string;
  finalModel: string;
  /** Model versions after the uninterrupted run: a killed run's retry must not add an orphan. */
  versions: number;
}

/** What identifies a model's content (not its version name or time, which a retry reallocates). */
export function modelContent(text: string): string {
  const d = JSON.parse(text) as Record<string, unknown>;
  return JSON.stringify({ f: d.features, c: d.coefficients, i: d.intercept, m: d.medians, h: d.datasetHash });
}

export const dataFile = (dir: string) => join(dir, 'ingesteddata', 'finaldata.csv');
export const tmp = (p: string) => join(tempDir(`rw-${p}-`), 'ws');

export function runCli(dir: string, ...args: string[]) {
  const r = cli(['--config', join(dir, 'config.json'), 'run', '--json', ...args]);
  capture('log', r.stderr);
  capture('response', r.stdout);
  return r;
}

async function productionContent(backend: StoreBackend, dir: string): Promise<string | null> {
  const text = await backend.production(dir);
  return text === undefined ? null : modelContent(text);
}

/**
 * The uninterrupted run from workspace `ref` (a copy of the starting state, used up by this): what
 * it started from and what it reached.
 */
export async function reference(ref: string, args: string[], backend: StoreBackend): Promise<Reference> {
  const before = existsSync(dataFile(ref)) ? sha256File(dataFile(ref)) : null;
  const beforeModel = await productionContent(backend, ref);
  const r = runCli(ref, ...args);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'completed');
  assert.ok(out.deployed, 'the reference run deploys a new model');
  const finalDataset = sha256File(dataFile(ref));
  const finalModel = (await productionContent(backend, ref))!;
  return { datasets: new Set([before, finalDataset].filter((x): x is string => !!x)), models: [beforeModel, finalModel].filter((x): x is string => !!x), finalDataset, finalModel, versions: versionCount(ref) };
}

function versionCount(dir: string): number {
  const r = cli(['--config', join(dir, 'config.json'), 'models', '--json']);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { models: unknown[] }).models.length;
}

/** tempPathFor's names; the pid is the writer's. */
const TEMP = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Temp files in the folders a run cleans up (workspace root, data, production, models and each version's folder). */
function leftTempFiles(dir: string): string[] {
  const ls = (d: string) => (existsSync(d) ? readdirSync(d, { withFileTypes: true }) : []);
  const folders = [dir, join(dir, 'ingesteddata'), join(dir, 'production_deployment'), join(dir, 'models'), ...ls(join(dir, 'models')).filter((e) => e.isDirectory()).map((e) => join(dir, 'models', e.name))];
  return folders.flatMap((d) => ls(d).filter((e) => e.isFile() && TEMP.test(e.name)).map((e) => join(d, e.name)));
}

export interface KillPoint {
  /** Log message to wait for (regex); null: count from spawn. */
  after: RegExp | null;
  delayMs: number;
}

export const spread = (after: RegExp | null, delays: number[]): KillPoint[] => delays.map((delayMs) => ({ after, delayMs }));
export const pointName = (point: KillPoint) => (point.after ? `${point.after.source} +${point.delayMs} ms` : `spawn +${point.delayMs} ms`);

/** Spawn `run`, kill it with `signal` at the point; resolves with what it logged and how it ended. */
export async function runAndKill(dir: string, point: KillPoint, signal: NodeJS.Signals, args: string[]): Promise<{ logged: string[]; code: number | null; signal: string | null; stopMs: number | null; sawPoint: boolean }> {
  const child = spawn(process.execPath, [BIN, '--config', join(dir, 'config.json'), 'run', '--log-level', 'info', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logged: string[] = [];
  let buf = '';
  let killedAt: number | null = null;
  let sawPoint = false;
  const kill = () => {
    if (killedAt !== null) return;
    killedAt = Date.now();
    child.kill(signal);
  };
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      capture('log', line);
      try {
        const msg = String((JSON.parse(line) as { msg: string }).msg);
        logged.push(msg);
        if (point.after && !sawPoint && point.after.test(msg)) {
          sawPoint = true;
          if (point.delayMs === 0) kill();
          else setTimeout(kill, point.delayMs);
        }
      } catch {
        logged.push(line);
      }
    }
  });
  child.stdout!.resume();
  if (!point.after) setTimeout(kill, point.delayMs);
  // A run that hangs (its kill point never logged, or it never ends) fails the test after 3
  // minutes instead of hanging the suite.
  const hang = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const [code, sig] = await new Promise<[number | null, string | null]>((r) => child.on('exit', (c, s) => r([c, s])));
  clearTimeout(hang);
  assert.ok(killedAt !== null || code !== null, `the run hung: no exit within 180 s; logged ${logged.join(' | ')}`);
  return { logged, code, signal: sig, stopMs: killedAt === null ? null : Date.now() - killedAt, sawPoint };
}

/**
 * Kill a run at `point`, in a workspace `prepare` makes. Delays are fitted to a typical machine;
 * on a faster one (or a quiet one) the run can finish before a late kill lands. That is a missed
 * kill point, not a failure of the run: the kill is tried again, in a fresh workspace, halfway
 * to the step's log line (up to 4 times). A run that ends any other way before the kill — an
 * error exit — fails the test. `retries` says how many halvings it took.
 */
export async function killLanding(
  prepare: () => string,
  point: KillPoint,
  signal: NodeJS.Signals,
  args: string[],
  what: string,
  discard: (dir: string) => Promise<void> | void,
): Promise<{ dir: string; k: Awaited<ReturnType<typeof runAndKill>>; point: KillPoint; retries: number }> {
  let p = point;
  for (let retries = 0; ; retries++) {
    const dir = prepare();
    const k = await runAndKill(dir, p, signal, args);
    if (k.signal === signal) return { dir, k, point: p, retries };
    const finished = k.code === 0; // it completed before the kill landed
    if (!finished || p.delayMs === 0 || retries === 4) {
      assert.equal(k.signal, signal, `the run was still going when killed ${what}${retries ? ` (delay halved ${retries} times, to ${p.delayMs} ms)` : ''}: exit ${k.code}, logged ${k.logged.join(' | ')}`);
    }
    await discard(dir);
    p = { ...p, delayMs: Math.floor(p.delayMs / 2) };
  }
}

/** The steps a kill can land in (stageOf's answers), in run order. */
export const STAGES = ['start-up / lock / detect / ingest', 'after ingest (dataset, store, drift, train)', 'after train (score / compare)', 'after score (deploy)', 'after deploy (recording the run)'];

/** The step a kill landed in, from the last thing the run logged before it died. */
export function stageOf(logged: string[]): string {
  const last = [...logged].reverse().find((m) => /^(ingested|trained|scored|deployed|run \d+)/.test(m));
  if (!last) return STAGES[0];
  if (last.startsWith('ingested')) return STAGES[1];
  if (last.startsWith('trained')) return STAGES[2];
  if (last.startsWith('scored')) return STAGES[3];
  // After the deployment the run logs its result, then records it and releases the lock.
  return STAGES[4];
}

/** Checks after a kill, before anything repairs it (production as the first backend keeps it). */
export async function checkAfterKill(dir: string, ref: Reference, what: string, backends: StoreBackend[]): Promise<void> {
  for (const backend of backends) assert.deepEqual(await backend.integrity(dir), [], `${backend.name} store integrity ${what}`);
  const prod = await productionContent(backends[0], dir);
  if (prod !== null) assert.ok(ref.models.includes(prod), `production is a recorded model ${what}`);
  if (existsSync(dataFile(dir))) assert.ok(ref.datasets.has(sha256File(dataFile(dir))), `dataset is a recorded dataset ${what}`);
}

/** The next run completes the work, to exactly the reference's state; a third has nothing to do. */
export async function checkNextRunCompletes(dir: string, ref: Reference, what: string, args: string[], backends: StoreBackend[]): Promise<void> {
  const next = runCli(dir, ...args);
  // Exit 3: the killed run's lock was not released (the kernel's file lock, the server's advisory lock).
  assert.notEqual(next.status, 3, `the killed run's lock is released ${what}: ${next.stdout}`);
  assert.equal(next.status, 0, `next run ${what}: ${next.stderr}`);
  assert.ok(['completed', 'noop'].includes(JSON.parse(next.stdout).status));
  for (const backend of backends) assert.deepEqual(await backend.integrity(dir), [], `integrity after the next run ${what}`);
  // What the kill left is cleaned up: no run left `running`, no temp file of the dead process,
  // and no orphan version (a version the killed run trained is reused, not trained again).
  const runs = (JSON.parse(cli(['--config', join(dir, 'config.json'), 'runs', '--json']).stdout) as { runs: Array<{ id: number; status: string }> }).runs;
  assert.deepEqual(runs.filter((r) => r.status === 'running').map((r) => r.id), [], `no run left running after the next run ${what}`);
  assert.deepEqual(leftTempFiles(dir), [], `no temp file left after the next run ${what}`);
  assert.equal(versionCount(dir), ref.versions, `as many model versions as the uninterrupted run made ${what}`);
  assert.equal(sha256File(dataFile(dir)), ref.finalDataset, `dataset after the next run ${what}`);
  assert.equal(await productionContent(backends[0], dir), ref.finalModel, `production after the next run ${what}`);
  const again = runCli(dir, ...args);
  assert.equal(JSON.parse(again.stdout).status, 'noop', `a third run has nothing to do ${what}`);
}
