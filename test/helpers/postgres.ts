import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';

/** The test server: CI starts it (.ci/run); trust auth for 127.0.0.1. */
export const PG_URL = process.env.RISKWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test run uses. */
export function randomSchema(prefix = 'rw_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function pgQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/** A migrated store in a schema of its own; `drop` closes it and removes the schema. */
export async function freshPostgresStore(): Promise<{ store: PostgresStore; schema: string; drop: () => Promise<void> }> {
  const schema = randomSchema();
  const store = new PostgresStore({ url: PG_URL, schema });
  await store.migrate();
  return {
    store,
    schema,
    drop: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}


/**
 * A schema of its own for one test file in the real PostgreSQL server, dropped by `drop()`: tests
 * running at once never see each other's tables.
 */
export async function pgSchema(prefix = 'rw_test'): Promise<{ schema: string; client: pg.Client; connect(): Promise<pg.Client>; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  const extra: pg.Client[] = [];
  return {
    schema,
    client,
    async connect() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      extra.push(c);
      return c;
    },
    async drop() {
      for (const c of extra) await c.end().catch(() => {});
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}
