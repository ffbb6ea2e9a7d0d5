import assert from 'node:assert/strict';
import { DatasetBuilder, levelsOf } from '../../src/data/dataset.ts';
import { hashRows } from '../../src/data/find-new-duplicates.ts';
import { CsvRowSink, type LoggedReject } from '../../src/data/row-sink.ts';
import { LineBuffer, preformatRows } from '../../src/data/csv-rows.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { rng } from './random.ts';

/**
 * Read CSV bytes through a CsvRowSink, pushed in pieces cut at `cuts`, on the fast path or only the
 * general one: what the fast-path tests compare between the two. `rows` are [id, ...features, y];
 * `hashes` the builder's row hashes, `expectHashes` hashRows of the built dataset; `fastTaken` how
 * many rows the fast path read itself. `lines`: the rows' finaldata.csv lines as the sink made them
 * while reading (keepLines, from a small buffer that must grow) and `formatted`: as preformatRows
 * formats the built rows — the two must be equal.
 */
export function sinkRead(bytes: Buffer, schema: TableSchema, fastPath: boolean, cuts: number[]) {
  const features = schema.features;
  const b = new DatasetBuilder(features, 16, { hashes: true });
  const rejects: LoggedReject[] = [];
  const sink = new CsvRowSink('f.csv', schema, b, { fastPath, maxLoggedRejects: 1e9, onReject: (x) => rejects.push(x) });
  sink.keepLines(new LineBuffer(0, 64, 16));
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    sink.push(bytes.subarray(at, c));
    at = c;
  }
  sink.end();
  const ds = b.build();
  const rows = Array.from({ length: ds.rows }, (_, i) => [ds.ids.get(i), ...features.map((_, j) => ds.x[j][i]), ds.y[i]]);
  const fastTaken = (sink as unknown as { fastRows: { total: number } | null }).fastRows?.total ?? 0;
  const asText = (f: { bytes: Buffer; ends: Uint32Array }) => ({ text: f.bytes.subarray(0, f.ends.length ? f.ends[f.ends.length - 1] : 0).toString('utf8'), ends: Array.from(f.ends) });
  return {
    lines: asText(sink.csvLines()!),
    formatted: asText(preformatRows(ds, 0, ds.rows)),
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

/**
 * For each seed 1..`seeds`: the file `makeFile(seed)` read by the general path and by the fast
 * path, cut at up to five random places (rng(seed · cutSeed)) and whole, must give the same rows
 * (deepStrictEqual: Object.is, so −0 ≠ 0), dictionaries in the same order, counts, rejects, and the
 * builder's hashes must be hashRows'. Returns how many rows the fast path took itself, so the
 * caller can check it was exercised at all.
 */
export function assertFastPathAgrees(makeFile: (seed: number) => string, schema: TableSchema, seeds: number, cutSeed: number): number {
  let fastTaken = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const bytes = Buffer.from(makeFile(seed), 'utf8');
    const r = rng(seed * cutSeed);
    const cuts = Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * bytes.length)).sort((a, b) => a - b);
    const general = sinkRead(bytes, schema, false, cuts);
    const where = `seed ${seed}`;
    assert.equal(general.fastTaken, 0);
    const whole = sinkRead(bytes, schema, true, []);
    for (const other of [sinkRead(bytes, schema, true, cuts), whole]) {
      assert.deepEqual(other.rows, general.rows, where);
      assert.deepEqual(other.levels, general.levels, `${where}: the same dictionaries, in the same order`);
      assert.deepEqual(other.counts, general.counts, where);
      assert.deepEqual(other.rejects, general.rejects, where);
      assert.deepEqual(other.hashes, general.expectHashes, `${where}: builder hashes are hashRow's`);
      assert.deepEqual(other.lines, general.formatted, `${where}: the lines made while reading are finaldata.csv's`);
    }
    assert.deepEqual(general.lines, general.formatted, where);
    fastTaken += whole.fastTaken;
  }
  return fastTaken;
}
