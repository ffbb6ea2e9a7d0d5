/**
 * The "reading alone" baseline for `predict --out`: readTable on a CSV, in-process, timed from
 * the call to its return (no process start, no model, no output). Prints one JSON line.
 *   node --import tsx bench/read-alone.ts <csv> [runs]
 */
import { readTable } from '../src/data/read-table.ts';

const [file, runsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/read-alone.ts <csv> [runs]');
const schema = {
  id: 'corporation',
  features: ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'],
  featureTypes: { lastmonth_activity: 'count', lastyear_activity: 'count', number_of_employees: 'count' } as const,
  target: 'exited',
  requireTarget: false,
  requireId: false,
};
const ms: number[] = [];
for (let r = 0; r < Number(runsArg ?? 1); r++) {
  const t = performance.now();
  const table = await readTable(file, 'csv', schema);
  ms.push(performance.now() - t);
  if (table.dataset.rows === 0) throw new Error('no rows');
}
console.log(JSON.stringify({ file, ms: ms.map((v) => Math.round(v)) }));
