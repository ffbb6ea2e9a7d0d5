import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGbdtDocument } from '../../../src/model/gbdt/document.ts';
import { loadModel } from '../../../src/model/fitted-model.ts';
import { parseModelDocument } from '../../../src/registry/versions.ts';
import { PART_ROWS, ROWS_PER_THREAD, TreeShapThreads } from '../../../src/model/gbdt/tree-shap-threads.ts';
import { TreeShap } from '../../../src/model/gbdt/tree-shap.ts';
import { categoryCodes, kernelTrees, treeColumns } from '../../../src/model/gbdt/model.ts';
import { churnLevels, churnTraining, loadChurn } from './churn-fixture.ts';

// TreeSHAP on worker threads (tree-shap-threads.ts) gives what one thread gives, bit for bit:
// every row's contributions are computed by the same code from the same trees whichever thread
// has it, and the parts are put back in order.

const d = loadChurn();
const textOf = (j: number, c: number) => `${d.header[j]}-${String.fromCharCode(90 - c)}`;
const { document } = fitGbdtDocument(churnTraining(d, textOf, 50, { earlyStopping: false, maxIter: 30 }));
const doc = document({ version: 'v1', createdAt: 't', datasetHash: 'h', target: 'y', idColumn: 'id' }, { rows: d.train.y.length, positives: 1, iterations: 30, ms: 0 });
const model = loadModel(parseModelDocument(JSON.parse(JSON.stringify(doc)), 'model.json'));

/** The held-out rows repeated to `n` rows (enough for several threads). */
function rowsOf(n: number) {
  const m = d.test.y.length;
  const x = d.test.columns.map((c) => Float64Array.from({ length: n }, (_, i) => c[i % m]));
  return { x, rows: n, levels: churnLevels(d, x, textOf) };
}

const identical = (a: readonly Float64Array[], b: readonly Float64Array[]) => a.length === b.length && a.every((col, j) => col.length === b[j].length && col.every((v, i) => Object.is(v, b[j][i])));

test('contributionsOffThread equals contributions bit for bit, base included (the rows split over threads)', async () => {
  const data = rowsOf(2 * ROWS_PER_THREAD + 123);
  const one = model.contributions(data);
  const off = await model.contributionsOffThread(data);
  assert.equal(off.base, one.base);
  assert.ok(identical(off.values, one.values), 'the same numbers');
});

test('TreeShapThreads: any number of threads, uneven parts too, more parts than threads (each thread sent the next as it answers), puts every row back in its place; the threads serve job after job', async () => {
  const codes = categoryCodes(doc.features);
  const tree = { baseScore: doc.gbdt.baseScore, trees: kernelTrees(doc, codes) };
  const shap = new TreeShap(tree, doc.features.length);
  const n = 3 * ROWS_PER_THREAD + 7;
  assert.ok(n > 5 * PART_ROWS, 'more parts than threads');
  const data = rowsOf(n);
  const columns = treeColumns(codes, data);
  const want = doc.features.map(() => new Float64Array(n));
  shap.explain(columns, n, want);
  for (const threads of [1, 2, 3, 5]) {
    const got = doc.features.map(() => new Float64Array(n));
    const pool = new TreeShapThreads(tree, doc.features.length, threads);
    try {
      const base = await pool.explain(columns, n, got);
      assert.equal(base, shap.base);
      assert.ok(identical(got, want), `${threads} threads`);
      // The threads are kept: a second job (fewer rows: fewer parts) on the same threads.
      const few = doc.features.map(() => new Float64Array(n));
      await pool.explain(columns, ROWS_PER_THREAD + 1, few);
      assert.ok(identical(few.map((c) => c.subarray(0, ROWS_PER_THREAD + 1)), want.map((c) => c.subarray(0, ROWS_PER_THREAD + 1))), `${threads} threads, again`);
    } finally {
      pool.stop();
    }
  }
});

test('contributionsOffThread tells each part as it comes back: every row once, its numbers already final, all before it resolves; on one thread all rows as one part', async () => {
  const n = 2 * ROWS_PER_THREAD + 123;
  const data = rowsOf(n);
  const one = model.contributions(data);
  const seen = new Uint8Array(n);
  let parts = 0;
  let done = false;
  const off = await model.contributionsOffThread(data, (part) => {
    assert.ok(!done, 'before the promise resolves');
    parts++;
    assert.equal(part.base, one.base);
    for (let i = part.from; i < part.to; i++) {
      seen[i]++;
      for (let j = 0; j < one.values.length; j++) assert.ok(Object.is(part.values[j][i], one.values[j][i]), `row ${i} feature ${j} final when told`);
    }
  });
  done = true;
  assert.ok(seen.every((s) => s === 1), 'every row told once');
  assert.ok(parts > 1, `${parts} parts`);
  assert.ok(identical(off.values, one.values));
  // A few rows are explained on this thread: one part, the whole.
  const few = rowsOf(10);
  const told: [number, number][] = [];
  await model.contributionsOffThread(few, (part) => told.push([part.from, part.to]));
  assert.deepEqual(told, [[0, 10]]);
});
