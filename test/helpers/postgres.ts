import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The CI server: trust auth, database `test`. */
export const PG_URL = process.env.RISKWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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
