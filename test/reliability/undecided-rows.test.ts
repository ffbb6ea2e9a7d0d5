/**
 * The states a crash leaves between ingest and the run's decision, built directly (the long kill
 * test reaches them by timing): the next run must record what is on disk and check the rows no
 * run decided on, instead of reporting "no new data".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { HEADER, seedWorkspace } from '../helpers/workspace.ts';
import { sha256File, sqliteIntegrity } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

async function open(dir: string) {
  const config = loadConfig(join(dir, 'config.json'));
  return makeContext(config, await openStore(config));
}
const batch = Array.from({ length: 12 }, (_, i) => `undecided-${i},${400 + i},${4000 + i},${60 + i},${i % 2}`);

test('a dataset written but not recorded (crash between the two) is recorded by the next ingest, and the next run decides on its rows', async () => {
  const ws = seedWorkspace();
  let ctx = await open(ws.dir);
  const first = await runPipeline(ctx);
  assert.equal(first.status, 'completed');
  await ctx.store.close();
  // The same workspace one step further, in a copy: a new file ingested.
  const ahead = join(tempDir('rw-undecided-'), 'ws');
  cpSync(ws.dir, ahead, { recursive: true });
  writeFileSync(join(ahead, 'sourcedata', 'new.csv'), [HEADER, ...batch].join('\n') + '\n');
  const a = await open(ahead);
  await ingest(a);
  await a.store.close();
  // The crash: the new file and the new dataset files are on disk; the store knows neither.
  cpSync(join(ahead, 'sourcedata', 'new.csv'), join(ws.source, 'new.csv'));
  for (const f of readdirSync(join(ahead, 'ingesteddata'))) if (f.startsWith('finaldata')) cpSync(join(ahead, 'ingesteddata', f), join(ws.dir, 'ingesteddata', f));
  ctx = await open(ws.dir);
  try {
    const run = await runPipeline(ctx);
    assert.equal(run.status, 'completed', run.reason);
    assert.equal((await ctx.store.latestDataset())?.hash, sha256File(join(ws.dir, 'ingesteddata', 'finaldata.csv')), 'the dataset on disk is recorded');
    assert.match(run.reason, /\(12 new rows ingested\)|12 held-out|on 12 new rows|deployed|kept/, run.reason);
    assert.ok(run.drift.dataset !== null, 'the 12 rows were checked for drift');
    assert.equal(run.datasetHash, sha256File(join(ws.dir, 'ingesteddata', 'finaldata.csv')));
    assert.equal((await runPipeline(ctx)).status, 'noop');
    assert.deepEqual(sqliteIntegrity(ws.dir), []);
  } finally {
    await ctx.store.close();
  }
});

test('rows ingested by a run stopped before its decision (or by a manual ingest) are checked by the next run', async () => {
  const ws = seedWorkspace();
  const ctx = await open(ws.dir);
  try {
    assert.equal((await runPipeline(ctx)).status, 'completed');
    writeFileSync(join(ws.source, 'new.csv'), [HEADER, ...batch].join('\n') + '\n');
    await ingest(ctx); // the rows arrive; no run decides on them
    const run = await runPipeline(ctx);
    assert.equal(run.status, 'completed', `not noop: ${run.reason}`);
    assert.ok(run.drift.dataset !== null);
    assert.match(run.reason, /12 new rows ingested|on 12 new rows|held-out/);
    assert.equal((await runPipeline(ctx)).status, 'noop');
  } finally {
    await ctx.store.close();
  }
});
