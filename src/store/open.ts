import type { Config } from '../config/load.js';
import type { Store } from './types.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** Open (and migrate) the store named in config. The one place that picks a backend. */
export async function openStore(config: Config): Promise<Store> {
  const store = new SqliteStore(config.store.path);
  await store.migrate();
  return store;
}
