import { DatasetBuilder, levelsOf } from '../../src/data/dataset.ts';
import { hashRows } from '../../src/data/find-new-duplicates.ts';
import { CsvRowSink, type LoggedReject } from '../../src/data/row-sink.ts';
import type { TableSchema } from '../../src/data/columns.ts';

/**
 * Read CSV bytes through a CsvRowSink, pushed in pieces cut at `cuts`, on the fast path or only the
 * general one: what the fast-path tests compare between the two. `rows` are [id, ...features, y];
 * `hashes` the builder's row hashes, `expectHashes` hashRows of the built dataset; `fastTaken` how
 * many rows the fast path read itself.
 */
export function sinkRead(bytes: Buffer, schema: TableSchema, fastPath: boolean, cuts: number[]) {
  const features = schema.features;
  const b = new DatasetBuilder(features, 16, { hashes: true });
  const rejects: LoggedReject[] = [];
  const sink = new CsvRowSink('f.csv', schema, b, { fastPath, maxLoggedRejects: 1e9, onReject: (x) => rejects.push(x) });
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    sink.push(bytes.subarray(at, c));
    at = c;
  }
  sink.end();
  const ds = b.build();
  const rows = Array.from({ length: ds.rows }, (_, i) => [ds.ids.get(i), ...features.map((_, j) => ds.x[j][i]), ds.y[i]]);
  const fastTaken = (sink as unknown as { fastRows: { total: number } | null }).fastRows?.total ?? 0;
  return {
    rows,
    levels: features.map((_, j) => levelsOf(ds, j)),
    hashes: Array.from(b.hashes!.subarray(0, b.rows)),
    expectHashes: Array.from(hashRows(ds)),
    counts: sink.counts(),
    rejects,
    fastTaken,
    nextLine: sink.nextLine,
  };
}
