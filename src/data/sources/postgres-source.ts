import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Logger } from 'pino';
import type { TableSchema } from '../columns.js';
import type { DatasetBuilder } from '../dataset.js';
import { mapPgType } from './column-types.js';
import { maskUrl, redact } from '../../util/mask-url.js';
import { toPostgresUri } from '../../util/conninfo.js';
import { planColumns, readCsvChunks, unchangedRead } from './read-rows.js';
import { SourceError, type DatabaseSource, type SourceRead, type SourceState } from './types.js';

export interface PostgresSourceConfig {
  name: string;
  url?: string;
  urlEnv?: string;
  table?: string;
  query?: string;
  watermark?: string;
  timeoutMs: number;
}

/** How often the watermark read looks again for writers still in flight. */
const WRITER_POLL_MS = 10;

/**
 * Rows from a PostgreSQL table or query, streamed with `COPY (SELECT ...) TO STDOUT (FORMAT csv)`
 * straight into the CSV row builder: the server formats the values (integers in full, floats in
 * shortest round-trip form, NULL as an empty cell), nothing is held whole in memory.
 *
 * Watermark visibility. A serial id or a timestamp is taken when a row is written but becomes
 * visible when its transaction commits, so a transaction holding id 100 can commit after one
 * holding id 101 has been read — reading up to max(id) = 101 would skip 100 for good. So the read
 * is bounded by a *safe* watermark: take the upper bound U = max(watermark) first, then wait until
 * every transaction that was writing to the table at that moment has finished (what CREATE INDEX
 * CONCURRENTLY does), then read last < watermark ≤ U in a new snapshot. Any row with a value ≤ U
 * was written by a transaction that was running when U was read (now finished, so visible) or
 * had committed already; a later transaction gets a larger value from the sequence or clock.
 */
export class PostgresSource implements DatabaseSource {
  readonly type = 'postgres' as const;
  readonly name: string;
  readonly location: string;
  private readonly url: string | undefined;

  constructor(private readonly cfg: PostgresSourceConfig) {
    this.name = cfg.name;
    this.url = cfg.url ?? (cfg.urlEnv ? process.env[cfg.urlEnv] : undefined);
    const where = cfg.url ? maskUrl(cfg.url) : this.url ? `${maskUrl(this.url)} (from $${cfg.urlEnv})` : `$${cfg.urlEnv}`;
    this.location = `${where}${cfg.table ? ` table ${cfg.table}` : ' (query)'}`;
  }

  private fail(err: unknown, doing: string): never {
    if (err instanceof SourceError) throw err;
    const e = err as Error & { code?: string };
    const why = e.message || e.code || String(err);
    throw new SourceError(this.name, this.url ? redact(`${doing}: ${why}`, this.url) : `${doing}: ${why}`);
  }

  private async connect(): Promise<pg.Client> {
    if (!this.url) throw new SourceError(this.name, `environment variable ${this.cfg.urlEnv} is not set (it should hold the postgres:// URL or a keyword/value connection string)`);
    const client = new pg.Client({ connectionString: toPostgresUri(this.url), connectionTimeoutMillis: this.cfg.timeoutMs, application_name: 'riskwatch-ingest' });
    client.on('error', () => {}); // a dropped connection surfaces through the pending query
    try {
      await this.timed(client, client.connect(), `connecting to ${this.location}`);
    } catch (err) {
      await destroy(client);
      this.fail(err, `cannot connect to ${this.location}`);
    }
    return client;
  }

  /** A promise bounded by timeout_ms: on timeout the connection is cut so nothing keeps running. */
  private timed<T>(client: pg.Client, p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void destroy(client);
        reject(new SourceError(this.name, `${what} took longer than ${this.cfg.timeoutMs} ms (timeout_ms)`));
      }, this.cfg.timeoutMs);
    });
    p.catch(() => {});
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private from(client: pg.Client): string {
    return this.cfg.table !== undefined ? qualified(client, this.cfg.table) : `(${this.cfg.query}) AS riskwatch_source`;
  }

  async hasNew(state: SourceState | null): Promise<boolean> {
    if (!this.cfg.watermark || !state?.watermark) return true;
    const client = await this.connect();
    try {
      const wm = client.escapeIdentifier(this.cfg.watermark);
      const r = await this.timed(client, client.query(`SELECT 1 FROM ${this.from(client)} WHERE ${wm} > $1 LIMIT 1`, [state.watermark]), 'looking for new rows');
      return r.rowCount !== 0;
    } catch (err) {
      this.fail(err, 'looking for new rows');
    } finally {
      await end(client);
    }
  }

  async read(state: SourceState | null, schema: TableSchema, builder: DatasetBuilder, log?: Logger): Promise<SourceRead> {
    const client = await this.connect();
    let doing = 'reading the columns';
    try {
      const from = this.from(client);
      const described = await this.timed(client, client.query(`SELECT * FROM ${from} LIMIT 0`), doing);
      const oids = [...new Set(described.fields.map((f) => f.dataTypeID))];
      const typeNames = new Map(
        (await this.timed(client, client.query('SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])', [oids]), doing)).rows.map((r) => [r.oid as number, r.name as string]),
      );
      const columns = described.fields.map((f) => ({ name: f.name, declared: typeNames.get(f.dataTypeID) ?? `oid ${f.dataTypeID}`, mapped: mapPgType(f.dataTypeID) }));
      const plan = planColumns(this.name, columns, schema, this.cfg.watermark);

      let where = '';
      let upper: string | null = null;
      if (this.cfg.watermark) {
        doing = 'reading the watermark';
        const wm = client.escapeIdentifier(this.cfg.watermark);
        const last = state?.watermark ?? null;
        const max = await this.timed(client, client.query(`SELECT max(${wm})::text AS m FROM ${from}${last === null ? '' : ` WHERE ${wm} > $1`}`, last === null ? [] : [last]), doing);
        upper = (max.rows[0]?.m as string | null) ?? null;
        if (upper === null) return unchangedRead(schema, state);
        doing = 'waiting for transactions still writing';
        await this.waitForWriters(client);
        where = ` WHERE ${last === null ? '' : `${wm} > ${client.escapeLiteral(last)} AND `}${wm} <= ${client.escapeLiteral(upper)}`;
      }
      doing = 'reading rows';
      const select = plan.read.map((c) => client.escapeIdentifier(c)).join(', ');
      const stream = client.query(copyTo(`COPY (SELECT ${select} FROM ${from}${where}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
      return await readCsvChunks(this.name, this.idle(client, stream), schema, builder, state, { watermark: upper, useHash: !this.cfg.watermark, extra: plan.extra, log });
    } catch (err) {
      this.fail(err, doing);
    } finally {
      await end(client);
    }
  }

  /** Chunks as they come; no chunk for timeout_ms (a stalled server or network) ends the read. */
  private async *idle(client: pg.Client, stream: NodeJS.ReadableStream & { destroy(err?: Error): void }): AsyncGenerator<Buffer> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stream.destroy(new Error('stalled'));
      void destroy(client);
    }, this.cfg.timeoutMs);
    try {
      for await (const chunk of stream) {
        timer.refresh();
        yield chunk as Buffer;
      }
    } catch (err) {
      if (timedOut) throw new SourceError(this.name, `reading rows: no data for ${this.cfg.timeoutMs} ms (timeout_ms)`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Wait until every transaction holding a write lock on the table (any table of the database, for
   * a view or a query source) when the upper bound was read has finished: their rows are then visible.
   */
  private async waitForWriters(client: pg.Client): Promise<void> {
    // A plain or partitioned table: its own lock. A view (or a query) hides which tables it reads:
    // every write lock in the database counts.
    const database = 'database = (SELECT oid FROM pg_database WHERE datname = current_database())';
    const target =
      this.cfg.table !== undefined
        ? { sql: `CASE WHEN (SELECT relkind FROM pg_class WHERE oid = to_regclass($1)) IN ('r', 'p') THEN relation = to_regclass($1) ELSE ${database} END`, params: [qualified(client, this.cfg.table)] }
        : { sql: database, params: [] as string[] };
    const holders = await client.query(
      `SELECT coalesce(array_agg(DISTINCT virtualtransaction), '{}') AS v FROM pg_locks
        WHERE locktype = 'relation' AND ${target.sql} AND granted AND pid <> pg_backend_pid()
          AND mode IN ('RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')`,
      target.params,
    );
    const vxids = holders.rows[0].v as string[];
    if (!vxids.length) return;
    const deadline = performance.now() + this.cfg.timeoutMs;
    for (;;) {
      const alive = await client.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'virtualxid' AND virtualxid = ANY($1::text[])`, [vxids]);
      if (alive.rows[0].n === 0) return;
      if (performance.now() > deadline) {
        throw new SourceError(this.name, `${alive.rows[0].n} transaction(s) writing to ${this.cfg.table ?? 'the database'} did not finish within ${this.cfg.timeoutMs} ms (timeout_ms); their rows will be read next time`);
      }
      await new Promise((r) => setTimeout(r, WRITER_POLL_MS));
    }
  }

  async close(): Promise<void> {}
}

function qualified(client: pg.Client, table: string): string {
  return table
    .split('.')
    .map((p) => client.escapeIdentifier(p))
    .join('.');
}

async function end(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.end().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(() => (void destroy(client), r()), 1000)))]);
  clearTimeout(timer);
}

async function destroy(client: pg.Client): Promise<void> {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
