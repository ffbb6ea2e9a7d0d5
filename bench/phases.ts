/**
 * Where one cold ingest of a big file spends its time, phase by phase, in one fresh process
 * (as the CLI runs it: every loop starts cold in the JIT). Not part of `npm run bench`.
 *   node --import tsx bench/phases.ts FILE OUTDIR
 */
import { mkdirSync, rmSync } from 'node:fs';
import { DatasetBuilder } from '../src/data/dataset.ts';
import { readDataFile } from '../src/data/read-data-file.ts';
import { compactRows, markDuplicates } from '../src/data/find-duplicates.ts';
import { writeDataset } from '../src/data/dataset-files.ts';

const [file, out] = process.argv.slice(2);
const schema = { id: 'corporation', features: ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'], featureTypes: {}, target: 'exited', requireTarget: true, requireId: true } as never;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const t: Array<[string, number]> = [];
let last = performance.now();
const mark = (name: string) => {
  const now = performance.now();
  t.push([name, now - last]);
  last = now;
};
const b = new DatasetBuilder(['lastmonth_activity', 'lastyear_activity', 'number_of_employees'], 1024, { hashes: true });
await readDataFile(file, schema, b, {});
mark('read+parse+validate+sha');
const hashes = b.hashes!.subarray(0, b.rows); // as ingest: the builder's hashes are dedup's keys
const dup = markDuplicates(b.build(), hashes);
mark('findDuplicates');
let w = 0;
for (let i = 0; i < hashes.length; i++) if (!dup[i]) hashes[w++] = hashes[i];
b.truncate(compactRows(b, dup));
mark('compact');
await writeDataset(out, b.build(), { id: 'corporation', target: 'exited' }, hashes.subarray(0, w));
mark('writeDataset');
console.log(t.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(' | '), `| total ${t.reduce((s, [, ms]) => s + ms, 0).toFixed(0)}`);
