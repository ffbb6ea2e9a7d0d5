import type { Context } from '../context.js';
import { listDataFiles } from '../data/list-files.js';
import { openDatabaseSource } from '../data/sources/open-source.js';

export interface Detection {
  /** Files that are new, or whose size or modification time differ from when they were read. */
  changed: string[];
  /** Database sources that may hold new rows (always, for one without a watermark or that failed to answer). */
  sources?: string[];
}

/**
 * The cheap first look of every scheduled run: names, sizes and modification times against the
 * store, no file contents read. A file reported here may still turn out unchanged (same bytes,
 * new mtime): ingest decides by sha256. A file not reported is certainly not new. A database
 * source with a watermark is asked for one row past it; one without a watermark cannot be
 * checked cheaply and is always reported (ingest then compares its content hash).
 */
export async function detectNewData(ctx: Context): Promise<Detection> {
  const known = new Map((await ctx.store.latestFileRecords()).map((r) => [r.name, r]));
  const changed: string[] = [];
  const sources: string[] = [];
  let firstFolder = true;
  for (const src of ctx.config.sources) {
    if (src.type !== 'folder') {
      const states = new Map((await ctx.store.latestSourceReads()).map((r) => [r.source, r]));
      const source = await openDatabaseSource(src);
      try {
        if (await source.hasNew(states.get(src.name) ?? null)) sources.push(src.name);
      } catch {
        sources.push(src.name); // ingest reports and records the failure
      } finally {
        await source.close();
      }
      continue;
    }
    const prefix = firstFolder ? '' : `${src.name}/`;
    firstFolder = false;
    let candidates;
    try {
      candidates = await listDataFiles(src.path, src.extension);
    } catch {
      continue; // ingest reports a folder it cannot read
    }
    for (const c of candidates) {
      const prev = known.get(prefix + c.name);
      if (c.problem) {
        if (!prev) changed.push(prefix + c.name);
        continue;
      }
      if (!prev || prev.size !== c.size || prev.mtimeMs !== c.mtimeMs) changed.push(prefix + c.name);
    }
  }
  return { changed: [...changed, ...sources], sources };
}
