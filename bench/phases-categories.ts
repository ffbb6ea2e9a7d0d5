/**
 * bench/phases.ts for the client table of bench/crm-table.ts: where one cold ingest of it spends
 * its time, phase by phase (wall and CPU), in one fresh process. Not part of any npm script.
 *   node --import tsx bench/phases-categories.ts FILE OUTDIR
 */
import { mkdirSync, rmSync } from 'node:fs';
import { DatasetBuilder } from '../src/data/dataset.ts';
import { readDataFile } from '../src/data/read-data-file.ts';
import { compactRows, markDuplicates } from '../src/data/find-duplicates.ts';
import { writeDataset } from '../src/data/dataset-files.ts';
import { CRM_CATEGORIES, CRM_COUNTS, CRM_FEATURES, CRM_NUMBERS } from './crm-table.ts';

const [file, out] = process.argv.slice(2);
const features = [...CRM_FEATURES];
const featureTypes = Object.fromEntries([...CRM_COUNTS.map((f) => [f, 'count']), ...CRM_NUMBERS.map((f) => [f, 'number']), ...CRM_CATEGORIES.map((f) => [f, 'category'])]);
const schema = { id: 'client_id', features, featureTypes, target: 'churned', requireTarget: true, requireId: true, labels: { positive: 'Yes', negative: 'No' } } as never;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const t: string[] = [];
let last = performance.now();
let lastCpu = process.cpuUsage();
const mark = (name: string) => {
  const now = performance.now();
  const cpu = process.cpuUsage(lastCpu);
  t.push(`${name} ${(now - last).toFixed(0)}/${((cpu.user + cpu.system) / 1000).toFixed(0)}`);
  last = now;
  lastCpu = process.cpuUsage();
};
const b = new DatasetBuilder(features, 1024, { hashes: true });
b.useLevels(features.map((f) => featureTypes[f] === 'category'));
await readDataFile(file, schema, b, {});
mark('read');
const hashes = b.hashes!.subarray(0, b.rows);
const dup = markDuplicates(b.build(), hashes);
mark('dedup');
let w = 0;
for (let i = 0; i < hashes.length; i++) if (!dup[i]) hashes[w++] = hashes[i];
b.truncate(compactRows(b, dup));
mark('compact');
await writeDataset(out, b.build(), { id: 'client_id', target: 'churned' }, hashes.subarray(0, w));
mark('write');
console.log(t.join(' | '), '(ms wall/cpu)');
