import type { Context } from '../context.js';
import { loadModel, type SqlExport, type SqlOptions } from './fitted-model.js';
import { resolveModel } from './resolve.js';

export interface ExportSqlOptions extends SqlOptions {
  /** A version id, "production" (the default) or "latest". */
  model?: string;
}

/** `export --format sql`: a model version (production by default) as a SQL view over `table`. */
export async function exportSql(ctx: Context, opts: ExportSqlOptions): Promise<SqlExport> {
  const { model = 'production', ...sql } = opts;
  return loadModel(await resolveModel(ctx, model)).toSql(sql);
}
