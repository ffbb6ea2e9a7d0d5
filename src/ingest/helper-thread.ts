import type { Dataset, DatasetBuilder } from '../data/dataset.js';
import { compactRows, compactShared, markDuplicates, planDuplicates, probeBuckets } from '../data/find-duplicates.js';
import type { PartWorker } from '../data/parse-worker-client.js';

// What ingest hands to the parse worker it kept (a large file read in two parts into shared
// columns): half of the duplicate search and half of the compaction.

/** The last large file's parse worker, kept to compact the shared columns alongside this thread (stopped when the ingest ends). */
export interface Helper {
  worker?: PartWorker;
}

/** Shared columns being compacted by the kept parse worker and this thread (compactShared). */
interface Compaction {
  away: number[];
  cols: Float64Array[];
  n: number;
  next: Int32Array;
  missing: Float64Array;
  done: Promise<{ ok: true } | { error: string }>;
}

/**
 * Start compacting the feature columns in shared memory on the kept parse worker (undefined when
 * there is none): it works while this thread goes on (finaldata.csv's lines hashed), then this
 * thread joins in (finishCompaction). Column by column, so the result is the same whichever
 * thread compacts a column.
 */
export function startCompaction(builder: DatasetBuilder, mask: Uint8Array, helper: Helper): Compaction | undefined {
  const worker = helper.worker;
  if (!worker) return undefined;
  const away: number[] = [];
  builder.x.forEach((c, f) => {
    if (c.buffer instanceof SharedArrayBuffer) away.push(f);
  });
  if (away.length === 0) return undefined;
  const cols = away.map((f) => builder.x[f]);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const missing = new Float64Array(new SharedArrayBuffer(8 * away.length));
  const n = builder.rows;
  return { away, cols, n, next, missing, done: worker.compact({ compact: cols, mask, n, next, missing }) };
}

/**
 * compactRows, the columns `c` covers compacted with the worker (this thread takes those it has
 * not taken yet). A worker that fails fails the ingest (a column may be half-compacted); nothing
 * has been committed by then.
 */
export async function finishCompaction(builder: DatasetBuilder, mask: Uint8Array, missing: Float64Array, c: Compaction | undefined): Promise<number> {
  if (!c) return compactRows(builder, mask, missing);
  compactShared(c.cols, mask, c.n, c.next, c.missing);
  const rows = compactRows(builder, mask, missing, new Set(c.away));
  const r = await c.done;
  if ('error' in r) throw new Error(`compacting the dataset's columns: ${r.error}`);
  c.away.forEach((f, i) => (missing[f] = c.missing[i]));
  return rows;
}

/** The values whose mask entry is 0, in order (the row hashes of the rows compactRows keeps). */
export function keepUnmasked(values: Uint32Array, mask: Uint8Array): Uint32Array {
  let w = 0;
  for (let i = 0; i < values.length; i++) if (!mask[i]) values[w++] = values[i];
  return values.subarray(0, w);
}

/**
 * markDuplicates on two threads, when the dataset's rows are all in shared memory and the kept
 * parse worker is there: the buckets are planned here, then those holding the second half of the
 * rows are probed on the worker while this thread probes the first (each bucket's rows are marked
 * by its own pass only, so the mask is the one markDuplicates gives). A worker that fails leaves
 * its buckets to this thread (probing a bucket again marks the same rows).
 */
export async function markDuplicatesWith(ds: Dataset, keys: Uint32Array, helper: Helper): Promise<Uint8Array> {
  const worker = helper.worker;
  const n = ds.rows;
  const shared = (a: ArrayBufferView) => a.buffer instanceof SharedArrayBuffer;
  if (!worker || n < 2 || !ds.x.every(shared) || !shared(ds.y) || !shared(ds.ids.starts) || !shared(ds.ids.lens) || !shared(ds.ids.bytes)) return markDuplicates(ds, keys);
  const plan = planDuplicates(keys, n, true);
  const mask = new Uint8Array(new SharedArrayBuffer(n));
  let mid = 0;
  while (mid < plan.buckets && plan.starts[mid] < n / 2) mid++;
  const ids = ds.ids;
  const away = worker.probe({ probe: plan, from: mid, to: plan.buckets, rows: n, x: ds.x, y: ds.y, idStarts: ids.starts, idLens: ids.lens, idBytes: ids.bytes, mask });
  probeBuckets(ds, plan, 0, mid, mask);
  if ('error' in (await away)) probeBuckets(ds, plan, mid, plan.buckets, mask);
  return mask;
}
