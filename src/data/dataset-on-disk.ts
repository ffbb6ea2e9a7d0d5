import type { Hash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFileWriter } from '../util/atomic.js';
import { SegmentFile } from './dataset-bin.js';
import { hashFileState, sameCoding, sameList } from './dataset-read.js';
import { DATASET_BIN, DATASET_CSV } from './dataset-layout.js';

/**
 * The dataset on disk as an ingest sees it before appending: finaldata.csv hashed (with the hash
 * state kept, to continue), and — when its .bin chain is intact, current and holds row hashes —
 * the segment files opened in place (nothing loaded). `segments` is null when the dataset must
 * be rewritten instead (no usable chain: RWDS1 files, a crash between renames, a hand edit,
 * other feature columns).
 */
export interface DatasetOnDisk {
  hash: string;
  csvBytes: number;
  hashState: Hash;
  segments: SegmentFile[] | null;
  /** Rows and missing cells per feature, from the segment headers (when `segments`). */
  rows: number;
  missing: Record<string, number>;
  /** finaldata.csv copied to a temp file, ready for appendDataset (when `segments`). */
  copy: AtomicFileWriter | null;
  /** Close the segment files and drop the copy if appendDataset did not use it. */
  close(): Promise<void>;
}

/**
 * `coded`: per feature, whether it is a category column now (codedFeatures). Segments are
 * appended to only when they are RWDS3 with the same columns coded the same way: an RWDS2
 * dataset (written before categories) or one whose kinds changed is rewritten instead.
 */
export async function openDatasetOnDisk(dir: string, features: string[], coded: boolean[] = features.map(() => false)): Promise<DatasetOnDisk | undefined> {
  const csvPath = join(dir, DATASET_CSV);
  if (!existsSync(csvPath)) return undefined;
  // The kernel copies the CSV (for an append) on a libuv thread while this thread hashes it.
  const copying = existsSync(join(dir, DATASET_BIN)) ? AtomicFileWriter.openCopy(csvPath) : null;
  copying?.catch(() => {}); // a failed copy only means no append (awaited below)
  const { state, bytes } = hashFileState(csvPath);
  const hash = state.copy().digest('hex');
  const segments: SegmentFile[] = [];
  const dropCopy = async () => {
    const c = await copying?.catch(() => null);
    await c?.abort();
  };
  const none = async (): Promise<DatasetOnDisk> => {
    segments.forEach((s) => s.close());
    await dropCopy();
    return { hash, csvBytes: bytes, hashState: state, segments: null, rows: 0, missing: {}, copy: null, close: async () => {} };
  };
  try {
    let at: string | null = null;
    while (at !== hash) {
      const path = join(dir, segments.length === 0 ? DATASET_BIN : `${DATASET_BIN}.${segments.length}`);
      const seg = existsSync(path) ? SegmentFile.open(path) : undefined;
      if (!seg) break;
      segments.push(seg);
      const h = seg.header;
      if (h.prev !== at || !sameList(h.features, features) || !h.missing || seg.version !== 3 || !sameCoding(h.levels, coded)) break;
      at = h.hash;
    }
    if (at !== hash) return await none();
  } catch {
    return await none();
  }
  const copy = await copying!.catch(() => null);
  // The copy must hold the bytes that were hashed (nothing else writes the dataset while an
  // ingest holds the run lock; this catches a hand edit in between).
  if (!copy || copy.copiedBytes !== bytes) {
    await copy?.abort();
    return await none();
  }
  const missing: Record<string, number> = Object.fromEntries(features.map((f) => [f, 0]));
  for (const s of segments) for (const f of features) missing[f] += s.header.missing?.[f] ?? 0;
  const close = async () => {
    segments.forEach((s) => s.close());
    await copy.abort(); // removes the temp file unless appendDataset published it
  };
  return { hash, csvBytes: bytes, hashState: state, segments, rows: segments.reduce((n, s) => n + s.rows, 0), missing, copy, close };
}



/** Delete append segments numbered `from` and up (after a rewrite, or stale ones). */
export function removeSegments(dir: string, from: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `${DATASET_BIN}.`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const k = Number(name.slice(prefix.length));
    if (Number.isInteger(k) && k >= from) rmSync(join(dir, name), { force: true });
  }
}
