import type { Context } from '../context.js';
import { listDataFiles } from '../ingest/list-files.js';

export interface Detection {
  /** Files that are new, or whose size or modification time differ from when they were read. */
  changed: string[];
}

/**
 * The cheap first look of every scheduled run: names, sizes and modification times against the
 * store, no file contents read. A file reported here may still turn out unchanged (same bytes,
 * new mtime): ingest decides by sha256. A file not reported is certainly not new.
 */
export async function detectNewData(ctx: Context): Promise<Detection> {
  const known = new Map((await ctx.store.latestFileRecords()).map((r) => [r.name, r]));
  const changed: string[] = [];
  for (const c of await listDataFiles(ctx.config.inputFolder, ctx.config.extension)) {
    const prev = known.get(c.name);
    if (c.problem) {
      if (!prev) changed.push(c.name);
      continue;
    }
    if (!prev || prev.size !== c.size || prev.mtimeMs !== c.mtimeMs) changed.push(c.name);
  }
  return { changed };
}
