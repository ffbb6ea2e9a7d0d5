import { writeSegment } from '../../src/data/dataset-bin.ts';
import { DatasetBuilder, type Dataset } from '../../src/data/dataset.ts';

/** A row as tests write it: id, feature values (NaN = missing), label. */
export interface Row {
  id: string;
  x: number[];
  y: number;
}

/** An in-memory dataset of `rows`, built the way the readers build one. */
export function datasetOf(rows: Row[], features: string[]): Dataset {
  const b = new DatasetBuilder(features, 2);
  for (const r of rows) {
    const i = b.next();
    r.x.forEach((v, j) => (b.x[j][i] = v));
    b.y[i] = r.y;
    b.ids.pushString(r.id);
    b.commit();
  }
  return b.build();
}

/**
 * A segment file's bytes as writeSegment lays them out (it writes every section at its own
 * position, all at once); checks that the sections tile the file with no gap or overlap.
 */
export async function segmentBytes(...args: Parameters<typeof writeSegment> extends [unknown, ...infer Rest] ? Rest : never): Promise<Buffer> {
  const parts: Array<{ at: number; bytes: Buffer }> = [];
  await writeSegment(async (b, at) => void parts.push({ at, bytes: Buffer.from(b) }), ...args);
  parts.sort((a, b) => a.at - b.at);
  let end = 0;
  for (const p of parts) {
    if (p.at !== end) throw new Error(`segment sections do not tile: one starts at ${p.at}, the one before ends at ${end}`);
    end += p.bytes.length;
  }
  return Buffer.concat(parts.map((p) => p.bytes));
}
