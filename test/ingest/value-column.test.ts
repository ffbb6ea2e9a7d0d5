import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import { ingest } from '../../src/ingest/ingest.ts';
import { readDataset } from '../../src/data/dataset-files.ts';
import { trainingSchema } from '../../src/data/columns.ts';
import { readPopulation } from '../../src/population/read-population.ts';
import { context, makeWorkspace, HEADER } from '../helpers/workspace.ts';

// value_column set on a workspace whose dataset was ingested without it: the older rows get no
// value (empty cells, never lost), new files must carry the column, and ingest appends again after.

test('value_column added later: old rows keep an empty value, new rows carry theirs, a file without the column is rejected naming it', async () => {
  const ws = makeWorkspace();
  try {
    writeFileSync(join(ws.source, 'a.csv'), `${HEADER}\nx1,1,2,3,0\nx2,4,5,6,1\n`);
    let ctx = await context(ws.config);
    await ingest(ctx);
    await ctx.store.close();

    writeFileSync(ws.config, JSON.stringify({ ...(JSON.parse(readFileSync(ws.config, 'utf8')) as object), value_column: 'revenue' }));
    writeFileSync(join(ws.source, 'b.csv'), `revenue,${HEADER}\n120.5,x3,7,8,9,0\n,x4,1,1,1,0\n`);
    writeFileSync(join(ws.source, 'c.csv'), `${HEADER}\nx5,1,1,1,0\n`);
    ctx = await context(ws.config);
    const r = await ingest(ctx);
    assert.equal(r.rowsAdded, 2);
    const c = r.files.find((f) => f.name === 'c.csv')!;
    assert.equal(c.status, 'rejected');
    assert.match(c.reason!, /required column "revenue" is missing/);
    const cells = parse(readFileSync(join(ctx.config.outputFolder, 'finaldata.csv'))) as string[][];
    assert.deepEqual(cells, [
      ['corporation', 'lastmonth_activity', 'lastyear_activity', 'number_of_employees', 'revenue', 'exited'],
      ['x1', '1', '2', '3', '', '0'],
      ['x2', '4', '5', '6', '', '1'],
      ['x3', '7', '8', '9', '120.5', '0'],
      ['x4', '1', '1', '1', '', '0'],
    ]);
    // The next ingest appends a segment to the dataset with the value column (no rewrite).
    writeFileSync(join(ws.source, 'd.csv'), `${HEADER},revenue\nx6,2,2,2,0,99\n`);
    await ingest(ctx);
    assert.ok(readdirSync(ctx.config.outputFolder).includes('finaldata.bin.1'));
    // Training reads the features only, from the .bin; the population carries the values.
    const loaded = await readDataset(ctx.config.outputFolder, trainingSchema(ctx.config));
    assert.equal(loaded?.source, 'bin');
    assert.deepEqual(loaded.dataset.features, ctx.config.features);
    const pop = (await readPopulation(ctx.config, ctx.config.features))!;
    assert.deepEqual(pop.dataset.features, ctx.config.features);
    assert.deepEqual(
      Array.from({ length: pop.dataset.rows }, (_, i) => [pop.dataset.ids.get(i), pop.value![i]]),
      [['x1', Number.NaN], ['x3', 120.5], ['x4', Number.NaN], ['x6', 99]], // x2 left
    );
    await ctx.store.close();
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
});

test('a SQLite source carries the value column into the dataset: REAL and NULL values, a text that is no number rejects its row', async () => {
  const ws = makeWorkspace({ value_column: 'revenue', sources: [{ type: 'sqlite', name: 'crm', path: 'crm.db', table: 'clients' }] } as never);
  try {
    const db = new Database(join(ws.dir, 'crm.db'));
    db.exec('CREATE TABLE clients (corporation TEXT, lastmonth_activity INTEGER, lastyear_activity INTEGER, number_of_employees INTEGER, exited INTEGER, revenue)');
    const st = db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?)');
    st.run('s1', 1, 2, 3, 0, 1250.75);
    st.run('s2', 4, 5, 6, 0, null);
    st.run('s3', 7, 8, 9, 0, 'lots');
    st.run('s4', 1, 1, 1, 1, 300);
    db.close();
    const ctx = await context(ws.config);
    const r = await ingest(ctx);
    assert.equal(r.sources[0].status, 'ingested', r.sources[0].error);
    assert.equal(r.rowsAdded, 3);
    assert.deepEqual(r.sources[0].rejectedByReason, { not_a_number: 1 });
    const pop = (await readPopulation(ctx.config, ctx.config.features))!;
    assert.deepEqual(
      Array.from({ length: pop.dataset.rows }, (_, i) => [pop.dataset.ids.get(i), pop.value![i]]),
      [['s1', 1250.75], ['s2', Number.NaN]], // s4 left
    );
    await ctx.store.close();
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
});

test('value_column that is also a feature: stored once, its values are the feature\'s, and the model\'s columns are unchanged', async () => {
  const ws = makeWorkspace({ value_column: 'lastyear_activity' });
  try {
    writeFileSync(join(ws.source, 'a.csv'), `${HEADER}\nx1,1,2000,3,0\nx2,4,,6,0\n`);
    const ctx = await context(ws.config);
    await ingest(ctx);
    assert.equal(readFileSync(join(ctx.config.outputFolder, 'finaldata.csv'), 'utf8').split('\n')[0], HEADER);
    const pop = (await readPopulation(ctx.config, ctx.config.features))!;
    assert.deepEqual(pop.dataset.features, ctx.config.features);
    assert.deepEqual([...pop.value!], [2000, Number.NaN]);
    await ctx.store.close();
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
