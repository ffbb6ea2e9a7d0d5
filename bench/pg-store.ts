/**
 * PostgreSQL store figures beside the SQLite store's, whole CLI commands (process start included),
 * median (min) of N runs:
 *  - `models --json` (open + migration check + one read);
 *  - `run` with no new data;
 *  - a first full `run` on 10,000 clients × 6 months (ingest, train, score, deploy);
 *  - a second `run` refused because another machine holds the run lock (exit 3);
 * and, in one process, how long a server on machine B takes to serve a model deployed on
 * machine A (default 500 ms poll of the deployments table), over 10 deploys.
 * Needs PostgreSQL at RISKWATCH_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Run: node scripts/build.mjs && node --import tsx bench/pg-store.ts   Prints JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { simulate } from '../src/simulate/generate.ts';
import { loadConfig } from '../src/config/load.ts';
import { makeContext } from '../src/context.ts';
import { openStore } from '../src/store/open.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { deploy } from '../src/model/deploy.ts';
import { ModelHolder } from '../src/server/model-holder.ts';
import { productionSource } from '../src/registry/production.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist', 'cli', 'riskwatch.mjs');
const PG_URL = process.env.RISKWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const env = { ...process.env, RW_BENCH_PG_URL: PG_URL };

function workspace(store: 'sqlite' | 'postgres', schema: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rw-pgbench-')), 'ws');
  simulate({ out: dir, clients: 10_000, months: 6, seed: 7 });
  const configPath = join(dir, 'config.json');
  if (store === 'postgres') {
    const cfg = JSON.parse(readFileSync(configPath, 'utf8'));
    cfg.store = { type: 'postgres', url_env: 'RW_BENCH_PG_URL', schema };
    writeFileSync(configPath, JSON.stringify(cfg));
  }
  return configPath;
}

function once(args: string[], expect = 0): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args, '--log-level', 'warn'], { encoding: 'utf8', env });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== expect) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return s;
}

function stats(t: number[]): string {
  const s = [...t].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)].toFixed(3)} s (${s[0].toFixed(3)} s)`;
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}

const out: Record<string, Record<string, string>> = {};
const schemas: string[] = [];
try {
  for (const store of ['sqlite', 'postgres'] as const) {
    const r: Record<string, string> = {};
    const firstRuns: number[] = [];
    let config = '';
    for (let i = 0; i < 3; i++) {
      const schema = `rw_bench_${process.pid}_${i}`;
      schemas.push(schema);
      config = workspace(store, schema);
      firstRuns.push(once(['--config', config, 'run', '--json']));
    }
    r['first run, 10,000 clients × 6 months (3 runs)'] = stats(firstRuns);
    r['run, no new data (7 runs)'] = stats(Array.from({ length: 7 }, () => once(['--config', config, 'run', '--json'])));
    r['models --json (7 runs)'] = stats(Array.from({ length: 7 }, () => once(['--config', config, 'models', '--json'])));
    if (store === 'postgres') {
      const holder = new PostgresStore({ url: PG_URL, schema: schemas[schemas.length - 1] });
      const lock = await holder.tryRunLock('bench');
      r['run refused by the lock, exit 3 (7 runs)'] = stats(Array.from({ length: 7 }, () => once(['--config', config, 'run', '--json'], 3)));
      if ('lock' in lock) await lock.lock.release();
      await holder.close();
    }
    out[store] = r;
  }

  // Deploy on A, served on B: a ModelHolder on a second store connection polls every 500 ms.
  const schema = schemas[schemas.length - 1];
  const config = workspace('postgres', schema);
  // A second version to switch between (this workspace's own ingest, then train).
  once(['--config', config, 'ingest', '--json']);
  once(['--config', config, 'train', '--json']);
  process.env.RW_BENCH_PG_URL = PG_URL;
  const cfg = loadConfig(config);
  const a = makeContext(cfg, await openStore(cfg));
  const b = makeContext(cfg, await openStore(cfg));
  const holder = new ModelHolder(productionSource(b));
  await holder.start();
  const versions = (await a.store.listModels()).map((m) => m.version);
  if (versions.length < 2) throw new Error(`expected two versions, got ${versions.join(', ')}`);
  const lat: number[] = [];
  for (let i = 0; i < 10; i++) {
    const target = versions.find((x) => x !== holder.current?.version)!;
    const t0 = performance.now();
    await deploy(a, target);
    while (holder.current?.version !== target) await new Promise((r) => setTimeout(r, 5));
    lat.push((performance.now() - t0) / 1000);
    await new Promise((r) => setTimeout(r, 137 * (i + 1) % 500));
  }
  holder.stop();
  await a.store.close();
  await b.store.close();
  out.postgres['deploy on A → served on B (10 deploys, 500 ms poll)'] = stats(lat);
} finally {
  for (const s of schemas) await dropSchema(s);
}
console.log(JSON.stringify({ node: process.version, load: (await import('node:os')).loadavg(), results: out }, null, 2));
