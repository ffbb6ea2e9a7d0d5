import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedWithModels } from '../helpers/workspace.ts';
import { referenceCsv } from '../helpers/predictions.ts';
import { rng } from '../helpers/random.ts';
import { INLINE_PREDICTIONS_LIMIT, predict } from '../../src/model/predict.ts';
import { openPredictionsWriter, startPredictionsThread } from '../../src/model/predictions-writer.ts';
import { IdColumn } from '../../src/data/id-column.ts';

// predict --out streams: each parsed chunk is scored and written (on the predictions thread for
// large input) while the next is read. The file must be the same bytes as the plain reference —
// one String()-formatted line per row, from the whole-file predict without --out — however the
// input falls into chunks, with rejected rows skipped and ids that need quoting or neutralising.
const { ws, ctx } = await seedWithModels(1);
after(() => ctx.store.close());

/** `rows` data lines: odd ids (quoting, formula prefixes, UTF-8, a quoted line break) spread through, some invalid rows. */
function writeInput(name: string, rows: number, seed: number): { path: string; invalid: number } {
  const next = rng(seed);
  const odd = ['=SUM(A1)', '+1', '-x', '@me', 'a,b', 'say "hi"', ' padded ', 'ünïcödé', 'two\nlines', '\tTab', 'x'.repeat(300)];
  const count = () => (next() < 0.03 ? '' : String(Math.floor(10 ** (next() * 9) * next())));
  const lines = ['corporation,lastmonth_activity,lastyear_activity,number_of_employees'];
  let invalid = 0;
  for (let i = 0; i < rows; i++) {
    const id = i % 997 === 5 ? `${odd[((i / 997) | 0) % odd.length]}-${i}` : i % 1013 === 7 ? odd[((i / 1013) | 0) % odd.length] : `c-${i}`;
    const cell = /[",\n\t]|^ | $/.test(id) ? `"${id.replaceAll('"', '""')}"` : id;
    if (i % 1501 === 3) {
      invalid++;
      lines.push(i % 2 ? `${cell},not-a-number,1,2` : `${cell},1,2`); // a bad value; a missing field
    } else lines.push(`${cell},${count()},${count()},${count()}`);
  }
  const path = join(ws.dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, invalid };
}

for (const thread of [true, false]) {
  test(`predict --out in small chunks (${thread ? 'predictions thread' : 'main thread'}) is byte-identical to the reference`, async () => {
    const { path, invalid } = writeInput(`many-${thread}.csv`, 25_000, 7);
    const whole = await predict(ctx, { data: path });
    assert.equal(whole.rowsRejected, invalid);
    assert.ok(invalid > 10);
    const dir = join(ws.dir, `stream-${thread}`);
    mkdirSync(dir);
    const out = join(dir, 'predictions.csv');
    // 4 KiB chunks: ~25 batches per MB, so rows, quoted ids and rejects straddle many chunk edges.
    const r = await predict(ctx, { data: path, out, thread, chunkBytes: 4096 });
    assert.deepEqual(
      { version: r.version, rows: r.rows, rowsRejected: r.rowsRejected, out: r.out, listed: 'predictions' in r },
      { version: whole.version, rows: 25_000 - invalid, rowsRejected: invalid, out, listed: false },
    );
    assert.ok(r.rows > INLINE_PREDICTIONS_LIMIT);
    const expected = referenceCsv('corporation', whole.predictions!);
    assert.ok(expected.length > 50 * 4096, 'the output spans many batches');
    for (const odd of ['"two\nlines"', "'=SUM(A1)", "'-x-", '"say ""hi"""', '" padded "', 'ünïcödé-', "'\tTab"]) assert.ok(expected.includes(odd), `the reference holds ${odd}`);
    assert.equal(readFileSync(out, 'latin1'), Buffer.from(expected, 'utf8').toString('latin1'));
    assert.deepEqual(readdirSync(dir), ['predictions.csv'], 'no temp file left');
  });
}

test('predict --out with the thread, under the inline limit: the --json list is the same as without --out', async () => {
  const { path } = writeInput('few.csv', 3_000, 9);
  const whole = await predict(ctx, { data: path });
  mkdirSync(join(ws.dir, 'few-out'));
  const out = join(ws.dir, 'few-out', 'predictions.csv');
  const r = await predict(ctx, { data: path, out, thread: true, chunkBytes: 1024 });
  assert.deepEqual(r, { ...whole, out });
  assert.equal(readFileSync(out, 'utf8'), referenceCsv('corporation', whole.predictions!));
});

test('predict --out on a folder: its files streamed in order, byte-identical to the reference', async () => {
  const dir = join(ws.dir, 'folder-in');
  mkdirSync(dir, { recursive: true });
  for (const [k, seed] of [[1, 21], [2, 22]]) {
    const { path } = writeInput(`part${k}.csv`, 6_000, seed);
    writeFileSync(join(dir, `part${k}.csv`), readFileSync(path));
  }
  const whole = await predict(ctx, { data: dir });
  mkdirSync(join(ws.dir, 'folder-out'));
  const out = join(ws.dir, 'folder-out', 'predictions.csv');
  const r = await predict(ctx, { data: dir, out, thread: true, chunkBytes: 4096 });
  assert.equal(r.rows, whole.rows);
  assert.equal(readFileSync(out, 'latin1'), Buffer.from(referenceCsv('corporation', whole.predictions!), 'utf8').toString('latin1'));
});

test('predict --out on a file that turns out unusable after batches were written: one-line error, no output, no temp file', async () => {
  const { path } = writeInput('late-nul.csv', 20_000, 3);
  writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from('c-x,1,2\u0000,3\n')]));
  for (const thread of [true, false]) {
    const dir = join(ws.dir, `late-${thread}`);
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'predictions.csv');
    await assert.rejects(predict(ctx, { data: path, out, thread, chunkBytes: 4096 }), (err: Error) => !err.message.includes('\n') && /late-nul\.csv:\d+: .*NUL/.test(err.message));
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir), []);
  }
});

test('predictions thread behind: the main thread formats batches itself, written in their turn, same bytes', async () => {
  // One slot for the thread: while it starts (hundreds of ms under tsx) every further batch is
  // formatted here, into the text slots, then the thread catches up; the order must hold throughout.
  const next = rng(5);
  const batches = Array.from({ length: 60 }, (_, b) => {
    const rows = 200 + Math.floor(next() * 800);
    const ids = IdColumn.from(Array.from({ length: rows }, (_, i) => (i % 97 === 3 ? `=b${b},"${i}"` : `id-${b}-${i}`)));
    const prob = Float64Array.from({ length: rows }, () => (next() < 0.1 ? next() * 1e-9 : next()));
    return { ids, prob, rows };
  });
  const dir = join(ws.dir, 'shared');
  mkdirSync(dir);
  const files = { local: join(dir, 'local.csv'), thread: join(dir, 'thread.csv') };
  const local = await openPredictionsWriter(files.local, 'corporation', 0.5);
  for (const b of batches) await local.push(b.ids, b.prob, b.rows);
  await local.commit();
  const thread = startPredictionsThread();
  assert.ok(thread);
  const writer = await openPredictionsWriter(files.thread, 'corporation', 0.5, thread, { slots: 1 });
  for (const b of batches) await writer.push(b.ids, b.prob, b.rows);
  const shared = (writer as unknown as { sharedBatches: number }).sharedBatches;
  await writer.commit();
  assert.ok(shared > 0 && shared < batches.length, `${shared} of ${batches.length} batches formatted on the main thread`);
  const expected = referenceCsv('corporation', batches.flatMap((b) => Array.from({ length: b.rows }, (_, i) => ({ id: b.ids.get(i), probability: b.prob[i], prediction: b.prob[i] > 0.5 ? 1 : 0 }))));
  assert.equal(readFileSync(files.local, 'utf8'), expected);
  assert.ok(readFileSync(files.thread).equals(readFileSync(files.local)));
  assert.deepEqual(readdirSync(dir).sort(), ['local.csv', 'thread.csv']);
});
