import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { INLINE_PREDICTIONS_LIMIT, predict } from '../../src/model/predict.ts';
import { openPredictionsWriter, startPredictionsThread, type BatchScoring } from '../../src/model/predictions-writer.ts';
import { IdColumn } from '../../src/data/id-column.ts';
import { GbdtPredictor } from '../../src/model/gbdt/predict.ts';
import type { GbdtTree } from '../../src/model/gbdt/types.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../helpers/crm-table.ts';
import { referenceCsv } from '../helpers/predictions.ts';
import { rng } from '../helpers/random.ts';

// predict --out with a tree model: the predictions thread gets the trees and scores a share of each
// batch (the main thread the rest, and all of a batch when the thread is behind). The file must be
// the same bytes as the plain reference from the whole-file predict without --out, however the
// rows are shared out.
const ws = makeWorkspace({ ...crmConfig({ family: 'gbdt' }), report: { enabled: false } } as never);
writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(3000, 11)));
writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(200, 12, { prefix: 't' })));
const ctx = await context(ws.config);
after(() => ctx.store.close());
await ingest(ctx);
const trained = await train(ctx);

for (const thread of [true, false]) {
  test(`gbdt predict --out in small chunks (${thread ? 'rows shared with the predictions thread' : 'main thread'}) is byte-identical to the reference`, async () => {
    assert.equal(trained.family, 'gbdt');
    const path = join(ws.dir, `score-${thread}.csv`);
    writeFileSync(path, crmCsv(crmRows(25_000, 13, { prefix: 's' }), { label: false }));
    const whole = await predict(ctx, { data: path, model: trained.version });
    const dir = join(ws.dir, `out-${thread}`);
    mkdirSync(dir);
    const out = join(dir, 'predictions.csv');
    const r = await predict(ctx, { data: path, out, thread, chunkBytes: 4096, model: trained.version });
    assert.equal(r.rows, 25_000);
    assert.ok(r.rows > INLINE_PREDICTIONS_LIMIT);
    assert.equal(readFileSync(out, 'utf8'), referenceCsv('id', whole.predictions!));
    assert.deepEqual(readdirSync(dir), ['predictions.csv']);
  });
}

test('trees on the thread, the thread behind: batches scored and formatted here or there, same bytes', async () => {
  // A stump per feature pair, on random columns with missing values; one slot, so that while the
  // thread starts every further batch is scored and formatted on the main thread.
  const next = rng(8);
  const trees: GbdtTree[] = Array.from({ length: 20 }, (_, t) => ({
    feature: [t % 3, -1, -1],
    threshold: [next(), 0, 0],
    categories: [null, null, null],
    missingLeft: [t % 2 === 0, false, false],
    left: [1, -1, -1],
    right: [2, -1, -1],
    value: [0, next() - 0.5, next() - 0.5],
    cover: [2, 1, 1],
  }));
  const kernel = { baseScore: -0.3, trees };
  const predictor = new GbdtPredictor(kernel);
  const batches = Array.from({ length: 60 }, (_, b) => {
    const rows = 200 + Math.floor(next() * 800);
    const ids = IdColumn.from(Array.from({ length: rows }, (_, i) => `id-${b}-${i}`));
    const columns = [0, 1, 2].map(() => Float64Array.from({ length: rows }, () => (next() < 0.1 ? Number.NaN : next())));
    return { ids, columns, rows, expected: predictor.predictProba(columns) };
  });
  const dir = join(ws.dir, 'shared-trees');
  mkdirSync(dir);
  const file = join(dir, 'thread.csv');
  const thread = startPredictionsThread();
  assert.ok(thread);
  const writer = await openPredictionsWriter(file, 'id', 0.5, thread, { slots: 1, trees: kernel });
  for (const b of batches) {
    const prob = new Float64Array(b.rows).fill(Number.NaN);
    const scoring: BatchScoring = { columns: b.columns, score: (from, to) => predictor.predictProba(b.columns.map((c) => c.subarray(from, to)), prob.subarray(from, to)) };
    await writer.push(b.ids, prob, b.rows, scoring);
  }
  const shared = (writer as unknown as { sharedBatches: number }).sharedBatches;
  await writer.commit();
  assert.ok(shared > 0 && shared < batches.length, `${shared} of ${batches.length} batches formatted on the main thread`);
  const expected = referenceCsv('id', batches.flatMap((b) => Array.from({ length: b.rows }, (_, i) => ({ id: b.ids.get(i), probability: b.expected[i], prediction: b.expected[i] > 0.5 ? 1 : 0 }))));
  assert.equal(readFileSync(file, 'utf8'), expected);
});
