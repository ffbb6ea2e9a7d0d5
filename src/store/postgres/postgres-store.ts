import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { migrations } from './migrations.js';
import { thisProcess } from '../record-owner.js';
import { toDataset, toDeployment, toFile, toModel, toScore, toSourceRead, type Row } from '../rows.js';
import { maskUrl, redact } from '../../util/mask-url.js';
import { toPostgresUri } from '../../util/conninfo.js';
import { DataError, RiskwatchError } from '../../util/errors.js';
import type {
  DatasetRecord,
  SourceReadRecord,
  DeploymentRecord,
  HeldLock,
  IngestedFileRecord,
  IngestionRecord,
  ModelRecord,
  RecordOwner,
  CommandRecord,
  ScoreRecord,
  SharedStore,
  Store,
} from '../types.js';


/** Advisory lock namespaces (first key of the two-key form); the second key is the schema's hash. */
const LOCK_MIGRATE = 0x52574d47; // 'RWMG'
const LOCK_DEPLOY = 0x5257444c; // 'RWDL'
const LOCK_RUN = 0x52574c4b; // 'RWLK'

/** A schema name as a positive 31-bit key, so pg_locks shows the same number we asked for. */
function schemaKey(schema: string): number {
  return createHash('sha256').update(schema).digest().readUInt32BE(0) & 0x7fffffff;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

// BIGINT ids and counts come back as numbers (they stay far below 2^53), as SQLite gives them.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface PostgresStoreOptions {
  /** Connection URL (may carry a password: it is never shown, see maskUrl). */
  url: string;
  /** Schema holding the tables; created by migrate() when missing. */
  schema?: string;
  /** Connection attempts give up after this long. Default 10 s. */
  connectTimeoutMs?: number;
}

/**
 * The store for several machines: every table of the SQLite store, in one PostgreSQL schema,
 * plus the model artifacts, the production pointer and the run lock (SharedStore). Every write
 * that touches more than one row runs in one transaction.
 */
export class PostgresStore implements Store, SharedStore {
  readonly shared: SharedStore = this;
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly url: string;
  private readonly key: number;
  private readonly connectTimeoutMs: number;

  constructor(opts: PostgresStoreOptions) {
    this.url = opts.url;
    this.schema = opts.schema ?? 'public';
    if (!IDENT.test(this.schema)) throw new DataError(`postgres store: schema "${this.schema}" is not a lower-case SQL identifier`);
    this.key = schemaKey(this.schema);
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.pool = new pg.Pool(this.clientConfig('riskwatch', 4));
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  private clientConfig(applicationName: string, max?: number): pg.PoolConfig {
    return {
      connectionString: toPostgresUri(this.url),
      options: `-c search_path=${this.schema}`,
      application_name: applicationName.slice(0, 63),
      connectionTimeoutMillis: this.connectTimeoutMs,
      keepAlive: true,
      types,
      ...(max !== undefined && { max }),
    };
  }

  describe(): string {
    return `PostgreSQL store ${maskUrl(this.url)} (schema ${this.schema})`;
  }

  /** A connection failure as one line that names the store and carries no password. */
  private connectError(err: unknown): RiskwatchError {
    const e = err as Error & { code?: string };
    const why = e?.message || e?.code || String(err);
    return new RiskwatchError(`cannot connect to the ${this.describe()}: ${redact(why, this.url)}`, 1);
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw this.connectError(err);
    }
  }

  private async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const c = await this.connect();
    try {
      return (await c.query(sql, params)).rows as Row[];
    } finally {
      c.release();
    }
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async migrate(): Promise<void> {
    // The advisory lock is taken before anything else: two processes starting at once serialise
    // here, and the second finds every migration applied (CREATE ... IF NOT EXISTS alone races).
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_MIGRATE, this.key]);
      // CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even when it exists: ask first,
      // so a role that was given its schema by an administrator needs no more than that.
      const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (!exists.rowCount) await c.query(`CREATE SCHEMA ${this.schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const done = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version as number));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      }
    }).catch((err: unknown) => {
      if (err instanceof RiskwatchError) throw err;
      // A server-side refusal (no privilege, read-only replica): one line naming the store.
      throw new RiskwatchError(`cannot prepare the ${this.describe()}: ${redact((err as Error).message, this.url)}`, 1);
    });
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /** Applied migration versions, oldest first (tests, diagnostics). */
  async appliedMigrations(): Promise<number[]> {
    return (await this.query('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version as number);
  }

  async latestFileRecords(): Promise<IngestedFileRecord[]> {
    return (await this.query('SELECT DISTINCT ON (name) * FROM ingested_files ORDER BY name, id DESC')).map(toFile);
  }

  async recordIngestion(ing: IngestionRecord, files: IngestedFileRecord[], dataset: DatasetRecord | null, sources: SourceReadRecord[] = []): Promise<number> {
    return this.tx(async (c) => {
      if (dataset) await this.insertDataset(c, dataset);
      const [{ id }] = (
        await c.query(
          `INSERT INTO ingestions (started_at, finished_at, files_ingested, files_rejected, files_skipped, rows_added, rows_rejected, duplicates_dropped, dataset_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [ing.startedAt, ing.finishedAt, ing.filesIngested, ing.filesRejected, ing.filesSkipped, ing.rowsAdded, ing.rowsRejected, ing.duplicatesDropped, ing.datasetHash],
        )
      ).rows;
      for (const f of files) {
        await c.query(
          `INSERT INTO ingested_files (ingestion_id, name, path, size, sha256, status, rows_read, rows_accepted, rows_rejected, duplicates, rejected_by_reason, missing, reason, ingested_at, mtime_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
          [id, f.name, f.path, f.size, f.sha256, f.status, f.rowsRead, f.rowsAccepted, f.rowsRejected, f.duplicates, JSON.stringify(f.rejectedByReason), JSON.stringify(f.missing), f.reason ?? null, f.ingestedAt, f.mtimeMs ?? null],
        );
      }
      for (const s of sources) {
        await c.query(
          `INSERT INTO source_reads (ingestion_id, source, type, status, rows_read, rows_accepted, rows_rejected, duplicates, rows_added, rejected_by_reason, watermark, content_hash, error, read_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [id, s.source, s.type, s.status, s.rowsRead, s.rowsAccepted, s.rowsRejected, s.duplicates, s.rowsAdded, JSON.stringify(s.rejectedByReason), s.watermark, s.contentHash, s.error, s.readAt],
        );
      }
      return id as number;
    });
  }

  async latestSourceReads(): Promise<SourceReadRecord[]> {
    const rows = await this.query("SELECT DISTINCT ON (source) * FROM source_reads WHERE status <> 'failed' ORDER BY source, id DESC");
    return rows.map(toSourceRead);
  }

  private async insertDataset(c: pg.PoolClient, d: DatasetRecord): Promise<void> {
    // seq orders datasets by recording; the table lock makes MAX(seq)+1 safe between machines.
    await c.query('LOCK TABLE datasets IN SHARE ROW EXCLUSIVE MODE');
    await c.query(
      `INSERT INTO datasets (hash, rows, path, missing, created_at, seq) VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM datasets))
       ON CONFLICT (hash) DO UPDATE SET seq = excluded.seq, path = excluded.path`,
      [d.hash, d.rows, d.path, JSON.stringify(d.missing), d.createdAt],
    );
  }

  async recordDataset(d: DatasetRecord): Promise<void> {
    await this.tx((c) => this.insertDataset(c, d));
  }

  async latestDataset(): Promise<DatasetRecord | undefined> {
    const [r] = await this.query('SELECT * FROM datasets ORDER BY seq DESC LIMIT 1');
    return r && toDataset(r);
  }

  async getDataset(hash: string): Promise<DatasetRecord | undefined> {
    const [r] = await this.query('SELECT * FROM datasets WHERE hash = $1', [hash]);
    return r && toDataset(r);
  }

  async reserveModelVersion(createdAt: string): Promise<string> {
    // One statement: the sequence hands each caller its own number, on every machine.
    const [r] = await this.query(
      `INSERT INTO model_versions (seq, version, status, created_at)
       SELECT n, 'v' || n, 'training', $1 FROM nextval(pg_get_serial_sequence('model_versions', 'seq')) AS n RETURNING version`,
      [createdAt],
    );
    return r.version as string;
  }

  async completeModel(m: ModelRecord): Promise<void> {
    const c = await this.connect();
    try {
      const res = await c.query(
        "UPDATE model_versions SET status = 'ready', created_at = $1, dataset_hash = $2, path = $3, training_rows = $4, training_ms = $5 WHERE version = $6",
        [m.createdAt, m.datasetHash, m.path, m.trainingRows, m.trainingMs, m.version],
      );
      if (res.rowCount !== 1) throw new Error(`model version ${m.version} was not reserved`);
    } finally {
      c.release();
    }
  }

  async getModel(version: string): Promise<ModelRecord | undefined> {
    const [r] = await this.query("SELECT * FROM model_versions WHERE version = $1 AND status = 'ready'", [version]);
    return r && toModel(r);
  }

  async listModels(): Promise<ModelRecord[]> {
    return (await this.query("SELECT * FROM model_versions WHERE status = 'ready' ORDER BY seq")).map(toModel);
  }

  async recordScore(s: ScoreRecord): Promise<void> {
    await this.query('INSERT INTO scores (version, kind, data_hash, data_path, rows, f1, metrics, created_at, measured_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      s.version,
      s.kind,
      s.dataHash,
      s.dataPath,
      s.rows,
      s.f1,
      JSON.stringify(s.metrics),
      s.createdAt,
      s.measuredOn,
    ]);
  }

  async scores(version?: string): Promise<ScoreRecord[]> {
    const rows = version === undefined ? await this.query('SELECT * FROM scores ORDER BY id') : await this.query('SELECT * FROM scores WHERE version = $1 ORDER BY id', [version]);
    return rows.map(toScore);
  }

  async recordDeployment(d: DeploymentRecord): Promise<void> {
    await this.query('INSERT INTO deployments (version, previous, action, reason, deployed_at) VALUES ($1, $2, $3, $4, $5)', [d.version, d.previous, d.action, d.reason, d.deployedAt]);
  }

  async deployments(): Promise<DeploymentRecord[]> {
    return (await this.query('SELECT * FROM deployments ORDER BY id')).map(toDeployment);
  }

  async startCommandRecord(command: string, startedAt: string, owner: RecordOwner = thisProcess()): Promise<number> {
    const [r] = await this.query("INSERT INTO runs (command, started_at, status, pid, host) VALUES ($1, $2, 'running', $3, $4) RETURNING id", [command, startedAt, owner.pid, owner.host]);
    return r.id as number;
  }

  async runningRecordsOn(host: string): Promise<Array<{ id: number; command: string; pid: number }>> {
    const rows = await this.query("SELECT id, command, pid FROM runs WHERE status = 'running' AND host = $1 AND pid IS NOT NULL ORDER BY id", [host]);
    return rows.map((r) => ({ id: Number(r.id), command: r.command as string, pid: Number(r.pid) }));
  }

  async interruptRecordIds(ids: number[], finishedAt: string, error: string): Promise<number[]> {
    if (!ids.length) return [];
    const rows = await this.query("UPDATE runs SET status = 'failed', outcome = 'interrupted', finished_at = $1, error = $2 WHERE status = 'running' AND id = ANY($3::bigint[]) RETURNING id", [finishedAt, error, ids]);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async interruptCommandRecords(command: string, exceptId: number, finishedAt: string, error: string): Promise<number[]> {
    const rows = await this.query("UPDATE runs SET status = 'failed', outcome = 'interrupted', finished_at = $1, error = $2 WHERE command = $3 AND status = 'running' AND id <> $4 RETURNING id", [finishedAt, error, command, exceptId]);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async finishCommandRecord(id: number, status: 'ok' | 'failed', finishedAt: string, timings: Record<string, number>, error: string | null, detail: Record<string, unknown>, outcome?: string): Promise<void> {
    await this.query('UPDATE runs SET status = $1, finished_at = $2, timings = $3, error = $4, detail = $5, outcome = $6 WHERE id = $7', [
      status,
      finishedAt,
      JSON.stringify(timings),
      error,
      JSON.stringify(detail),
      outcome ?? null,
      id,
    ]);
  }

  async commandRecords(limit = 100): Promise<CommandRecord[]> {
    return (await this.query('SELECT * FROM runs ORDER BY id DESC LIMIT $1', [limit])).map((r) => ({
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

  // ---- SharedStore: artifacts, production pointer, run lock ----

  async saveArtifact(version: string, name: string, content: string): Promise<void> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    const rows = await this.query('INSERT INTO model_artifacts (version, name, content, sha256, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING version', [
      version,
      name,
      content,
      sha256,
      new Date().toISOString(),
    ]);
    if (!rows.length) throw new DataError(`${this.describe()}: artifact ${name} of model version ${version} already exists; versions are immutable`);
  }

  async loadArtifact(version: string, name: string): Promise<string | undefined> {
    const [r] = await this.query('SELECT content FROM model_artifacts WHERE version = $1 AND name = $2', [version, name]);
    return r?.content as string | undefined;
  }

  async hasArtifacts(version: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM model_artifacts WHERE version = $1 LIMIT 1', [version])).length > 0;
  }

  async productionVersion(): Promise<{ version: string; deploymentId: number } | undefined> {
    const [r] = await this.query('SELECT id, version FROM deployments ORDER BY id DESC LIMIT 1');
    return r && { version: r.version as string, deploymentId: r.id as number };
  }

  async promote(version: string, action: 'deploy' | 'rollback', reason: string, deployedAt: string): Promise<DeploymentRecord> {
    return this.tx(async (c) => {
      // Deploys from two machines at once queue here, so each records the true previous version.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_DEPLOY, this.key]);
      const has = await c.query("SELECT 1 FROM model_artifacts WHERE version = $1 AND name = 'model.json'", [version]);
      if (!has.rowCount) throw new DataError(`model version "${version}" has no model artifact in the ${this.describe()}`);
      const prev = await c.query('SELECT version FROM deployments ORDER BY id DESC LIMIT 1');
      const previous = (prev.rows[0]?.version as string | undefined) ?? null;
      const ins = await c.query('INSERT INTO deployments (version, previous, action, reason, deployed_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [version, previous, action, reason, deployedAt]);
      return toDeployment(ins.rows[0] as Row);
    });
  }

  /**
   * A session advisory lock on a connection of its own, held for the whole run. If the process
   * dies, its connection closes and the server drops the lock: nothing goes stale. The holder is
   * recognised by the application_name of the connection that holds the lock.
   */
  async tryRunLock(what: string, onLost?: (why: string) => void): Promise<{ lock: HeldLock } | { holder: string }> {
    const key = this.key;
    const client = new pg.Client(this.clientConfig(`riskwatch ${what} pid ${process.pid} on ${hostname()}`));
    let released = false;
    // A dropped connection means the server dropped the lock: say so (the run itself goes on).
    client.on('error', (err) => {
      if (!released) onLost?.(redact(err.message, this.url));
    });
    client.on('end', () => {
      if (!released) onLost?.('connection closed');
    });
    try {
      await client.connect();
    } catch (err) {
      released = true;
      throw this.connectError(err);
    }
    let got: boolean;
    try {
      got = (await client.query('SELECT pg_try_advisory_lock($1, $2) AS got', [LOCK_RUN, this.key])).rows[0].got as boolean;
    } catch (err) {
      released = true;
      await client.end().catch(() => {});
      throw err;
    }
    if (!got) {
      let holder = 'another process';
      try {
        const r = await client.query(
          `SELECT a.application_name, a.backend_start, host(a.client_addr) AS addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2 AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [LOCK_RUN, this.key],
        );
        const h = r.rows[0];
        if (h) holder = `${h.application_name || 'a session'}${h.addr ? ` from ${h.addr}` : ''}, connected ${new Date(h.backend_start as Date).toISOString()}`;
      } catch {
        // Who holds it is informational only (pg_stat_activity may be restricted).
      }
      released = true;
      await client.end().catch(() => {});
      return { holder };
    }
    return {
      lock: {
        async release() {
          if (released) return;
          released = true;
          await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_RUN, key]).catch(() => {});
          await client.end().catch(() => {});
        },
      },
    };
  }
}
