import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DatasetBuilder, type Dataset } from '../../src/data/dataset.ts';
import { DATASET_BIN, DATASET_CSV, readDataset, writeDataset } from '../../src/data/dataset-files.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { datasetOf } from '../helpers/dataset.ts';
import { tempDir } from '../helpers/temp.ts';

const FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
const COLS = { id: 'corporation', target: 'exited' };

function schema(features = FEATURES, types: 'count' | 'number' = 'count'): TableSchema {
  return {
    id: COLS.id,
    features,
    featureTypes: Object.fromEntries(features.map((f) => [f, types])),
    target: COLS.target,
    requireTarget: true,
    requireId: true,
  };
}

interface Row {
  id: string;
  x: number[];
  y: number;
}

const dataset = (rows: Row[], features = FEATURES): Dataset => datasetOf(rows, features);

function rowsOf(ds: Dataset): Row[] {
  return Array.from({ length: ds.rows }, (_, i) => ({ id: ds.ids.get(i), x: ds.x.map((c) => c[i]), y: ds.y[i] }));
}

const tmp = () => tempDir('riskwatch-dsfiles-');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const cell = (v: number) => (Number.isNaN(v) ? '' : String(v));

/** What csv-parse (an independent reader) makes of finaldata.csv. */
function csvCells(dir: string): string[][] {
  return parse(readFileSync(join(dir, DATASET_CSV)), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
}

function expectedCells(rows: Row[], features = FEATURES): string[][] {
  return [[COLS.id, ...features, COLS.target], ...rows.map((r) => [r.id, ...r.x.map(cell), String(r.y)])];
}

const TRICKY_IDS = [
  'plain',
  'comma, inc',
  'say "hi"',
  '"',
  '""',
  'line\nbreak',
  'crlf\r\ninside',
  'lone\rcr',
  ' leading space',
  'trailing space ',
  '   ',
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://x","y")',
  '+SUM(1,2)',
  '-2+3',
  '@attack',
  'Zürich 東京 🎉',
  '\uFEFFbom-looking',
  '\ttab',
];

const NaN_ = Number.NaN;
const tricky: Row[] = TRICKY_IDS.map((id, i) => ({
  id,
  x: [i % 3 === 0 ? NaN_ : i, i * 1000, i % 4 === 1 ? NaN_ : 9007199254740991 - i],
  y: i % 2,
}));

describe('writeDataset → readDataset', () => {
  test('round trip through finaldata.bin: ids, missing values, labels exact; hash is the CSV sha256', async () => {
    const dir = tmp();
    const w = await writeDataset(dir, dataset(tricky), COLS);
    assert.equal(w.hash, sha256(join(dir, DATASET_CSV)));
    assert.deepEqual(readdirSync(dir).sort(), [DATASET_BIN, DATASET_CSV], 'no temp files left behind');
    const r = await readDataset(dir, schema());
    assert.ok(r);
    assert.equal(r.source, 'bin');
    assert.equal(r.hash, w.hash);
    assert.deepEqual(rowsOf(r.dataset), tricky);
    rmSync(dir, { recursive: true });
  });

  test('finaldata.csv re-parses with csv-parse to the same cells; formula-like ids are kept verbatim', async () => {
    const dir = tmp();
    await writeDataset(dir, dataset(tricky), COLS);
    assert.deepEqual(csvCells(dir), expectedCells(tricky));
    const text = readFileSync(join(dir, DATASET_CSV), 'utf8');
    assert.ok(text.startsWith('corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\n'));
    // Not prefixed, escaped or quoted: a formula-looking id is data, written as it came.
    assert.ok(text.includes("\n=cmd|' /C calc'!A0,"), 'formula id verbatim');
    assert.ok(text.includes('\n"+SUM(1,2)",'), 'quoted only because of its comma');
    assert.ok(text.includes('\n-2+3,'), 'not quoted, not prefixed');
    // Missing values are empty cells.
    assert.ok(text.includes('\nplain,,0,9007199254740991,0\n'));
    rmSync(dir, { recursive: true });
  });

  test('CSV fallback when finaldata.bin is missing', async () => {
    const dir = tmp();
    const w = await writeDataset(dir, dataset(tricky), COLS);
    unlinkSync(join(dir, DATASET_BIN));
    const r = await readDataset(dir, schema());
    assert.ok(r);
    assert.equal(r.source, 'csv');
    assert.equal(r.hash, w.hash);
    assert.deepEqual(rowsOf(r.dataset), tricky);
    rmSync(dir, { recursive: true });
  });

  test('CSV wins when finaldata.bin is stale (from an earlier dataset: hash mismatch)', async () => {
    const dir = tmp();
    const older = tricky.slice(0, 5);
    await writeDataset(dir, dataset(older), COLS);
    copyFileSync(join(dir, DATASET_BIN), join(dir, 'old.bin'));
    const newer = [...tricky, { id: 'new row', x: [1, 2, 3], y: 1 }];
    const w = await writeDataset(dir, dataset(newer), COLS);
    // As after a crash between the two renames: the new CSV next to the old .bin.
    copyFileSync(join(dir, 'old.bin'), join(dir, DATASET_BIN));
    const r = await readDataset(dir, schema());
    assert.ok(r);
    assert.equal(r.source, 'csv');
    assert.equal(r.hash, w.hash);
    assert.deepEqual(rowsOf(r.dataset), newer);
    rmSync(dir, { recursive: true });
  });

  test('shared (the CSV hashed on another thread while the chain is read to its end): the same source, hash and rows as unshared, whatever follows the CSV\'s segment', async () => {
    const dir = tmp();
    const w = await writeDataset(dir, dataset(tricky), COLS);
    const same = async (source: 'bin' | 'csv', rows: Row[], hash: string) => {
      for (const shared of [true, false]) {
        const r = await readDataset(dir, schema(), { shared });
        assert.ok(r);
        assert.equal(r.source, source, `shared ${shared}`);
        assert.equal(r.hash, hash);
        assert.deepEqual(rowsOf(r.dataset), rows);
        if (shared && source === 'bin') assert.ok(r.dataset.x[0].buffer instanceof SharedArrayBuffer);
      }
    };
    await same('bin', tricky, w.hash);
    // A file after the CSV's segment that is no segment of the chain (a crash's leftover): the
    // read to the chain's end fails, the read up to the hash does not.
    copyFileSync(join(dir, DATASET_BIN), join(dir, `${DATASET_BIN}.1`));
    await same('bin', tricky, w.hash);
    // The CSV no longer the .bin's: the CSV.
    unlinkSync(join(dir, `${DATASET_BIN}.1`));
    const csvPath = join(dir, DATASET_CSV);
    writeFileSync(csvPath, readFileSync(csvPath, 'utf8') + 'added by hand,1,2,3,1\n');
    await same('csv', [...tricky, { id: 'added by hand', x: [1, 2, 3], y: 1 }], sha256(csvPath));
    rmSync(dir, { recursive: true });
  });

  test('CSV wins when finaldata.csv was edited after it was written', async () => {
    const dir = tmp();
    await writeDataset(dir, dataset(tricky), COLS);
    const csvPath = join(dir, DATASET_CSV);
    writeFileSync(csvPath, readFileSync(csvPath, 'utf8') + 'added by hand,1,2,3,1\n');
    const r = await readDataset(dir, schema());
    assert.ok(r);
    assert.equal(r.source, 'csv');
    assert.equal(r.hash, sha256(csvPath));
    assert.deepEqual(rowsOf(r.dataset), [...tricky, { id: 'added by hand', x: [1, 2, 3], y: 1 }]);
    rmSync(dir, { recursive: true });
  });

  test('CSV wins when finaldata.bin is corrupt (garbage, cut short anywhere)', async () => {
    const dir = tmp();
    await writeDataset(dir, dataset(tricky), COLS);
    const binPath = join(dir, DATASET_BIN);
    const good = readFileSync(binPath);
    const cuts = [0, 3, 6, 8, 20, good.length - 1, Math.floor(good.length / 2)];
    for (const cut of cuts) {
      writeFileSync(binPath, good.subarray(0, cut));
      const r = await readDataset(dir, schema());
      assert.ok(r, `cut at ${cut}`);
      assert.equal(r.source, 'csv', `cut at ${cut}`);
      assert.deepEqual(rowsOf(r.dataset), tricky, `cut at ${cut}`);
    }
    writeFileSync(binPath, Buffer.from('not a dataset at all\n'));
    assert.equal((await readDataset(dir, schema()))?.source, 'csv');
    // Same length, the JSON header damaged.
    const damaged = Buffer.from(good);
    damaged[12] = 0x7b;
    damaged[13] = 0x7b;
    writeFileSync(binPath, damaged);
    assert.equal((await readDataset(dir, schema()))?.source, 'csv');
    truncateSync(binPath, 0);
    assert.equal((await readDataset(dir, schema()))?.source, 'csv');
    rmSync(dir, { recursive: true });
  });

  test('a schema with the features in another order, or some of them, reads them by column name (from the .bin, and from the CSV alike)', async () => {
    const dir = tmp();
    await writeDataset(dir, dataset(tricky), COLS);
    for (const order of [[2, 0, 1], [1], [2, 0]]) {
      const want = tricky.map((t) => ({ ...t, x: order.map((j) => t.x[j]) }));
      const r = await readDataset(dir, schema(order.map((j) => FEATURES[j])));
      assert.ok(r);
      assert.equal(r.source, 'bin');
      assert.deepEqual(rowsOf(r.dataset), want);
      const bin = readFileSync(join(dir, DATASET_BIN));
      unlinkSync(join(dir, DATASET_BIN));
      const c = await readDataset(dir, schema(order.map((j) => FEATURES[j])));
      assert.equal(c?.source, 'csv');
      assert.deepEqual(rowsOf(c.dataset), want);
      writeFileSync(join(dir, DATASET_BIN), bin);
    }
    // A column the dataset does not have: an error (the CSV's), unless named optional — then all missing.
    await assert.rejects(readDataset(dir, schema([...FEATURES, 'revenue'])), /required column "revenue" is missing/);
    const want = tricky.map((t) => ({ ...t, x: [t.x[0], Number.NaN] }));
    const opt = await readDataset(dir, schema([FEATURES[0], 'revenue']), { optional: ['revenue'] });
    assert.equal(opt?.source, 'bin');
    assert.deepEqual(rowsOf(opt.dataset), want);
    unlinkSync(join(dir, DATASET_BIN));
    const optCsv = await readDataset(dir, schema([FEATURES[0], 'revenue']), { optional: ['revenue'] });
    assert.equal(optCsv?.source, 'csv');
    assert.deepEqual(rowsOf(optCsv.dataset), want);
    assert.deepEqual(optCsv.dataset.features, [FEATURES[0], 'revenue']);
    rmSync(dir, { recursive: true });
  });

  test('{ ids: false } loads features and labels from the .bin without the ids', async () => {
    const dir = tmp();
    await writeDataset(dir, dataset(tricky), COLS);
    const r = await readDataset(dir, schema(), { ids: false });
    assert.equal(r?.source, 'bin');
    assert.equal(r!.dataset.rows, tricky.length);
    assert.equal(r!.dataset.ids.length, 0);
    assert.deepEqual(
      r!.dataset.x.map((c) => Array.from(c)),
      FEATURES.map((_, j) => tricky.map((t) => t.x[j])),
    );
    assert.deepEqual(Array.from(r!.dataset.y), tricky.map((t) => t.y));
    rmSync(dir, { recursive: true });
  });

  test('no dataset yet → undefined', async () => {
    const dir = tmp();
    assert.equal(await readDataset(dir, schema()), undefined);
    rmSync(dir, { recursive: true });
  });

  test('an empty dataset is a header-only CSV and reads back as 0 rows (bin and csv)', async () => {
    const dir = tmp();
    await writeDataset(dir, dataset([]), COLS);
    assert.equal(readFileSync(join(dir, DATASET_CSV), 'utf8'), 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\n');
    const r = await readDataset(dir, schema());
    assert.equal(r?.source, 'bin');
    assert.equal(r?.dataset.rows, 0);
    unlinkSync(join(dir, DATASET_BIN));
    const c = await readDataset(dir, schema());
    assert.equal(c?.source, 'csv');
    assert.equal(c?.dataset.rows, 0);
    rmSync(dir, { recursive: true });
  });

  test('the same rows always give the same bytes and hash', async () => {
    const a = tmp();
    const b = tmp();
    const wa = await writeDataset(a, dataset(tricky), COLS);
    const wb = await writeDataset(b, dataset(tricky), COLS);
    assert.equal(wa.hash, wb.hash);
    assert.deepEqual(readFileSync(join(a, DATASET_BIN)), readFileSync(join(b, DATASET_BIN)));
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });

  test('decimal features ("number" type) round-trip exactly through bin and csv', async () => {
    const dir = tmp();
    const feats = ['a', 'b', 'c'];
    const rows: Row[] = [
      { id: 'x', x: [1.5, -3, 1e-7], y: 0 },
      { id: 'y', x: [0.1 + 0.2, 1e21, -1.7976931348623157e308], y: 1 },
      { id: 'z', x: [NaN_, 5e-324, 123456789.123], y: 1 },
      { id: 'w', x: [Math.PI, -0.5, 2 ** 53 + 2], y: 0 },
    ];
    await writeDataset(dir, dataset(rows, feats), COLS);
    const s = schema(feats, 'number');
    assert.deepEqual(rowsOf((await readDataset(dir, s))!.dataset), rows);
    assert.deepEqual(csvCells(dir), expectedCells(rows, feats));
    unlinkSync(join(dir, DATASET_BIN));
    const r = await readDataset(dir, s);
    assert.equal(r?.source, 'csv');
    assert.deepEqual(rowsOf(r!.dataset), rows);
    rmSync(dir, { recursive: true });
  });

  test('large output (past the writer buffers), including one id of several MB', async () => {
    const dir = tmp();
    const rows: Row[] = [];
    for (let i = 0; i < 60_000; i++) {
      const id = i % 1000 === 7 ? `quoted, "${i}"\n${'é'.repeat(i % 50)}` : `client-${i}-${'x'.repeat(i % 90)}`;
      rows.push({ id, x: [i, i % 7 === 0 ? NaN_ : i * 31, 2 ** 40 + i], y: i % 3 === 0 ? 1 : 0 });
    }
    // 1.8M UTF-16 units (3.6 MB of UTF-8): past the writer buffers (2 MiB), as CSV and in the .bin.
    rows.splice(30_000, 0, { id: 'é,"'.repeat(600_000), x: [1, 2, 3], y: 1 });
    const w = await writeDataset(dir, dataset(rows), COLS);
    assert.equal(w.hash, sha256(join(dir, DATASET_CSV)));
    const r = await readDataset(dir, schema());
    assert.equal(r?.source, 'bin');
    assert.deepEqual(rowsOf(r!.dataset), rows);
    assert.deepEqual(csvCells(dir), expectedCells(rows));
    unlinkSync(join(dir, DATASET_BIN));
    const c = await readDataset(dir, schema());
    assert.equal(c?.source, 'csv');
    assert.deepEqual(rowsOf(c!.dataset), rows);
    rmSync(dir, { recursive: true });
  });
});
