/**
 * Database sources and scoring inside the database, against the real PostgreSQL server.
 *
 *   npm run bench:sources                  # 1,000,000 rows
 *   npm run bench:sources -- --rows 100000 # quick check
 *
 * Options: --rows N (1000000)  --runs R (3 full ingests; 5 incremental)  --keep (leave the schema)
 * Env: RISKWATCH_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
 *
 * What it does, in one schema of its own (dropped at the end):
 *  1. a table like the seed's files plus a bigserial watermark, N rows made by generate_series
 *     (deterministic values, ~1% NULL cells, ~2% repeated rows) and ANALYZEd;
 *  2. full ingest: a fresh workspace whose only source is that table (watermark id), `ingest()`
 *     in this process, R runs, each from an empty workspace; then once as a whole CLI process;
 *  3. incremental: after a full ingest, 1,000 new rows are inserted and `ingest()` timed (R runs);
 *     the source's read alone (connect, watermark, COPY, parse) is timed too, and `run`'s
 *     check for new rows when there are none;
 *  4. scoring: train and deploy a model on the ingested dataset, create the `export --format sql`
 *     view over the table, time `SELECT sum(probability), count(*)` over all N rows and
 *     `CREATE TABLE ... AS SELECT * FROM view`; beside `predict()` on finaldata.csv (N rows, with
 *     --out) in this process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config/load.ts';
import { makeContext } from '../src/context.ts';
import { openStore } from '../src/store/open.ts';
import { workspaceConfig } from '../src/config/workspace-config.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { train } from '../src/model/train.ts';
import { deploy } from '../src/model/deploy.ts';
import { predict } from '../src/model/predict.ts';
import { loadModel } from '../src/model/fitted-model.ts';
import { resolveModel } from '../src/model/resolve.ts';
import { trainingSchema } from '../src/data/columns.ts';
import { DatasetBuilder } from '../src/data/dataset.ts';
import { PostgresSource } from '../src/data/sources/postgres-source.ts';
import { median } from './median.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROWS = arg('--rows', 1_000_000);
const RUNS = arg('--runs', 3);
const KEEP = process.argv.includes('--keep');
const PG_URL = process.env.RISKWATCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROOT = new URL('..', import.meta.url).pathname;

const fmt = (xs: number[]) => `${median(xs).toFixed(3)} s (min ${Math.min(...xs).toFixed(3)}, runs ${xs.map((x) => x.toFixed(3)).join(', ')})`;

const schema = `rw_bench_${randomBytes(4).toString('hex')}`;
const table = `${schema}.clients`;
const client = new pg.Client({ connectionString: PG_URL });
await client.connect();
const results: Record<string, unknown> = { rows: ROWS, startedAt: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, loadStart: loadavg()[0], node: process.version };
console.log(`bench:sources — ${ROWS} rows, schema ${schema}, load ${loadavg()[0].toFixed(2)}`);

/** Rows i in [from, to): deterministic counts, ~1% NULL cells, every 50th row repeating the one before. */
async function fill(from: number, to: number): Promise<void> {
  await client.query(`
    INSERT INTO ${table} (corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited)
    SELECT 'c' || k,
           CASE WHEN k % 97 = 0 THEN NULL ELSE (k * 7919) % 400 END,
           CASE WHEN k % 89 = 0 THEN NULL ELSE (k * 104729) % 3000 END,
           (k * 31) % 900,
           CASE WHEN ((k * 7919) % 400) + ((k * 31) % 900) / 3 > 380 THEN 1 ELSE 0 END
    FROM (SELECT CASE WHEN i % 50 = 0 AND i > 0 THEN i - 1 ELSE i END AS k FROM generate_series(${from}::bigint, ${to - 1}::bigint) AS i) s`);
}

const workspaces: string[] = [];
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'riskwatch-bench-src-'));
  workspaces.push(dir);
  for (const d of ['sourcedata', 'testdata']) spawnSync('mkdir', ['-p', join(dir, d)]);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(workspaceConfig({ sources: [{ type: 'postgres', name: 'crm', url: PG_URL, table, watermark: 'id', timeout_ms: 60000 }] } as never)));
  return join(dir, 'config.json');
}
async function ctxFor(config: string) {
  const c = loadConfig(config);
  return makeContext(c, await openStore(c));
}

try {
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, corporation text NOT NULL, lastmonth_activity integer, lastyear_activity integer, number_of_employees integer, exited smallint)`);
  let t = performance.now();
  await fill(0, ROWS);
  await client.query(`ANALYZE ${table}`);
  console.log(`table filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // 2. full ingest
  const full: number[] = [];
  let lastConfig = '';
  for (let r = 0; r < RUNS; r++) {
    lastConfig = workspace();
    const ctx = await ctxFor(lastConfig);
    t = performance.now();
    const res = await ingest(ctx);
    full.push((performance.now() - t) / 1000);
    if (r === 0) console.log(`  full ingest: ${res.sources[0].rowsRead} read, ${res.rowsAdded} added, ${res.duplicatesDropped} duplicates, status ${res.sources[0].status}`);
    await ctx.store.close();
  }
  results.fullIngest = full;
  console.log(`full ingest of ${ROWS} rows (in-process): ${fmt(full)}`);

  const cliConfig = workspace();
  t = performance.now();
  const cli = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', cliConfig, '--json', 'ingest'], { encoding: 'utf8' });
  const cliS = (performance.now() - t) / 1000;
  if (cli.status !== 0) throw new Error(cli.stderr);
  results.fullIngestCli = cliS;
  console.log(`full ingest as a whole CLI process: ${cliS.toFixed(3)} s`);

  // 3. incremental: 1,000 new rows on top of the table
  const incr: number[] = [];
  const readOnly: number[] = [];
  const ctx = await ctxFor(lastConfig);
  let next = ROWS;
  for (let r = 0; r < 5; r++) {
    await fill(next, next + 1000);
    next += 1000;
    // the source's read alone, from the recorded watermark, into a scratch builder
    const state = (await ctx.store.latestSourceReads()).find((s) => s.source === 'crm')!;
    const src = new PostgresSource({ name: 'crm', url: PG_URL, table, watermark: 'id', timeoutMs: 60000 });
    t = performance.now();
    const got = await src.read(state, trainingSchema(ctx.config), new DatasetBuilder(ctx.config.features), undefined);
    readOnly.push((performance.now() - t) / 1000);
    if (got.rowsRead !== 1000) throw new Error(`expected 1000 new rows, read ${got.rowsRead}`);
    t = performance.now();
    const res = await ingest(ctx);
    incr.push((performance.now() - t) / 1000);
    if (res.sources[0].rowsRead !== 1000) throw new Error(`incremental ingest read ${res.sources[0].rowsRead}`);
  }
  // the same as whole CLI processes (process start, store open and module loading included)
  const incrCli: number[] = [];
  for (let r = 0; r < 3; r++) {
    await fill(next, next + 1000);
    next += 1000;
    t = performance.now();
    const c = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', lastConfig, '--json', 'ingest'], { encoding: 'utf8' });
    incrCli.push((performance.now() - t) / 1000);
    if (c.status !== 0) throw new Error(c.stderr);
    if (JSON.parse(c.stdout).sources[0].rowsRead !== 1000) throw new Error('CLI incremental ingest did not read 1000 rows');
  }
  results.incrementalIngestCli = incrCli;
  // what `run` asks first: anything past the watermark? (nothing new here)
  const detect: number[] = [];
  {
    const state = (await ctx.store.latestSourceReads()).find((s) => s.source === 'crm')!;
    const src = new PostgresSource({ name: 'crm', url: PG_URL, table, watermark: 'id', timeoutMs: 60000 });
    for (let r = 0; r < 5; r++) {
      t = performance.now();
      if (await src.hasNew(state)) throw new Error('expected nothing new');
      detect.push((performance.now() - t) / 1000);
    }
  }
  results.detectNothingNew = detect;
  console.log(`run's check for new rows (connect + SELECT 1 past the watermark), nothing new: ${fmt(detect)}`);
  results.incrementalIngest = incr;
  results.incrementalSourceRead = readOnly;
  console.log(`incremental ingest of 1,000 new rows (dataset ${ROWS}+): ${fmt(incr)}`);
  console.log(`  of which the PostgreSQL read (connect, watermark, COPY, parse): ${fmt(readOnly)}`);
  console.log(`incremental ingest of 1,000 new rows as a whole CLI process: ${fmt(incrCli)}`);

  // 4. scoring inside PostgreSQL vs predict
  const trained = await train(ctx);
  await deploy(ctx, trained.version);
  const doc = await resolveModel(ctx, 'production');
  const { sql } = loadModel(doc).toSql({ dialect: 'postgres', table, view: `${schema}.riskwatch_scores` });
  await client.query(sql);
  const inDb: number[] = [];
  const ctas: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    t = performance.now();
    const s = await client.query(`SELECT sum(probability) AS s, count(*) AS n FROM ${schema}.riskwatch_scores`);
    inDb.push((performance.now() - t) / 1000);
    if (Number(s.rows[0].n) !== next) throw new Error(`scored ${s.rows[0].n} rows`);
    await client.query(`DROP TABLE IF EXISTS ${schema}.scored`);
    t = performance.now();
    await client.query(`CREATE TABLE ${schema}.scored AS SELECT * FROM ${schema}.riskwatch_scores`);
    ctas.push((performance.now() - t) / 1000);
  }
  const data = join(ctx.config.outputFolder, 'finaldata.csv');
  const pred: number[] = [];
  let predRows = 0;
  for (let r = 0; r < RUNS; r++) {
    t = performance.now();
    const p = await predict(ctx, { data, out: join(ctx.config.dir, 'predictions.csv') });
    pred.push((performance.now() - t) / 1000);
    predRows = p.rows;
  }
  await ctx.store.close();
  results.sqlScoreSum = inDb;
  results.sqlScoreCreateTable = ctas;
  results.predict = pred;
  results.predictRows = predRows;
  console.log(`SQL export view, SELECT sum(probability), count(*) over ${next} rows in PostgreSQL: ${fmt(inDb)}`);
  console.log(`SQL export view, CREATE TABLE AS (scores written) over ${next} rows: ${fmt(ctas)}`);
  console.log(`predict() on finaldata.csv (${predRows} rows, --out CSV), in-process: ${fmt(pred)}`);
  results.loadEnd = loadavg()[0];
  console.log(`load average: ${(results.loadStart as number).toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
  console.log(JSON.stringify(results));
} finally {
  if (!KEEP) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
  for (const d of workspaces) rmSync(d, { recursive: true, force: true });
}
