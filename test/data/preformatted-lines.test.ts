import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { preformatRows } from '../../src/data/csv-rows.ts';
import { DATASET_BIN, DATASET_CSV, writeCsvAhead, writeDataset } from '../../src/data/dataset-files.ts';
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
  for (const mode of ['format', 'pre', 'ahead'] as const) {
    const ds = datasetOf(rows, features);
    const split = 61_234;
    const pre = mode !== 'format' ? { parts: [preformatRows(ds, 0, split), preformatRows(ds, split, n)], dropped } : undefined;
    const dir = tempDir('riskwatch-prelines-');
    dirs.push(dir);
    // Ahead: the CSV's writes start before the rows are compacted (the lines need only the mask).
    const ahead = mode === 'ahead' ? await writeCsvAhead(dir, features, { id: 'id', target: 'y' }, pre!) : undefined;
    const kept = compactRows(ds, dropped);
    ds.ids.truncate(kept);
    const out = { ...ds, rows: kept, x: ds.x.map((c) => c.subarray(0, kept)), y: ds.y.subarray(0, kept) };
    await writeDataset(dir, out, { id: 'id', target: 'y' }, undefined, pre, undefined, ahead);
    files.push({ csv: readFileSync(join(dir, DATASET_CSV)), bin: readFileSync(join(dir, DATASET_BIN)) });
  }
  assert.ok(files[0].csv.length > 3_000_000, `csv bytes ${files[0].csv.length}`);
  assert.ok(files[0].csv.equals(files[1].csv), 'finaldata.csv');
  assert.ok(files[0].bin.equals(files[1].bin), 'finaldata.bin');
  assert.ok(files[0].csv.equals(files[2].csv), 'finaldata.csv written ahead');
  assert.ok(files[0].bin.equals(files[2].bin), 'finaldata.bin after a CSV written ahead');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

test('finaldata.csv written ahead and then not used leaves nothing behind: aborted, or a dataset of another length', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ id: `c${i}`, x: [i, i % 7], y: i % 2 }));
  const dropped = new Uint8Array(rows.length).map((_, i) => (i % 10 === 0 ? 1 : 0));
  const cols = { id: 'id', target: 'y' };
  const dir = tempDir('riskwatch-prelines-ahead-');
  const ds = datasetOf(rows, ['a', 'b']);
  const pre = () => ({ parts: [preformatRows(ds, 0, 2000), preformatRows(ds, 2000, rows.length)], dropped });
  const first = await writeCsvAhead(dir, ['a', 'b'], cols, pre());
  assert.equal(first.rows, 4500);
  await first.abort();
  assert.deepEqual(readdirSync(dir), []);
  // Not compacted: 5000 rows against 4500 lines written ahead — refused, the temp files removed.
  const second = await writeCsvAhead(dir, ['a', 'b'], cols, pre());
  await assert.rejects(writeDataset(dir, ds, cols, undefined, undefined, undefined, second), /written ahead for 4500 rows/);
  assert.deepEqual(readdirSync(dir), []);
  rmSync(dir, { recursive: true, force: true });
});
