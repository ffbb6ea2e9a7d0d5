import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DatasetBuilder } from '../../src/data/dataset.ts';
import { CsvRowSink, type LoggedReject } from '../../src/data/row-sink.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { ingest, type IngestResult } from '../../src/ingest/ingest.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';
import { PG_URL, randomSchema, dropSchema } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/temp.ts';

// Issue 15 item 3: in a count or a number column, a cell of nothing but white space — spaces, a
// tab, the no-break space Excel exports write — is missing (counted, imputed), like an empty cell,
// on every way rows come in: the fast path, the general path, the second part of a file read on
// the parse worker's thread, and database sources (text columns holding blanks).

const SCHEMA: TableSchema = { id: 'id', features: ['a', 'b'], featureTypes: { a: 'count', b: 'number' }, target: 'y', requireTarget: true, requireId: true };
const BLANKS = ['', ' ', '   ', '\t', ' \t ', '\u00a0', ' \u00a0 ', '\u2007\u202f', '" "', '"\u00a0"'];
const dir = tempDir('riskwatch-blanks-');

/** Rows with a blank in a, in b, in both, and real values around them; the expected [a, b] per row. */
function rowsFor(blank: string): { csv: string[]; expected: Array<[number, number]> } {
  return {
    csv: [`k1,${blank},2.5,1`, `k2,7,${blank},0`, `k3,${blank},${blank},0`, `k4,\u00a012\u00a0,\u00a0-1.5\u00a0,1`],
    expected: [[Number.NaN, 2.5], [7, Number.NaN], [Number.NaN, Number.NaN], [12, -1.5]],
  };
}

function viaSink(text: string, fastPath: boolean) {
  const b = new DatasetBuilder(SCHEMA.features);
  const rejects: LoggedReject[] = [];
  const sink = new CsvRowSink('f.csv', SCHEMA, b, { fastPath, onReject: (r) => rejects.push(r) });
  sink.push(Buffer.from(text));
  sink.end();
  const ds = b.build();
  return { rows: Array.from({ length: ds.rows }, (_, i) => [ds.x[0][i], ds.x[1][i]]), counts: sink.counts(), rejects };
}

describe('blank cells are missing', () => {
  for (const blank of BLANKS) {
    for (const fastPath of [true, false]) {
      test(`${JSON.stringify(blank)} (${fastPath ? 'fast path' : 'general path'})`, () => {
        const { csv, expected } = rowsFor(blank);
        const r = viaSink(['id,a,b,y', ...csv].join('\r\n') + '\r\n', fastPath);
        assert.deepEqual(r.rejects, [], 'nothing rejected');
        assert.deepEqual(r.rows, expected);
        assert.deepEqual(r.counts.missing, { a: 2, b: 2 });
      });
    }
  }

  test('white space around digits is trimmed in a count column too; other text is still not_a_number', () => {
    const r = viaSink('id,a,b,y\nk1,\u00a05,1,0\nk2,5\u00a0x,1,0\nk3,\u00a0,x,1\n', true);
    assert.deepEqual(r.rows, [[5, 1]]);
    assert.deepEqual(r.rejects.map((x) => [x.line, x.reason, x.column]), [[3, 'not_a_number', 'a'], [4, 'not_a_number', 'b']]);
  });

  test('in the second part of a file read on two threads', async () => {
    const lines = ['id,a,b,y'];
    const expected: Array<[number, number]> = [];
    for (let i = 0; i < 4000; i++) {
      const blank = BLANKS[i % BLANKS.length];
      const { csv, expected: e } = rowsFor(blank);
      lines.push(csv[i % 4].replace(/^k\d/, `r${i}`));
      expected.push(e[i % 4]);
    }
    const path = join(dir, 'two-parts.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const debug: string[] = [];
    const log = { warn: () => {}, info: () => {}, error: () => {}, debug: (_o: unknown, m: string) => debug.push(m) } as never;
    for (const parallel of [false, true]) {
      const b = new DatasetBuilder(SCHEMA.features);
      const r = await readDataFile(path, SCHEMA, b, { log, parallelMinBytes: parallel ? 0 : Infinity, chunkBytes: 4096 });
      const ds = b.build();
      assert.equal(r.rowsRejected, 0);
      assert.deepEqual(Array.from({ length: ds.rows }, (_, i) => [ds.x[0][i], ds.x[1][i]]), expected);
      assert.deepEqual(r.missing, { a: 2000, b: 2000 });
    }
    assert.ok(debug.some((m) => m.includes('in two parts')), `read in two parts (${debug.join('; ')})`);
  });
});

describe('blank cells from database sources', () => {
  const config = (sources: unknown[]) => ({ sources, feature_types: { number_of_employees: 'number' } });
  const run = async (configPath: string): Promise<IngestResult> => {
    const ctx = await context(configPath);
    try {
      return await ingest(ctx);
    } finally {
      await ctx.store.close();
    }
  };
  const dataset = (ws: { dir: string }) => (parse(readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'))) as string[][]).slice(1);
  const ROWS = [['s1', '\u00a0', '20', ' ', '1'], ['s2', '\t', '  ', '3.5', '0'], ['s3', '4', '40', '   ', '0']];
  const EXPECTED = [['s1', '', '20', '', '1'], ['s2', '', '', '3.5', '0'], ['s3', '4', '40', '', '0']];

  test('sqlite: text columns holding blanks', async () => {
    const ws = makeWorkspace(config([{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients' }]));
    const db = new Database(join(ws.dir, 'crm.db'));
    db.exec('CREATE TABLE clients (corporation TEXT, lastmonth_activity TEXT, lastyear_activity TEXT, number_of_employees TEXT, exited INTEGER)');
    const st = db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?, ?)');
    for (const r of ROWS) st.run(r[0], r[1], r[2], r[3], Number(r[4]));
    db.close();
    const s = (await run(ws.config)).sources.find((x) => x.name === 'crm')!;
    assert.equal(s.rowsRejected, 0);
    assert.deepEqual(s.missing, { lastmonth_activity: 2, lastyear_activity: 1, number_of_employees: 2 });
    assert.deepEqual(dataset(ws), EXPECTED);
  });

  const schema = randomSchema('rw_blank');
  after(() => dropSchema(schema));
  test('postgres: text columns holding blanks', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA ${schema}`);
      await c.query(`CREATE TABLE ${schema}.clients (corporation text, lastmonth_activity text, lastyear_activity varchar(10), number_of_employees text, exited smallint)`);
      for (const r of ROWS) await c.query(`INSERT INTO ${schema}.clients VALUES ($1, $2, $3, $4, $5)`, [r[0], r[1], r[2], r[3], Number(r[4])]);
    } finally {
      await c.end();
    }
    const ws = makeWorkspace(config([{ type: 'postgres', name: 'crm', url: PG_URL, query: `SELECT * FROM ${schema}.clients ORDER BY corporation` }]));
    const s = (await run(ws.config)).sources.find((x) => x.name === 'crm')!;
    assert.equal(s.rowsRejected, 0);
    assert.deepEqual(s.missing, { lastmonth_activity: 2, lastyear_activity: 1, number_of_employees: 2 });
    assert.deepEqual(dataset(ws), EXPECTED);
  });
});
