/**
 * Shared by the reliability suite: captured logs (so every log line of the suite can be searched
 * for secrets), figures written for RELIABILITY.md, store integrity checks, and the list of store
 * backends the store-level tests iterate.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations } from '../../src/store/postgres/migrations.ts';
import { PG_URL, dropSchema, randomSchema } from '../helpers/postgres.ts';
import type { Logger } from '../../src/util/log.ts';
import { ROOT } from '../helpers/workspace.ts';

export const BIN = join(ROOT, 'dist', 'cli', 'riskwatch.mjs');
export const sha256File = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/**
 * Every log line and response body the suite captured, appended to one file per process when
 * RISKWATCH_CAPTURE_DIR is set (the secrets test greps the whole folder at the end).
 */
export function capture(kind: string, text: string): void {
  const dir = process.env.RISKWATCH_CAPTURE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${kind}-${process.pid}.log`), text.endsWith('\n') ? text : text + '\n', { flag: 'a' });
}

/** A real pino logger whose JSON lines are kept in `lines` (and captured). */
export function capturingLogger(level = 'info'): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level, base: undefined }, {
    write(s: string) {
      lines.push(JSON.parse(s) as Record<string, unknown>);
      capture('log', s);
    },
  });
  return { log, lines };
}

/**
 * Figures for RELIABILITY.md: each test file writes its own JSON into RISKWATCH_FIGURES_DIR (set
 * by `npm run test:reliability`; under plain `npm test` figures are not written).
 */
export function writeFigures(name: string, figures: Record<string, unknown>): void {
  const dir = process.env.RISKWATCH_FIGURES_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...figures, measuredAt: new Date().toISOString() }, null, 2) + '\n');
}

/**
 * Store backends the store-level reliability tests iterate (integrity after kills, concurrent
 * runs). A backend names how to configure a workspace for it, where its production model is and
 * how to check its integrity.
 */
export interface StoreBackend {
  name: string;
  /** Extra config keys for a workspace on this backend. */
  config(): Record<string, unknown>;
  /** Problems found in the store of workspace `dir` (empty: consistent). */
  integrity(dir: string): Promise<string[]>;
  /** The production model document of workspace `dir` as stored (undefined: nothing deployed). */
  production(dir: string): Promise<string | undefined>;
}

export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  config: () => ({}),
  integrity: async (dir) => sqliteIntegrity(dir),
  production: async (dir) => {
    const p = join(dir, 'production_deployment', 'model.json');
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  },
};

/**
 * Backends a test can copy a whole workspace of with its folder (cpSync). The PostgreSQL backend
 * (postgresBackend below) is not in this list: its store is a schema in the server, which a folder
 * copy does not carry, so its tests build each workspace's state themselves.
 */
export const STORE_BACKENDS: StoreBackend[] = [sqliteBackend];

/**
 * PRAGMA integrity_check and foreign_key_check, then riskwatch's own consistency: every ready
 * model version has its immutable file, every deployment names a version that exists, the
 * production file is a whole copy of a ready version, the dataset the store last recorded is a
 * real record.
 */
export function sqliteIntegrity(dir: string, dbName = 'riskwatch.db'): string[] {
  const problems: string[] = [];
  const path = join(dir, dbName);
  if (!existsSync(path)) return problems;
  // Read-write, as the next riskwatch process opens it: a kill inside the very first transaction
  // (before the file is in WAL mode) leaves a hot rollback journal, which SQLite rolls back on
  // open — a read-only connection cannot (SQLITE_READONLY_ROLLBACK).
  const db = new Database(path, { fileMustExist: true });
  try {
    const ic = db.pragma('integrity_check', { simple: true });
    if (ic !== 'ok') problems.push(`integrity_check: ${String(ic)}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk)}`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    if (!tables.has('model_versions')) {
      // Killed before the first migration committed: nothing else may exist yet.
      if (existsSync(join(dir, 'production_deployment', 'model.json'))) problems.push('production model without a migrated store');
      return problems;
    }
    const ready = db.prepare("SELECT version FROM model_versions WHERE status = 'ready'").all() as Array<{ version: string }>;
    for (const { version } of ready) if (!existsSync(join(dir, 'models', version, 'model.json'))) problems.push(`ready version ${version} has no models/${version}/model.json`);
    const known = new Set((db.prepare('SELECT version FROM model_versions').all() as Array<{ version: string }>).map((r) => r.version));
    for (const d of db.prepare('SELECT version, previous FROM deployments').all() as Array<{ version: string; previous: string | null }>) {
      if (!known.has(d.version)) problems.push(`deployment of unknown version ${d.version}`);
      if (!existsSync(join(dir, 'models', d.version, 'model.json'))) problems.push(`deployed version ${d.version} has no artifact`);
    }
    const prod = join(dir, 'production_deployment', 'model.json');
    if (existsSync(prod)) {
      const text = readFileSync(prod, 'utf8');
      let version = '';
      try {
        version = (JSON.parse(text) as { version: string }).version;
      } catch {
        problems.push('production model.json is not JSON');
      }
      if (version) {
        const v = join(dir, 'models', version, 'model.json');
        if (!existsSync(v) || readFileSync(v, 'utf8') !== text) problems.push(`production model.json is not a whole copy of models/${version}/model.json`);
        const row = db.prepare('SELECT status FROM model_versions WHERE version = ?').get(version) as { status: string } | undefined;
        if (row?.status !== 'ready') problems.push(`production version ${version} is not a ready version in the store (${row?.status ?? 'absent'})`);
      }
    }
    const running = db.prepare("SELECT COUNT(*) AS n FROM runs WHERE status = 'running'").get() as { n: number };
    void running; // a killed run stays 'running' in the history: expected, not a fault
  } finally {
    db.close();
  }
  return problems;
}

/** Schemas postgresBackend.config() handed out and dropPostgresSchemas() has not dropped yet. */
const pgSchemas = new Set<string>();

/** The PostgreSQL schema a workspace's config.json names (undefined: not a postgres workspace). */
export function workspaceSchema(dir: string): string | undefined {
  const store = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { store?: { type?: string; schema?: string } }).store;
  return store?.type === 'postgres' ? (store.schema ?? 'public') : undefined;
}

/**
 * The PostgreSQL store: each config() is a schema of its own in the test server (created by the
 * first run's migration), so workspaces never share state. Drop them with dropPostgresSchemas()
 * (an after() hook) or dropSchema(workspaceSchema(dir)).
 */
export const postgresBackend: StoreBackend = {
  name: 'postgres',
  config: () => {
    const schema = randomSchema('rw_rel');
    pgSchemas.add(schema);
    return { store: { type: 'postgres', url: PG_URL, schema } };
  },
  integrity: (dir) => postgresIntegrity(dir),
  production: async (dir) => {
    const schema = workspaceSchema(dir);
    if (!schema) return undefined;
    return withSchema(schema, async (c, tables) => {
      if (!tables.has('deployments') || !tables.has('model_artifacts')) return undefined;
      const r = await c.query(`SELECT a.content FROM ${schema}.deployments d JOIN ${schema}.model_artifacts a ON a.version = d.version AND a.name = 'model.json' ORDER BY d.id DESC LIMIT 1`);
      return r.rows[0]?.content as string | undefined;
    });
  },
};

export async function dropPostgresSchemas(): Promise<void> {
  for (const s of [...pgSchemas]) {
    await dropSchema(s);
    pgSchemas.delete(s);
  }
}

/** Run `fn` on a connection, with the tables the schema holds (empty: no such schema). */
async function withSchema<T>(schema: string, fn: (c: pg.Client, tables: Set<string>) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const t = await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [schema]);
    return await fn(c, new Set(t.rows.map((r) => r.table_name as string)));
  } finally {
    await c.end();
  }
}

/**
 * riskwatch's consistency in a PostgreSQL store, the same promises sqliteIntegrity checks, where
 * this store keeps things (model artifacts and the production pointer are rows, not files): no
 * half-applied migration; every ready model version has its whole artifacts (model.json naming
 * the version, reference.json; content matching the recorded sha256); every deployment names a
 * ready version with its model and the version deployed just before it as `previous`; production
 * (the latest deployment) is therefore a whole ready version; the dataset the store last recorded
 * is a real record (named by an ingestion or a model); a migrated store before any dataset file.
 */
export async function postgresIntegrity(dir: string): Promise<string[]> {
  const schema = workspaceSchema(dir);
  if (!schema) return [`${dir}/config.json does not name a postgres store`];
  const problems: string[] = [];
  const datasetOnDisk = existsSync(join(dir, 'ingesteddata', 'finaldata.csv'));
  await withSchema(schema, async (c, tables) => {
    const q = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows as Array<Record<string, unknown>>;
    if (!tables.has('schema_migrations')) {
      // Killed before the first migration committed (it is one transaction): nothing may exist.
      if (tables.size) problems.push(`tables without schema_migrations: ${[...tables].join(', ')}`);
      if (datasetOnDisk) problems.push('a dataset on disk but no migrated store');
      return;
    }
    const applied = (await q(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).map((r) => Number(r.version));
    const all = migrations.map((m) => m.version);
    if (JSON.stringify(applied) !== JSON.stringify(all)) problems.push(`migrations applied ${applied.join(',')}, expected ${all.join(',')}`);
    const expected = ['schema_migrations', 'ingestions', 'ingested_files', 'datasets', 'model_versions', 'scores', 'deployments', 'runs', 'source_reads', 'model_artifacts'];
    const missing = expected.filter((t) => !tables.has(t));
    if (missing.length) return void problems.push(`tables missing after the migrations: ${missing.join(', ')}`);
    const outcome = await q("SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'runs' AND column_name = 'outcome'", [schema]);
    if (!outcome.length) problems.push('runs.outcome missing (migration 2 half applied)');

    const artifacts = new Map<string, Map<string, string>>();
    for (const a of await q(`SELECT version, name, content, sha256 FROM ${schema}.model_artifacts`)) {
      const content = String(a.content);
      if (createHash('sha256').update(content).digest('hex') !== a.sha256) problems.push(`artifact ${a.version}/${a.name} does not match its sha256`);
      if (!artifacts.has(String(a.version))) artifacts.set(String(a.version), new Map());
      artifacts.get(String(a.version))!.set(String(a.name), content);
    }
    const versions = new Map((await q(`SELECT version, status, dataset_hash FROM ${schema}.model_versions`)).map((r) => [String(r.version), r]));
    for (const [version, row] of versions) {
      if (row.status !== 'ready') continue;
      const model = artifacts.get(version)?.get('model.json');
      if (model === undefined) problems.push(`ready version ${version} has no model.json artifact`);
      else {
        try {
          if ((JSON.parse(model) as { version?: string }).version !== version) problems.push(`model.json artifact of ${version} names another version`);
        } catch {
          problems.push(`model.json artifact of ${version} is not JSON`);
        }
      }
      if (!artifacts.get(version)?.has('reference.json')) problems.push(`ready version ${version} has no reference.json artifact`);
    }
    let before: string | null = null;
    for (const d of await q(`SELECT version, previous FROM ${schema}.deployments ORDER BY id`)) {
      const v = String(d.version);
      if (versions.get(v)?.status !== 'ready') problems.push(`deployment of ${v}, which is not a ready version (${String(versions.get(v)?.status ?? 'absent')})`);
      if (!artifacts.get(v)?.has('model.json')) problems.push(`deployed version ${v} has no model artifact`);
      if ((d.previous ?? null) !== before) problems.push(`deployment of ${v} names ${String(d.previous)} as previous, but ${String(before)} was in production`);
      before = v;
    }
    const [latest] = await q(`SELECT hash, rows FROM ${schema}.datasets ORDER BY seq DESC LIMIT 1`);
    if (latest) {
      if (!/^[0-9a-f]{64}$/.test(String(latest.hash)) || !(Number(latest.rows) > 0)) problems.push(`latest dataset record ${JSON.stringify(latest)} is not a dataset`);
      const named = await q(`SELECT 1 FROM ${schema}.ingestions WHERE dataset_hash = $1 UNION ALL SELECT 1 FROM ${schema}.model_versions WHERE dataset_hash = $1`, [latest.hash]);
      if (!named.length) problems.push(`latest dataset ${String(latest.hash)} is named by no ingestion and no model`);
    }
    // Every ingestion naming a dataset names a recorded one (they are written in one transaction).
    const orphans = await q(`SELECT i.id FROM ${schema}.ingestions i LEFT JOIN ${schema}.datasets d ON d.hash = i.dataset_hash WHERE i.dataset_hash IS NOT NULL AND d.hash IS NULL`);
    if (orphans.length) problems.push(`ingestions naming unrecorded datasets: ${orphans.map((r) => r.id).join(', ')}`);
  });
  return problems;
}

/**
 * Secrets the suite sets (API token, a password inside a webhook URL): built at run time so they
 * appear in no source file, and recognisable so a grep of every captured log and response finds
 * any leak. Children inherit them through the environment.
 */
export const TEST_TOKEN = (process.env.RISKWATCH_TEST_SECRET_TOKEN ??= `rwtok-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`);
export const TEST_PASSWORD = (process.env.RISKWATCH_TEST_SECRET_PASSWORD ??= `rwpw-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`);
export const TOKEN_ENV = 'RISKWATCH_TEST_SECRET_TOKEN';

/** Captured files (this process's, or all in RISKWATCH_CAPTURE_DIR) that contain a test secret. */
export function capturedSecrets(texts: string[] = []): string[] {
  const hits: string[] = [];
  const look = (where: string, text: string) => {
    for (const s of [TEST_TOKEN, TEST_PASSWORD, encodeURIComponent(TEST_PASSWORD)]) if (text.includes(s)) hits.push(`${where} holds ${s === TEST_TOKEN ? 'the API token' : 'the webhook password'}`);
  };
  texts.forEach((t, i) => look(`text ${i}`, t));
  const dir = process.env.RISKWATCH_CAPTURE_DIR;
  if (dir && existsSync(dir)) for (const f of readdirSync(dir)) look(f, readFileSync(join(dir, f), 'utf8'));
  return hits;
}
