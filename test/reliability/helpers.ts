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
 * runs). A backend names how to configure a workspace for it and how to check its integrity.
 * The PostgreSQL backend joins this list when its store lands.
 */
export interface StoreBackend {
  name: string;
  /** Extra config keys for a workspace on this backend. */
  config(): Record<string, unknown>;
  /** Problems found in the store of workspace `dir` (empty: consistent). */
  integrity(dir: string): string[];
}

export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  config: () => ({}),
  integrity: (dir) => sqliteIntegrity(dir),
};

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
  const db = new Database(path, { readonly: true, fileMustExist: true });
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
