import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectRows, type Dataset } from '../../src/data/dataset.ts';
import { datasetOf, segmentBytes, type Row } from '../helpers/dataset.ts';
import { SegmentFile } from '../../src/data/dataset-bin.ts';
import { findDuplicates } from '../../src/data/find-duplicates.ts';
import { findNewDuplicates, hashRows } from '../../src/data/find-new-duplicates.ts';
import { Random } from '../../src/util/random.ts';
import { tempDir } from '../helpers/temp.ts';

const FEATURES = ['a', 'b', 'c'];

const dataset = (rows: Row[]): Dataset => datasetOf(rows, FEATURES);

/** Small domains, NaN (missing) and −0 among the values, so rows repeat often. */
function randomRows(rng: Random, n: number): Row[] {
  const values = [0, -0, 1, 2, Number.NaN, 1e9];
  return Array.from({ length: n }, () => ({
    id: ['a', 'b', 'é', 'a,b', ''][Math.floor(rng.next() * 5)],
    x: FEATURES.map(() => values[Math.floor(rng.next() * values.length)]),
    y: rng.next() < 0.5 ? 1 : 0,
  }));
}

/** Write `ds` as segment files of `parts` pieces and open them. */
async function segments(ds: Dataset, parts: number, hashes = hashRows(ds)): Promise<SegmentFile[]> {
  const dir = tempDir('riskwatch-seg-');
  const out: SegmentFile[] = [];
  const size = Math.ceil(ds.rows / parts);
  for (let p = 0; p < parts; p++) {
    const mask = new Uint8Array(ds.rows);
    for (let i = p * size; i < Math.min(ds.rows, (p + 1) * size); i++) mask[i] = 1;
    const part = selectRows(ds, mask, 1);
    const partHashes = hashes.filter((_, i) => mask[i] === 1);
    const path = join(dir, `seg${p}`);
    writeFileSync(path, await segmentBytes(part, partHashes, { hash: `h${p}`, prev: p ? `h${p - 1}` : null, id: 'id', target: 'y' }));
    out.push(SegmentFile.open(path)!);
  }
  return out;
}

test('findNewDuplicates marks exactly what findDuplicates over stored + added marks in the added rows', async () => {
  const rng = new Random(11);
  for (let trial = 0; trial < 40; trial++) {
    const raw = dataset(randomRows(rng, 20 + Math.floor(rng.next() * 300)));
    // Stored rows are free of duplicates (every ingest leaves them so).
    const stored = selectRows(raw, findDuplicates(raw), 0);
    const addedRows = randomRows(rng, Math.floor(rng.next() * 200));
    const added = dataset(addedRows);
    const segs = await segments(stored, 1 + (trial % 3));
    const hashes = hashRows(added);
    const mask = findNewDuplicates(segs, added, hashes);
    segs.forEach((s) => s.close());

    const storedRows: Row[] = Array.from({ length: stored.rows }, (_, i) => ({ id: stored.ids.get(i), x: stored.x.map((c) => c[i]), y: stored.y[i] }));
    const oracle = findDuplicates(dataset([...storedRows, ...addedRows])).subarray(stored.rows);
    assert.deepEqual(Array.from(mask), Array.from(oracle), `trial ${trial}`);
    assert.deepEqual(Array.from(hashes), Array.from(hashRows(added)), 'the added rows\' hashes are left as they were');
  }
});

test('equal stored hashes are confirmed against the stored row: a hash collision never drops a row', async () => {
  const added = dataset([
    { id: 'new', x: [1, 2, 3], y: 0 },
    { id: 'same', x: [4, Number.NaN, 6], y: 1 },
  ]);
  const h = hashRows(added);
  const stored = dataset([
    { id: 'other', x: [1, 2, 3], y: 0 },
    { id: 'new', x: [1, 2, 3], y: 1 },
    { id: 'same', x: [4, Number.NaN, 6], y: 1 },
    { id: 'nan', x: [1, Number.NaN, 3], y: 0 },
  ]);
  // Every stored row claims the first added row's hash (forced collisions), except the real copy
  // of the second added row, which carries its true hash.
  const forced = new Uint32Array([h[0], h[0], h[1], h[0]]);
  const segs = await segments(stored, 2, forced);
  const mask = findNewDuplicates(segs, added, h);
  segs.forEach((s) => s.close());
  assert.deepEqual(Array.from(mask), [0, 1]);
});
