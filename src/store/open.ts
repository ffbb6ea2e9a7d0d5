import type { Config } from '../config/load.js';
import type { Store } from './types.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { DataError } from '../util/errors.js';
import { maskUrl } from '../util/mask-url.js';
import { isPostgresUri, parseConninfo } from '../util/conninfo.js';

/** Open (and migrate) the store named in config. The one place that picks a backend. */
export async function openStore(config: Config): Promise<Store> {
  const sc = config.store;
  if (sc.type === 'postgres') {
    const url = sc.url ?? process.env[sc.urlEnv ?? ''];
    const key = sc.url !== undefined ? 'store.url' : 'store.url_env';
    if (!url) throw new DataError(`${config.file}: key "${key}": environment variable ${sc.urlEnv} is not set (it should hold the PostgreSQL connection URL)`);
    if (!isPostgresUri(url) && !parseConninfo(url)) throw new DataError(`${config.file}: key "${key}": expected a postgres:// or postgresql:// URL or a keyword/value connection string (host=… dbname=…), got ${maskUrl(url)}`);
    // Loaded only when asked for: SQLite users do not pay for parsing the pg driver at start.
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    const store = new PostgresStore({ url, schema: sc.schema });
    try {
      await store.migrate();
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
    return store;
  }
  const store = new SqliteStore(sc.path);
  await store.migrate();
  return store;
}
