/**
 * bench/phases.ts for the client table of bench/crm-table.ts: where one cold ingest of it spends
 * its time, phase by phase (wall and CPU), in one fresh process. Not part of any npm script.
 *   node --import tsx bench/phases-categories.ts FILE OUTDIR [lines]
 * With `lines`, as ingest does: the read asks for csvLines (formatted by the two-part read's
 * worker for its part) and the writer copies the kept rows' lines. Each phase shows wall / process CPU /
 * main thread's CPU (from /proc, 10 ms ticks), in ms.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { DatasetBuilder } from '../src/data/dataset.ts';
import { readDataFile } from '../src/data/read-data-file.ts';
import { compactRows, markDuplicates } from '../src/data/find-duplicates.ts';
import { writeDataset } from '../src/data/dataset-files.ts';
import { CRM_CATEGORIES, CRM_COUNTS, CRM_FEATURES, CRM_NUMBERS } from './crm-table.ts';

const [file, out, mode] = process.argv.slice(2);
const lines = mode === 'lines';
/** This (main) thread's user + system CPU in ms: fields 14 and 15 of /proc/self/task/PID/stat. */
const mainCpu = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};
const features = [...CRM_FEATURES];
const featureTypes = Object.fromEntries([...CRM_COUNTS.map((f) => [f, 'count']), ...CRM_NUMBERS.map((f) => [f, 'number']), ...CRM_CATEGORIES.map((f) => [f, 'category'])]);
const schema = { id: 'client_id', features, featureTypes, target: 'churned', requireTarget: true, requireId: true, labels: { positive: 'Yes', negative: 'No' } } as never;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const t: string[] = [];
let last = performance.now();
let lastCpu = process.cpuUsage();
let lastMain = mainCpu();
const first = { wall: last, cpu: lastCpu, main: lastMain };
const mark = (name: string) => {
  const now = performance.now();
  const cpu = process.cpuUsage(lastCpu);
  const m = mainCpu();
  t.push(`${name} ${(now - last).toFixed(0)}/${((cpu.user + cpu.system) / 1000).toFixed(0)}/${(m - lastMain).toFixed(0)}`);
  last = now;
  lastCpu = process.cpuUsage();
  lastMain = m;
};
const b = new DatasetBuilder(features, 1024, { hashes: true });
b.useLevels(features.map((f) => featureTypes[f] === 'category'));
const r = await readDataFile(file, schema, b, { csvLines: lines });
mark('read');
const hashes = b.hashes!.subarray(0, b.rows);
const dup = markDuplicates(b.build(), hashes);
mark('dedup');
const pre = r.csvLines ? { parts: r.csvLines, dropped: dup } : undefined;
let w = 0;
for (let i = 0; i < hashes.length; i++) if (!dup[i]) hashes[w++] = hashes[i];
b.truncate(compactRows(b, dup));
mark('compact');
await writeDataset(out, b.build(), { id: 'client_id', target: 'churned' }, hashes.subarray(0, w), pre);
mark('write');
const all = process.cpuUsage(first.cpu);
t.push(`total ${(performance.now() - first.wall).toFixed(0)}/${((all.user + all.system) / 1000).toFixed(0)}/${(mainCpu() - first.main).toFixed(0)}`);
console.log(lines ? 'lines' : 'plain', t.join(' | '), `(ms wall/cpu/main-thread cpu; csv lines ${pre ? 'copied' : 'formatted'})`);
