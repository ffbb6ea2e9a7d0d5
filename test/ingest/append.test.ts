import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { MAX_SEGMENTS, readDataset } from '../../src/data/dataset-files.ts';
import { trainingSchema } from '../../src/data/columns.ts';
import { Random } from '../../src/util/random.ts';
import { context, makeWorkspace, HEADER } from '../helpers/workspace.ts';

/**
 * The append path (a new .bin segment, the CSV copied and extended) must leave exactly what a
 * from-scratch ingest of the same files in the same order leaves: the oracle here is a second
 * workspace that ingests all the files at once, through the rewrite path.
 */

const data = (ws: { dir: string }) => join(ws.dir, 'ingesteddata');
const csvBytes = (ws: { dir: string }) => readFileSync(join(data(ws), 'finaldata.csv'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const segmentFiles = (ws: { dir: string }) => readdirSync(data(ws)).filter((n) => /^finaldata\.bin\.\d+$/.test(n)).sort();

/** Rows drawn from a small domain so that files repeat each other's rows (and their own). */
function randomFile(rng: Random, rows: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const cell = () => (rng.next() < 0.1 ? '' : String(Math.floor(rng.next() * 3)));
    lines.push(`c${Math.floor(rng.next() * 6)},${cell()},${cell()},${cell()},${rng.next() < 0.5 ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

/** A workspace with a.csv then b.csv ingested (one row each): a dataset of one segment on the CSV. */
async function ingestedAB() {
  const ws = makeWorkspace();
  const ctx = await context(ws.config);
  writeFileSync(join(ws.source, 'a.csv'), `${HEADER}\na,1,2,3,0\n`);
  await ingest(ctx);
  writeFileSync(join(ws.source, 'b.csv'), `${HEADER}\nb,4,5,6,1\n`);
  await ingest(ctx);
  return { ws, ctx };
}

test('ingests that append give the same finaldata.csv, hash, counts and loaded rows as one ingest of every file', async () => {
  const rng = new Random(7);
  const files = Array.from({ length: 8 }, (_, k) => [`m${String(k).padStart(2, '0')}.csv`, randomFile(rng, 40)] as const);
  const inc = makeWorkspace();
  const ctx = await context(inc.config);
  let added = 0;
  let dups = 0;
  for (const [name, text] of files) {
    writeFileSync(join(inc.source, name), text);
    const r = await ingest(ctx);
    added += r.rowsAdded;
    dups += r.duplicatesDropped;
    assert.equal(r.rowsTotal, added);
    assert.equal(r.datasetHash, sha(csvBytes(inc)), 'datasetHash is the sha256 of finaldata.csv');
  }
  // Every ingest after the first appended a segment.
  assert.deepEqual(segmentFiles(inc), files.slice(1).map((_, k) => `finaldata.bin.${k + 1}`));

  const all = makeWorkspace();
  for (const [name, text] of files) writeFileSync(join(all.source, name), text);
  const ctxAll = await context(all.config);
  const r = await ingest(ctxAll);
  assert.equal(r.rowsTotal, added);
  assert.equal(r.duplicatesDropped, dups);
  assert.ok(dups > 30, `the random files repeat rows (${dups} duplicates)`);
  assert.ok(csvBytes(inc).equals(csvBytes(all)), 'finaldata.csv byte-identical');

  // The segments load to the same rows as the CSV they belong to.
  const fromBin = await readDataset(data(inc), trainingSchema(ctx.config));
  assert.equal(fromBin?.source, 'bin');
  const fromAll = await readDataset(data(all), trainingSchema(ctx.config));
  assert.equal(fromBin!.hash, fromAll!.hash);
  assert.deepEqual(fromBin!.dataset.ids.toArray(), fromAll!.dataset.ids.toArray());
  assert.deepEqual(fromBin!.dataset.x.map((c) => Array.from(c)), fromAll!.dataset.x.map((c) => Array.from(c)));
  assert.deepEqual(Array.from(fromBin!.dataset.y), Array.from(fromAll!.dataset.y));

  // The store's missing-cell counts (summed over segment headers) match a count over all rows.
  const rec = await ctx.store.latestDataset();
  const recAll = await ctxAll.store.latestDataset();
  assert.deepEqual(rec?.missing, recAll?.missing);
  assert.equal(rec?.rows, added);
  await ctx.store.close();
  await ctxAll.store.close();
});

test(`with ${MAX_SEGMENTS} .bin files (base + segments) the next ingest rewrites the dataset into one`, async () => {
  const ws = makeWorkspace();
  const ctx = await context(ws.config);
  for (let k = 0; k < MAX_SEGMENTS; k++) {
    writeFileSync(join(ws.source, `f${String(k).padStart(3, '0')}.csv`), `${HEADER}\nrow${k},${k},1,2,0\n`);
    await ingest(ctx);
  }
  assert.equal(segmentFiles(ws).length, MAX_SEGMENTS - 1);
  writeFileSync(join(ws.source, 'last.csv'), `${HEADER}\nlast,1,1,1,1\n`);
  const r = await ingest(ctx);
  assert.equal(r.rowsTotal, MAX_SEGMENTS + 1);
  assert.deepEqual(segmentFiles(ws), []);
  const loaded = await readDataset(data(ws), trainingSchema(ctx.config));
  assert.equal(loaded?.source, 'bin');
  assert.equal(loaded?.dataset.rows, MAX_SEGMENTS + 1);
  await ctx.store.close();
});

test('a stale segment left by a crash (written, CSV not renamed) is ignored, then replaced', async () => {
  const { ws, ctx } = await ingestedAB();
  // Put back the CSV as it was before b.csv, keeping finaldata.bin.1 (b's rows): the state a kill
  // between the segment's rename and the CSV's would leave, had the store not been told.
  const seg1 = readFileSync(join(data(ws), 'finaldata.bin.1'));
  writeFileSync(join(data(ws), 'finaldata.csv'), `${HEADER}\na,1,2,3,0\n`);
  const db = (ctx.store as unknown as { db: { exec(s: string): void } }).db;
  db.exec("DELETE FROM ingested_files WHERE name = 'b.csv'; DELETE FROM datasets WHERE seq = (SELECT MAX(seq) FROM datasets)");
  const loaded = await readDataset(data(ws), trainingSchema(ctx.config));
  assert.equal(loaded?.source, 'bin', 'the chain stops at the CSV hash; the stale segment is not read');
  assert.deepEqual(loaded?.dataset.ids.toArray(), ['a']);

  writeFileSync(join(ws.source, 'c.csv'), `${HEADER}\nc,7,8,9,0\n`);
  const r = await ingest(ctx);
  assert.equal(r.rowsTotal, 3);
  assert.equal(readFileSync(join(data(ws), 'finaldata.csv'), 'utf8'), `${HEADER}\na,1,2,3,0\nb,4,5,6,1\nc,7,8,9,0\n`);
  assert.ok(!readFileSync(join(data(ws), 'finaldata.bin.1')).equals(seg1), 'segment 1 was rewritten');
  const again = await readDataset(data(ws), trainingSchema(ctx.config));
  assert.equal(again?.source, 'bin');
  assert.deepEqual(again?.dataset.ids.toArray(), ['a', 'b', 'c']);
  await ctx.store.close();
});

test('a hand-edited finaldata.csv breaks the chain: readers use the CSV and the next ingest rewrites both forms', async () => {
  const { ws, ctx } = await ingestedAB();
  appendFileSync(join(data(ws), 'finaldata.csv'), 'edited,0,0,0,0\n');
  const loaded = await readDataset(data(ws), trainingSchema(ctx.config));
  assert.equal(loaded?.source, 'csv');
  assert.deepEqual(loaded?.dataset.ids.toArray(), ['a', 'b', 'edited']);

  writeFileSync(join(ws.source, 'c.csv'), `${HEADER}\nc,7,8,9,0\n`);
  const r = await ingest(ctx);
  // The store's dataset is not the one on disk: every source is read again (recovery), and the
  // edited row is kept — nothing on disk is lost.
  assert.deepEqual(r.files.map((f) => [f.name, f.status]), [['a.csv', 'ingested'], ['b.csv', 'ingested'], ['c.csv', 'ingested']]);
  assert.equal(r.rowsTotal, 4);
  assert.deepEqual(segmentFiles(ws), []);
  const after = await readDataset(data(ws), trainingSchema(ctx.config));
  assert.equal(after?.source, 'bin');
  assert.deepEqual(after?.dataset.ids.toArray(), ['a', 'b', 'edited', 'c']);
  await ctx.store.close();
});
