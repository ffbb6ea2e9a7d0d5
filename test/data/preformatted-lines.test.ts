import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { preformatRows } from '../../src/data/csv-rows.ts';
import { DATASET_BIN, DATASET_CSV, writeDataset } from '../../src/data/dataset-files.ts';
import { compactRows } from '../../src/data/find-duplicates.ts';
import { datasetOf } from '../helpers/dataset.ts';
import { tempDir } from '../helpers/temp.ts';

// A file read in two parts comes with its rows formatted as finaldata.csv lines; the writer copies
// the kept rows' lines in runs. The files must equal those written by formatting the kept rows.
test('writeDataset from preformatted lines (two parts, dropped rows, runs across 2 MiB buffers) writes the same files', async () => {
  const features = ['a', 'b', 'c'];
  const n = 120_000; // ~3.3 MB of CSV: runs cross the writer's 2 MiB buffers
  const rows = Array.from({ length: n }, (_, i) => ({
    id: i % 1000 === 7 ? `"quoted, ${i}"` : i % 500 === 3 ? '' : `client-${i}-${'é'.repeat(i % 3)}`,
    x: [i % 17, i % 5 === 0 ? Number.NaN : (i * 7) % 1000, i % 9 === 0 ? 0.25 * i : i],
    y: i % 2,
  }));
  const dropped = new Uint8Array(n).map((_, i) => (i % 13 === 0 || (i > 50_000 && i < 50_300) || i === n - 1 ? 1 : 0));
  const dirs: string[] = [];
  const files: Array<Record<string, Buffer>> = [];
  for (const usePre of [false, true]) {
    const ds = datasetOf(rows, features);
    const split = 61_234;
    const pre = usePre ? { parts: [preformatRows(ds, 0, split), preformatRows(ds, split, n)], dropped } : undefined;
    const kept = compactRows(ds, dropped);
    ds.ids.truncate(kept);
    const out = { ...ds, rows: kept, x: ds.x.map((c) => c.subarray(0, kept)), y: ds.y.subarray(0, kept) };
    const dir = tempDir('riskwatch-prelines-');
    dirs.push(dir);
    await writeDataset(dir, out, { id: 'id', target: 'y' }, undefined, pre);
    files.push({ csv: readFileSync(join(dir, DATASET_CSV)), bin: readFileSync(join(dir, DATASET_BIN)) });
  }
  assert.ok(files[0].csv.length > 3_000_000, `csv bytes ${files[0].csv.length}`);
  assert.ok(files[0].csv.equals(files[1].csv), 'finaldata.csv');
  assert.ok(files[0].bin.equals(files[1].bin), 'finaldata.bin');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
