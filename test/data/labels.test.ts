import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { pino, type Logger } from 'pino';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseConfig } from '../../src/config/load.ts';
import { makeContext } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { score } from '../../src/model/score.ts';
import { predict } from '../../src/model/predict.ts';
import { deploy } from '../../src/model/deploy.ts';
import { DatasetBuilder } from '../../src/data/dataset.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import { readDataset } from '../../src/data/dataset-files.ts';
import { trainingSchema } from '../../src/data/columns.ts';
import { cli, makeWorkspace, seedWorkspace, HEADER } from '../helpers/workspace.ts';
import { PG_URL, randomSchema, dropSchema } from '../helpers/postgres.ts';
import { workspaceConfig } from '../../src/config/workspace-config.ts';

// Issue 15 item 2: labels as the files write them. Config target_positive (default "1") and
// target_negative (default "0"); a label cell, trimmed, must be one of the two, anything else is
// rejected as invalid_label with a message naming both. The dataset stores 1 / 0 (finaldata.csv
// too), so a workspace whose files write Yes / No trains and scores exactly as one writing 1 / 0.

/** A logger whose lines (JSON) land in `lines`. */
function capture(): { log: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

async function withContext<T>(configPath: string, fn: (ctx: ReturnType<typeof makeContext>) => Promise<T>, log?: Logger): Promise<T> {
  const config = loadConfig(configPath);
  const ctx = makeContext(config, await openStore(config), log);
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

/** Rewrite every CSV in `dir` with its 0/1 labels (last column) as `pos` / `neg`. */
function relabel(dir: string, pos: string, neg: string): void {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const lines = readFileSync(p, 'utf8').split('\n');
    const out = lines.map((l, i) => (i === 0 || !l ? l : l.replace(/,1$/, `,${pos}`).replace(/,0$/, `,${neg}`)));
    writeFileSync(p, out.join('\n'));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('config target_positive / target_negative', () => {
  const base = workspaceConfig();
  test('default "1" / "0"', () => {
    assert.deepEqual(parseConfig(base, 'c.json', { checkFolders: false }).labels, { positive: '1', negative: '0' });
    assert.deepEqual(parseConfig({ ...base, target_positive: 'Churned', target_negative: 'Active' }, 'c.json', { checkFolders: false }).labels, { positive: 'Churned', negative: 'Active' });
  });
  test('the two must differ, be non-empty and have no white space at their ends: one line naming the key', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ target_positive: 'Yes', target_negative: 'Yes' }, /keys "target_positive" and "target_negative" must differ/],
      [{ target_positive: '' }, /key "target_positive": expected a non-empty value without white space/],
      [{ target_negative: ' No' }, /key "target_negative": expected a non-empty value without white space/],
      [{ target_positive: 1 }, /key "target_positive": expected string/],
    ];
    for (const [over, re] of bad) assert.throws(() => parseConfig({ ...base, ...over }, 'c.json', { checkFolders: false }), re, JSON.stringify(over));
  });
});

describe('labels as the file has them', () => {
  test('ingest: Yes / No accepted (trimmed), anything else rejected as invalid_label naming both values; finaldata.csv holds 1 / 0', async () => {
    const ws = makeWorkspace({ target_positive: 'Yes', target_negative: 'No' });
    const rows = ['a,1,2,3,Yes', 'b,1,2,3,No', 'c,1,2,3, Yes\u00a0', 'd,1,2,3,yes', 'e,1,2,3,1', 'f,1,2,3,', 'g,1,2,3,"No"', 'h,1,2,3,Maybe'];
    writeFileSync(join(ws.source, 'a.csv'), [HEADER, ...rows].join('\r\n') + '\r\n');
    const { log, lines } = capture();
    const r = await withContext(ws.config, (ctx) => ingest(ctx), log);
    await settle();
    const f = r.files.find((x) => x.name === 'a.csv')!;
    assert.equal(f.rowsAccepted, 4);
    assert.deepEqual(f.rejectedByReason, { invalid_label: 3, missing_label: 1 });
    const rejects = lines.filter((l) => l.reason === 'invalid_label');
    assert.deepEqual(rejects.map((l) => [l.line, l.column, l.value, l.expected]), [
      [5, 'exited', 'yes', '"Yes" (left) or "No" (stayed)'],
      [6, 'exited', '1', '"Yes" (left) or "No" (stayed)'],
      [9, 'exited', 'Maybe', '"Yes" (left) or "No" (stayed)'],
    ]);
    assert.equal(rejects[2].msg, 'row rejected: a.csv:9: column "exited": label is neither the positive nor the negative value (got "Maybe"); expected "Yes" (left) or "No" (stayed)');
    const csv = parse(readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'))) as string[][];
    assert.deepEqual(csv.slice(1).map((row) => [row[0], row[4]]), [['a', '1'], ['b', '0'], ['c', '1'], ['g', '0']]);
    // Read back from the CSV (no .bin): its 1 / 0 are riskwatch's own, not the files' labels.
    for (const f of readdirSync(join(ws.dir, 'ingesteddata'))) if (f.includes('.bin')) rmSync(join(ws.dir, 'ingesteddata', f));
    const loaded = await readDataset(join(ws.dir, 'ingesteddata'), trainingSchema(loadConfig(ws.config)));
    assert.equal(loaded?.source, 'csv');
    assert.deepEqual(Array.from(loaded!.dataset.y), [1, 0, 1, 0]);
  });

  test('the second part of a file read on two threads reads the labels the same way', async () => {
    const ws = makeWorkspace();
    const path = join(ws.dir, 'big.csv');
    const lines = ['id,a,y'];
    for (let i = 0; i < 5000; i++) lines.push(`c${i},${i % 9},${['Churned', 'Active', ' Active ', 'churned', ''][i % 5]}`);
    writeFileSync(path, lines.join('\n') + '\n');
    const schema = { id: 'id', features: ['a'], featureTypes: { a: 'count' as const }, target: 'y', requireTarget: true, requireId: true, labels: { positive: 'Churned', negative: 'Active' } };
    const reads = [];
    for (const parallelMinBytes of [Infinity, 0]) {
      const b = new DatasetBuilder(['a']);
      const r = await readDataFile(path, schema, b, { parallelMinBytes, chunkBytes: 8192 });
      reads.push({ y: Array.from(b.build().y), rejected: r.rejectedByReason });
    }
    assert.deepEqual(reads[1], reads[0]);
    assert.deepEqual(reads[0].rejected, { invalid_label: 1000, missing_label: 1000 });
    assert.deepEqual(reads[0].y.slice(0, 3), [1, 0, 0]);
  });

  test('a workspace whose files write Yes / No trains, scores and predicts exactly as one writing 1 / 0', async () => {
    const results = [];
    for (const labels of [null, ['Yes', 'No']] as const) {
      const ws = seedWorkspace();
      if (labels) {
        const raw = JSON.parse(readFileSync(ws.config, 'utf8'));
        writeFileSync(ws.config, JSON.stringify({ ...raw, target_positive: labels[0], target_negative: labels[1] }));
        relabel(ws.source, ...labels);
        relabel(ws.test, ...labels);
        assert.match(readFileSync(join(ws.test, 'testdata.csv'), 'utf8'), /,Yes\n/);
      }
      results.push(
        await withContext(ws.config, async (ctx) => {
          const ing = await ingest(ctx);
          const t = await train(ctx);
          const s = await score(ctx, { model: t.version });
          await deploy(ctx, t.version);
          const p = await predict(ctx, { data: join(ws.test, 'testdata.csv') });
          return { rows: ing.rowsTotal, rejected: ing.rowsRejected, coefficients: t.coefficients, intercept: t.intercept, f1: s.f1, rowsRejected: s.rowsRejected, predicted: p.rows };
        }),
      );
    }
    assert.equal(results[0].rejected, 0);
    assert.equal(results[0].rowsRejected, 0);
    assert.deepEqual(results[1], results[0]);
  });

  test('sqlite source: a text label column', async () => {
    const ws = makeWorkspace({ target_positive: 'Churned', target_negative: 'Active', sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients' }] });
    const db = new Database(join(ws.dir, 'crm.db'));
    db.exec('CREATE TABLE clients (corporation TEXT, lastmonth_activity INTEGER, lastyear_activity INTEGER, number_of_employees INTEGER, exited TEXT)');
    const st = db.prepare('INSERT INTO clients VALUES (?, 1, 2, 3, ?)');
    for (const [id, y] of [['a', 'Churned'], ['b', 'Active'], ['c', 'Active '], ['d', 'Gone'], ['e', null]]) st.run(id, y);
    db.close();
    const s = (await withContext(ws.config, (ctx) => ingest(ctx))).sources.find((x) => x.name === 'crm')!;
    assert.deepEqual(s.rejectedByReason, { invalid_label: 1, missing_label: 1 });
    const csv = parse(readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'))) as string[][];
    assert.deepEqual(csv.slice(1).map((row) => [row[0], row[4]]), [['a', '1'], ['b', '0'], ['c', '0']]);
  });

  const pgSchemaName = randomSchema('rw_labels');
  after(() => dropSchema(pgSchemaName));
  test('postgres source: a text label column', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA ${pgSchemaName}`);
      await c.query(`CREATE TABLE ${pgSchemaName}.clients (corporation text, lastmonth_activity int, lastyear_activity int, number_of_employees int, exited varchar(10))`);
      for (const [id, y] of [['a', 'Churned'], ['b', 'Active'], ['c', 'Active '], ['d', 'Gone'], ['e', null]]) await c.query(`INSERT INTO ${pgSchemaName}.clients VALUES ($1, 1, 2, 3, $2)`, [id, y]);
    } finally {
      await c.end();
    }
    const ws = makeWorkspace({ target_positive: 'Churned', target_negative: 'Active', sources: [{ type: 'postgres', name: 'crm', url: PG_URL, query: `SELECT * FROM ${pgSchemaName}.clients ORDER BY corporation` }] });
    const s = (await withContext(ws.config, (ctx) => ingest(ctx))).sources.find((x) => x.name === 'crm')!;
    assert.deepEqual(s.rejectedByReason, { invalid_label: 1, missing_label: 1 });
    const csv = parse(readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'))) as string[][];
    assert.deepEqual(csv.slice(1).map((row) => [row[0], row[4]]), [['a', '1'], ['b', '0'], ['c', '0']]);
  });
});

describe('bad labels, at training', () => {
  test('a positive label that never occurs (written otherwise in the files): train and run stop with one line naming the values; nothing is deployed', async () => {
    const ws = makeWorkspace({ target_positive: 'Yes', target_negative: 'Stayed' });
    const rows = Array.from({ length: 40 }, (_, i) => `c${i},${i},${i * 3},${i % 7},${i % 3 === 0 ? 'Churned' : 'Stayed'}`);
    writeFileSync(join(ws.source, 'a.csv'), [HEADER, ...rows].join('\n') + '\n');
    writeFileSync(join(ws.test, 't.csv'), [HEADER, ...rows.slice(0, 10)].join('\n') + '\n');
    await withContext(ws.config, async (ctx) => {
      const r = await ingest(ctx);
      assert.deepEqual(r.files[0].rejectedByReason, { invalid_label: 14 });
      await assert.rejects(train(ctx), (err: Error) => {
        assert.match(err.message, /has 26 rows, every one labelled "Stayed" \(target_negative, stayed\): training needs both classes, and no row has "Yes" \(target_positive, left\) in column "exited"/);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    });
    const run = cli(['--config', ws.config, 'run', '--json']);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr + run.stdout, /no row has "Yes" \(target_positive, left\)/);
    assert.ok(!/\n\s+at /.test(run.stderr), 'no stack trace');
    assert.ok(!existsSync(join(ws.dir, 'production_deployment', 'model.json')), 'nothing deployed');
  });

  test('a file whose label column is all one class ingests (a batch may hold no leaver); training on only it says which class is missing', async () => {
    const ws = makeWorkspace();
    writeFileSync(join(ws.source, 'a.csv'), [HEADER, ...Array.from({ length: 30 }, (_, i) => `c${i},${i},${i},${i},1`)].join('\n') + '\n');
    await withContext(ws.config, async (ctx) => {
      assert.equal((await ingest(ctx)).rowsTotal, 30);
      await assert.rejects(train(ctx), /every one labelled "1" \(target_positive, left\): training needs both classes, and no row has "0" \(target_negative, stayed\)/);
    });
  });
});
