import type Database from 'better-sqlite3';
import { openDatabase } from '../../store/sqlite/open-database.js';
import type { Logger } from 'pino';
import type { TableSchema } from '../columns.js';
import type { DatasetBuilder } from '../dataset.js';
import { mapSqliteType } from './column-types.js';
import { csvCell, csvHeader } from './csv-encode.js';
import { planColumns, readCsvChunks, unchangedRead } from './read-rows.js';
import { RiskwatchError } from '../../util/errors.js';
import { SourceError, type DatabaseSource, type SourceRead, type SourceState } from './types.js';

export interface SqliteSourceConfig {
  name: string;
  path: string;
  table?: string;
  query?: string;
  watermark?: string;
  timeoutMs: number;
}

const ROWS_PER_CHUNK = 8192;

export function quoteSqliteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Rows from a table or query in a SQLite file, opened read-only. The watermark read runs in one
 * read transaction (a snapshot): SQLite has one writer at a time, so an INTEGER PRIMARY KEY or
 * any value assigned inside the write transaction is committed in order and none is skipped.
 * Rows stream through `.iterate()`, never the whole table in memory.
 */
export class SqliteSource implements DatabaseSource {
  readonly type = 'sqlite' as const;
  readonly name: string;
  readonly location: string;

  constructor(private readonly cfg: SqliteSourceConfig) {
    this.name = cfg.name;
    this.location = `${cfg.path}${cfg.table ? ` table ${cfg.table}` : ' (query)'}`;
  }

  private from(): string {
    return this.cfg.table !== undefined ? this.cfg.table.split('.').map(quoteSqliteIdent).join('.') : `(${this.cfg.query}) AS riskwatch_source`;
  }

  private open(): Database.Database {
    try {
      return openDatabase(this.cfg.path, { readonly: true, fileMustExist: true, timeout: this.cfg.timeoutMs });
    } catch (err) {
      throw new SourceError(this.name, err instanceof RiskwatchError ? err.message : `cannot open SQLite file ${this.cfg.path}: ${(err as Error).message}`);
    }
  }

  private fail(err: unknown): never {
    if (err instanceof SourceError) throw err;
    throw new SourceError(this.name, (err as Error).message);
  }

  async hasNew(state: SourceState | null): Promise<boolean> {
    if (!this.cfg.watermark || !state?.watermark) return true;
    const db = this.open();
    try {
      const wm = quoteSqliteIdent(this.cfg.watermark);
      return db.prepare(`SELECT 1 FROM ${this.from()} WHERE ${wm} > ? LIMIT 1`).get(decodeWatermark(state.watermark)) !== undefined;
    } catch (err) {
      this.fail(err);
    } finally {
      db.close();
    }
  }

  async read(state: SourceState | null, schema: TableSchema, builder: DatasetBuilder, log?: Logger): Promise<SourceRead> {
    const db = this.open();
    try {
      const from = this.from();
      let described;
      try {
        described = db.prepare(`SELECT * FROM ${from} LIMIT 0`).columns();
      } catch (err) {
        throw new SourceError(this.name, `cannot read ${this.cfg.table !== undefined ? `table ${this.cfg.table}` : 'the query'} in ${this.cfg.path}: ${(err as Error).message}`);
      }
      const columns = described.map((c) => ({ name: c.name, declared: c.type ?? 'none (expression)', mapped: mapSqliteType(c.type) }));
      const plan = planColumns(this.name, columns, schema, this.cfg.watermark);
      const select = plan.read.map(quoteSqliteIdent).join(', ');
      db.exec('BEGIN'); // one snapshot for the watermark bound and the rows
      try {
        let where = '';
        let params: unknown[] = [];
        let upper: string | null = null;
        if (this.cfg.watermark) {
          const wm = quoteSqliteIdent(this.cfg.watermark);
          const last = state?.watermark ? decodeWatermark(state.watermark) : undefined;
          const max = db
            .prepare(`SELECT max(${wm}) AS m FROM ${from}${last === undefined ? '' : ` WHERE ${wm} > ?`}`)
            .safeIntegers(true)
            .get(...(last === undefined ? [] : [last])) as { m: unknown };
          if (max.m === null || max.m === undefined) return unchangedRead(schema, state);
          upper = encodeWatermark(max.m);
          where = last === undefined ? ` WHERE ${wm} <= ?` : ` WHERE ${wm} > ? AND ${wm} <= ?`;
          params = last === undefined ? [max.m] : [last, max.m];
        }
        const stmt = db.prepare(`SELECT ${select} FROM ${from}${where}`).raw(true).safeIntegers(true);
        const names = plan.read;
        function* chunks(): Generator<Buffer> {
          yield Buffer.from(csvHeader(names));
          let lines: string[] = [];
          for (const row of stmt.iterate(...params) as Iterable<unknown[]>) {
            let line = '';
            for (let j = 0; j < row.length; j++) line += (j ? ',' : '') + csvCell(row[j], names[j]);
            lines.push(line);
            if (lines.length === ROWS_PER_CHUNK) {
              yield Buffer.from(lines.join('\n') + '\n');
              lines = [];
            }
          }
          if (lines.length) yield Buffer.from(lines.join('\n') + '\n');
        }
        return await readCsvChunks(this.name, chunks(), schema, builder, state, { watermark: upper, useHash: !this.cfg.watermark, extra: plan.extra, log });
      } finally {
        if (db.inTransaction) db.exec('COMMIT');
      }
    } catch (err) {
      this.fail(err);
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {}
}

/** The watermark keeps its SQLite type: a text value compares above every integer in SQLite. */
function encodeWatermark(v: unknown): string {
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `i:${v}` : `r:${v}`;
  if (typeof v === 'string') return `t:${v}`;
  throw new Error(`watermark value of type ${typeof v} cannot be recorded`);
}

function decodeWatermark(s: string): bigint | number | string {
  const kind = s.slice(0, 2);
  const v = s.slice(2);
  if (kind === 'i:') return BigInt(v);
  if (kind === 'r:') return Number(v);
  return v;
}
