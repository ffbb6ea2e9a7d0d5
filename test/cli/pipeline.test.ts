import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, seedWorkspace, HEADER } from '../helpers/workspace.ts';

// The seed's sample data through the real CLI: each command's --json shape is a contract.
const ws = seedWorkspace();
const run = (...args: string[]) => {
  const r = cli(['--config', ws.config, ...args, '--json']);
  assert.equal(r.status, 0, `${args.join(' ')} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
  return JSON.parse(lines[0]);
};

let v1: string;
let v2: string;

before(() => {
  const ing = run('ingest');
  assert.equal(ing.newData, true);
});

test('train --json: version, coefficients per feature, intercept, medians, iterations, trainingRows', () => {
  const t = run('train');
  v1 = t.version;
  assert.match(t.version, /^v\d+$/);
  assert.deepEqual(Object.keys(t.coefficients), ['lastmonth_activity', 'lastyear_activity', 'number_of_employees']);
  assert.equal(typeof t.intercept, 'number');
  assert.deepEqual(Object.keys(t.medians), Object.keys(t.coefficients));
  assert.ok(t.iterations > 0);
  // The family keys (issue 16): a logistic model has no candidates, importance or trees.
  assert.equal(t.family, 'logistic');
  assert.equal(t.candidates, null);
  assert.equal(t.importance, null);
  assert.equal(t.trees, null);
  // dataset3 + dataset4 after drop_duplicates: every data line of both files, minus exact repeats.
  const lines = ['dataset3.csv', 'dataset4.csv'].flatMap((f) => readFileSync(join(ws.source, f), 'utf8').trim().split('\n').slice(1));
  assert.equal(t.trainingRows, new Set(lines).size);
  const doc = JSON.parse(readFileSync(join(ws.dir, 'models', v1, 'model.json'), 'utf8'));
  assert.equal(doc.version, v1);
  assert.deepEqual(doc.coefficients, t.coefficients);
});

test('score --json on the test data: all metrics and the confusion matrix; latestscore.txt written', () => {
  const s = run('score', '--model', v1);
  assert.equal(s.version, v1);
  const testRows = readFileSync(join(ws.test, 'testdata.csv'), 'utf8').trim().split('\n').length - 1;
  assert.equal(s.rows, testRows);
  for (const k of ['f1', 'precision', 'recall', 'accuracy', 'rocAuc', 'prAuc', 'logLoss', 'brier']) assert.equal(typeof s[k], 'number', k);
  const [[tn, fp], [fn, tp]] = s.confusionMatrix;
  assert.equal(tn + fp + fn + tp, testRows);
  assert.equal(s.f1, (2 * tp) / (2 * tp + fp + fn || 1));
  assert.equal(Number(readFileSync(join(ws.dir, 'models', 'latestscore.txt'), 'utf8')), s.f1);
});

test('deploy --json {version, previous}; production folder holds model, latestscore.txt, ingestedfiles.json', () => {
  const d = run('deploy');
  assert.deepEqual({ version: d.version, previous: d.previous }, { version: v1, previous: null });
  const prod = join(ws.dir, 'production_deployment');
  assert.equal(JSON.parse(readFileSync(join(prod, 'model.json'), 'utf8')).version, v1);
  assert.ok(existsSync(join(prod, 'latestscore.txt')));
  assert.deepEqual(JSON.parse(readFileSync(join(prod, 'ingestedfiles.json'), 'utf8')), ['dataset3.csv', 'dataset4.csv']);
});

test('new data → new version; deploy, models, rollback', () => {
  writeFileSync(join(ws.source, 'dataset5.csv'), `${HEADER}\nnewco,10,500,20,1\nother,400,4000,90,0\n`);
  assert.equal(run('ingest').newData, true);
  v2 = run('train').version;
  assert.notEqual(v2, v1);
  const d = run('deploy', v2);
  assert.deepEqual({ version: d.version, previous: d.previous }, { version: v2, previous: v1 });
  const m = run('models');
  assert.deepEqual(m.models.map((x: { version: string; deployed: boolean }) => [x.version, x.deployed]), [[v1, false], [v2, true]]);
  assert.equal(typeof m.models[0].f1, 'number');
  assert.equal(typeof m.models[0].createdAt, 'string');
  const r = run('rollback');
  assert.deepEqual({ version: r.version, previous: r.previous }, { version: v1, previous: v2 });
  assert.equal(JSON.parse(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8')).version, v1);
  // Nothing older than v1 was ever in production.
  const again = cli(['--config', ws.config, 'rollback']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^riskwatch: nothing to roll back to/);
});

test('predict --json keeps ids; --out writes CSV; a file without labels or ids still predicts', () => {
  const p = run('predict', '--data', join(ws.test, 'testdata.csv'));
  assert.equal(p.version, v1);
  const ids = readFileSync(join(ws.test, 'testdata.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  assert.deepEqual(p.predictions.map((x: { id: string }) => x.id), ids);
  for (const x of p.predictions) {
    assert.ok(x.probability > 0 && x.probability < 1);
    assert.equal(x.prediction, x.probability > 0.5 ? 1 : 0);
  }
  const out = join(ws.dir, 'preds.csv');
  run('predict', '--data', join(ws.test, 'testdata.csv'), '--out', out);
  const rows = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'corporation,probability,prediction');
  assert.equal(rows.length, ids.length + 1);
  assert.equal(Number(rows[1].split(',')[1]), p.predictions[0].probability);

  const bare = join(ws.dir, 'bare.csv');
  writeFileSync(bare, 'number_of_employees,lastyear_activity,lastmonth_activity\n10,100,\n');
  const b = run('predict', '--data', bare);
  assert.equal(b.rows, 1);
  assert.equal(b.predictions[0].id, 'line-2');
});

test('predict --out on input over 4 MiB: the bundled CLI formats on its predictions thread, same bytes as in-process on the main thread', async () => {
  const big = join(ws.dir, 'big.csv');
  const lines = ['corporation,lastmonth_activity,lastyear_activity,number_of_employees'];
  for (let i = 0; i < 170_000; i++) lines.push(`${i % 5000 === 1 ? `"q,${i}"` : `client-${i}`},${(i * 7) % 400},${(i * 13) % 5000},${i % 90}`);
  writeFileSync(big, lines.join('\n') + '\n');
  const out = join(ws.dir, 'big-preds.csv');
  const r = cli(['--config', ws.config, 'predict', '--data', big, '--out', out, '--json', '--log-level', 'debug']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ['version', 'rows', 'rowsRejected', 'out']);
  assert.match(r.stderr, /"thread":true/, 'the worker file was found beside the bundle');
  const { context } = await import('../helpers/workspace.ts');
  const { predict } = await import('../../src/model/predict.ts');
  const ctx = await context(ws.config);
  try {
    const ref = join(ws.dir, 'big-ref.csv');
    await predict(ctx, { data: big, out: ref, thread: false });
    assert.ok(readFileSync(out).equals(readFileSync(ref)));
  } finally {
    ctx.store.close();
  }
});

test('predict on a file missing a feature column: exit 1, one line naming file and column', () => {
  const bad = join(ws.dir, 'bad.csv');
  writeFileSync(bad, 'corporation,lastmonth_activity\nx,1\n');
  const r = cli(['--config', ws.config, 'predict', '--data', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^riskwatch: .*bad\.csv:1: required column "lastyear_activity" is missing/m);
  assert.doesNotMatch(r.stderr, /\s+at /);
});

test('deploying an unknown version fails cleanly and leaves production alone', () => {
  const before = readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8');
  const r = cli(['--config', ws.config, 'deploy', 'v999']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /model version "v999" not found/);
  assert.equal(readFileSync(join(ws.dir, 'production_deployment', 'model.json'), 'utf8'), before);
});
