import type Database from 'better-sqlite3';
import { makeDirSync } from '../../util/make-dir.js';
import { dirname } from 'node:path';
import { openDatabase } from './open-database.js';
import { migrations } from './migrations.js';
import type {
  DatasetRecord,
  DeploymentRecord,
  IngestedFileRecord,
  IngestionRecord,
  ModelRecord,
  RecordOwner,
  CommandRecord,
  ScoreRecord,
  SourceReadRecord,
  Store,
} from '../types.js';
import { thisProcess } from '../record-owner.js';
import { toDataset, toDeployment, toFile, toModel, toScore, toSourceRead, type Row } from '../rows.js';
import { BusyError } from '../../util/errors.js';

/** 30 s, or for tests only RISKWATCH_TEST_SQLITE_BUSY_MS (so a test of the busy path need not wait 30 s). */
function busyTimeoutMs(): number {
  const v = Number(process.env.RISKWATCH_TEST_SQLITE_BUSY_MS);
  return Number.isInteger(v) && v > 0 ? v : 30_000;
}

/**
 * SQLITE_BUSY (and its extended codes) once the timeout has passed: another process — riskwatch
 * commands all write their command record here — has held a write transaction all that time. One
 * line naming the file and what to do, instead of better-sqlite3's bare "database is locked".
 */
function explainBusy(store: SqliteStore, err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) return err;
  const waited = store.busyTimeoutMs >= 1000 ? `${store.busyTimeoutMs / 1000} s` : `${store.busyTimeoutMs} ms`;
  return new BusyError(`${store.path}: the store is locked: another riskwatch process has held a write on it for more than ${waited}; run this again when that command has finished (\`riskwatch runs\` lists the running ones)`);
}


/** The default store: one SQLite file in the workspace, WAL mode, every write in a transaction. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  /** How long a statement waits for another connection's write before SQLITE_BUSY. */
  readonly busyTimeoutMs: number;

  constructor(readonly path: string) {
    makeDirSync(dirname(path));
    // Opening costs loading the native addon on first use (the dlopen of a 2 MB library), not the
    // pragmas (journal_mode = WAL takes a few ms, and only on a new file). See open-database.ts.
    // Wait up to 30 s for another process's write (every command records itself here). With the
    // 5 s default an ingest failed with "database is locked" while other commands polled the same
    // store, under the reliability suite's load (writes fsync: synchronous = FULL). Given at open,
    // so switching a new file to WAL waits too.
    this.busyTimeoutMs = busyTimeoutMs();
    this.db = openDatabase(path, { timeout: this.busyTimeoutMs });
    try {
      this.db.pragma('journal_mode = WAL');
    } catch (err) {
      throw explainBusy(this, err);
    }
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    // BEGIN IMMEDIATE: two processes starting at once serialise here instead of both migrating.
    const apply = this.db.transaction(() => {
      const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version as number));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      }
    });
    apply.immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async latestFileRecords(): Promise<IngestedFileRecord[]> {
    const rows = this.db
      .prepare('SELECT f.* FROM ingested_files f JOIN (SELECT name, MAX(id) AS id FROM ingested_files GROUP BY name) l ON l.id = f.id ORDER BY f.name')
      .all() as Row[];
    return rows.map(toFile);
  }

  async recordIngestion(ing: IngestionRecord, files: IngestedFileRecord[], dataset: DatasetRecord | null, sources: SourceReadRecord[] = []): Promise<number> {
    const tx = this.db.transaction(() => {
      if (dataset) this.insertDataset(dataset);
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO ingestions (started_at, finished_at, files_ingested, files_rejected, files_skipped, rows_added, rows_rejected, duplicates_dropped, dataset_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(ing.startedAt, ing.finishedAt, ing.filesIngested, ing.filesRejected, ing.filesSkipped, ing.rowsAdded, ing.rowsRejected, ing.duplicatesDropped, ing.datasetHash);
      const ins = this.db.prepare(
        `INSERT INTO ingested_files (ingestion_id, name, path, size, sha256, status, rows_read, rows_accepted, rows_rejected, duplicates, rejected_by_reason, missing, reason, ingested_at, mtime_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const f of files) {
        ins.run(lastInsertRowid, f.name, f.path, f.size, f.sha256, f.status, f.rowsRead, f.rowsAccepted, f.rowsRejected, f.duplicates, JSON.stringify(f.rejectedByReason), JSON.stringify(f.missing), f.reason ?? null, f.ingestedAt, f.mtimeMs ?? null);
      }
      const src = this.db.prepare(
        `INSERT INTO source_reads (ingestion_id, source, type, status, rows_read, rows_accepted, rows_rejected, duplicates, rows_added, rejected_by_reason, watermark, content_hash, error, read_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const s of sources) {
        src.run(lastInsertRowid, s.source, s.type, s.status, s.rowsRead, s.rowsAccepted, s.rowsRejected, s.duplicates, s.rowsAdded, JSON.stringify(s.rejectedByReason), s.watermark, s.contentHash, s.error, s.readAt);
      }
      return Number(lastInsertRowid);
    });
    return tx.immediate();
  }

  async latestSourceReads(): Promise<SourceReadRecord[]> {
    const rows = this.db
      .prepare("SELECT s.* FROM source_reads s JOIN (SELECT source, MAX(id) AS id FROM source_reads WHERE status <> 'failed' GROUP BY source) l ON l.id = s.id ORDER BY s.source")
      .all() as Row[];
    return rows.map(toSourceRead);
  }

  private insertDataset(d: DatasetRecord): void {
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM datasets').get() as Row).s as number;
    this.db
      .prepare('INSERT INTO datasets (hash, rows, path, missing, created_at, seq) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE SET seq = excluded.seq, path = excluded.path')
      .run(d.hash, d.rows, d.path, JSON.stringify(d.missing), d.createdAt, seq);
  }

  async recordDataset(d: DatasetRecord): Promise<void> {
    this.db.transaction(() => this.insertDataset(d)).immediate();
  }

  async latestDataset(): Promise<DatasetRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM datasets ORDER BY seq DESC LIMIT 1').get() as Row | undefined;
    return r && toDataset(r);
  }

  async getDataset(hash: string): Promise<DatasetRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM datasets WHERE hash = ?').get(hash) as Row | undefined;
    return r && toDataset(r);
  }

  async reserveModelVersion(createdAt: string): Promise<string> {
    const tx = this.db.transaction(() => {
      const { lastInsertRowid } = this.db.prepare("INSERT INTO model_versions (version, status, created_at) VALUES ('pending-' || hex(randomblob(8)), 'training', ?)").run(createdAt);
      const version = `v${lastInsertRowid}`;
      this.db.prepare('UPDATE model_versions SET version = ? WHERE seq = ?').run(version, lastInsertRowid);
      return version;
    });
    return tx.immediate();
  }

  async completeModel(m: ModelRecord): Promise<void> {
    const res = this.db
      .prepare("UPDATE model_versions SET status = 'ready', created_at = ?, dataset_hash = ?, path = ?, training_rows = ?, training_ms = ? WHERE version = ?")
      .run(m.createdAt, m.datasetHash, m.path, m.trainingRows, m.trainingMs, m.version);
    if (res.changes !== 1) throw new Error(`model version ${m.version} was not reserved`);
  }

  async getModel(version: string): Promise<ModelRecord | undefined> {
    const r = this.db.prepare("SELECT * FROM model_versions WHERE version = ? AND status = 'ready'").get(version) as Row | undefined;
    return r && toModel(r);
  }

  async listModels(): Promise<ModelRecord[]> {
    return (this.db.prepare("SELECT * FROM model_versions WHERE status = 'ready' ORDER BY seq").all() as Row[]).map(toModel);
  }

  async recordScore(s: ScoreRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO scores (version, kind, data_hash, data_path, rows, f1, metrics, created_at, measured_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.version, s.kind, s.dataHash, s.dataPath, s.rows, s.f1, JSON.stringify(s.metrics), s.createdAt, s.measuredOn);
  }

  async scores(version?: string): Promise<ScoreRecord[]> {
    const rows = (version === undefined
      ? this.db.prepare('SELECT * FROM scores ORDER BY id').all()
      : this.db.prepare('SELECT * FROM scores WHERE version = ? ORDER BY id').all(version)) as Row[];
    return rows.map(toScore);
  }

  async recordDeployment(d: DeploymentRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO deployments (version, previous, action, reason, deployed_at) VALUES (?, ?, ?, ?, ?)')
      .run(d.version, d.previous, d.action, d.reason, d.deployedAt);
  }

  async deployments(): Promise<DeploymentRecord[]> {
    return (this.db.prepare('SELECT * FROM deployments ORDER BY id').all() as Row[]).map(toDeployment);
  }

  async startCommandRecord(command: string, startedAt: string, owner: RecordOwner = thisProcess()): Promise<number> {
    const { lastInsertRowid } = this.db
      .prepare("INSERT INTO runs (command, started_at, status, pid, host) VALUES (?, ?, 'running', ?, ?)")
      .run(command, startedAt, owner.pid, owner.host);
    return Number(lastInsertRowid);
  }

  async runningRecordsOn(host: string): Promise<Array<{ id: number; command: string; pid: number }>> {
    const rows = this.db.prepare("SELECT id, command, pid FROM runs WHERE status = 'running' AND host = ? AND pid IS NOT NULL ORDER BY id").all(host) as Row[];
    return rows.map((r) => ({ id: Number(r.id), command: r.command as string, pid: Number(r.pid) }));
  }

  async interruptRecordIds(ids: number[], finishedAt: string, error: string): Promise<number[]> {
    if (!ids.length) return [];
    const rows = this.db
      .prepare(`UPDATE runs SET status = 'failed', outcome = 'interrupted', finished_at = ?, error = ? WHERE status = 'running' AND id IN (${ids.map(() => '?').join(', ')}) RETURNING id`)
      .all(finishedAt, error, ...ids) as Array<{ id: number }>;
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async finishCommandRecord(id: number, status: 'ok' | 'failed', finishedAt: string, timings: Record<string, number>, error: string | null, detail: Record<string, unknown>, outcome?: string): Promise<void> {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, timings = ?, error = ?, detail = ?, outcome = ? WHERE id = ?')
      .run(status, finishedAt, JSON.stringify(timings), error, JSON.stringify(detail), outcome ?? null, id);
  }

  async interruptCommandRecords(command: string, exceptId: number, finishedAt: string, error: string): Promise<number[]> {
    const rows = this.db
      .prepare("UPDATE runs SET status = 'failed', outcome = 'interrupted', finished_at = ?, error = ? WHERE command = ? AND status = 'running' AND id <> ? RETURNING id")
      .all(finishedAt, error, command, exceptId) as Array<{ id: number }>;
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async commandRecords(limit = 100): Promise<CommandRecord[]> {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => ({
      id: r.id as number,
      command: r.command as string,
      startedAt: r.started_at as string,
      finishedAt: (r.finished_at as string | null) ?? null,
      status: r.status as CommandRecord['status'],
      outcome: (r.outcome as string | null) ?? null,
      timings: JSON.parse(r.timings as string),
      error: (r.error as string | null) ?? null,
      detail: JSON.parse(r.detail as string),
    }));
  }

  /** PRAGMA integrity_check — used by tests and, later, the reliability suite. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
  }
}

// Every store method (and any added later) goes through explainBusy: the statements run inside
// them, and one wrapper here is harder to forget than a try in each.
for (const name of Object.getOwnPropertyNames(SqliteStore.prototype)) {
  const proto = SqliteStore.prototype as unknown as Record<string, unknown>;
  const method = proto[name];
  if (name === 'constructor' || typeof method !== 'function') continue;
  proto[name] = function (this: SqliteStore, ...args: unknown[]): unknown {
    try {
      const result: unknown = method.apply(this, args);
      return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(explainBusy(this, err))) : result;
    } catch (err) {
      throw explainBusy(this, err);
    }
  };
}
