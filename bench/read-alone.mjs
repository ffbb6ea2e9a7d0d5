#!/usr/bin/env node
// The "reading alone" baseline that `predict --out` is compared with: readTable on a CSV in a
// fresh process (built code: run `npm run build` first), timed in-process from the call to its
// return; the whole process's time is what /usr/bin/time around this script shows. No model, no
// scoring, no output. Prints one JSON line.
//   node bench/read-alone.mjs <csv> [dist folder, default ../dist]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [file, dist] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/read-alone.mjs <csv> [dist folder]');
const root = dist ? pathToFileURL(resolve(dist) + '/').href : new URL('../dist/', import.meta.url).href;
const { readTable } = await import(new URL('data/read-table.js', root).href);
const features = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
const schema = { id: 'corporation', features, featureTypes: Object.fromEntries(features.map((f) => [f, 'count'])), target: 'exited', requireTarget: false, requireId: false };
const t = performance.now();
const table = await readTable(file, 'csv', schema);
const ms = performance.now() - t;
console.log(JSON.stringify({ file, rows: table.dataset.rows, readMs: Math.round(ms) }));
