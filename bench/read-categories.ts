/**
 * The CSV read of the client table alone (CsvRowSink over the file's bytes in 1 MiB chunks, as
 * readDataFile pushes them; no file I/O, no sha256), in one process: --runs reads, each into a
 * fresh builder, CPU time (process.cpuUsage) of each. For working on the fast path (fast-row.ts);
 * not part of any npm script.
 *   node --import tsx bench/read-categories.ts FILE [--runs 5]
 */
import { readFileSync } from 'node:fs';
import { DatasetBuilder } from '../src/data/dataset.ts';
import { CsvRowSink } from '../src/data/row-sink.ts';
import { CRM_CATEGORIES, CRM_COUNTS, CRM_FEATURES, CRM_NUMBERS } from './crm-table.ts';

const file = process.argv[2];
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5);
const features = [...CRM_FEATURES];
const featureTypes = Object.fromEntries([...CRM_COUNTS.map((f) => [f, 'count']), ...CRM_NUMBERS.map((f) => [f, 'number']), ...CRM_CATEGORIES.map((f) => [f, 'category'])]);
const schema = { id: 'client_id', features, featureTypes, target: 'churned', requireTarget: true, requireId: true, labels: { positive: 'Yes', negative: 'No' } } as never;
const bytes = readFileSync(file);
const cpu: number[] = [];
let fast = 0;
for (let k = 0; k < runs; k++) {
  const c0 = process.cpuUsage();
  const b = new DatasetBuilder(features, 1024, { hashes: true });
  b.reserve(1_010_000, 8_100_000); // as readDataFile sizes the builder from its first chunk
  const sink = new CsvRowSink('f.csv', schema, b, {});
  for (let at = 0; at < bytes.length; at += 1 << 20) sink.push(bytes.subarray(at, Math.min(bytes.length, at + (1 << 20))));
  sink.end();
  const c = process.cpuUsage(c0);
  cpu.push(Math.round((c.user + c.system) / 1000));
  fast = (sink as unknown as { fastRows: { total: number } | null }).fastRows?.total ?? 0;
}
console.log(`CPU ms per read: ${cpu.join(' ')}; rows by the fast path in the last: ${fast}`);
