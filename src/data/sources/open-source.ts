import type { SourceConfig } from '../../config/load.js';
import type { DatabaseSource } from './types.js';

export type DatabaseSourceConfig = Exclude<SourceConfig, { type: 'folder' }>;

/**
 * A database source from its config. The PostgreSQL driver is imported only when a postgres
 * source is configured: folder-only users do not pay for loading it at start.
 */
export async function openDatabaseSource(cfg: DatabaseSourceConfig): Promise<DatabaseSource> {
  if (cfg.type === 'sqlite') {
    const { SqliteSource } = await import('./sqlite-source.js');
    return new SqliteSource(cfg);
  }
  const { PostgresSource } = await import('./postgres-source.js');
  return new PostgresSource(cfg);
}
