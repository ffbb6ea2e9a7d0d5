import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy, rollback } from '../../src/model/deploy.ts';
import { readProductionFile } from '../../src/registry/production-file.ts';
import { context, seedWorkspace, seedWithModels, HEADER } from '../helpers/workspace.ts';

test('a reader in another process never sees a half-written production model', async () => {
  const {
    ws,
    ctx,
    versions: [a, b],
  } = await seedWithModels(2);
  const prodFile = join(ws.dir, 'production_deployment', 'model.json');
  // The reader parses the file as fast as it can and counts versions and failures.
  const reader = spawn(process.execPath, ['-e', `
    const fs = require('fs'); const seen = {}; let bad = 0; const end = Date.now() + 1500;
    while (Date.now() < end) { try { const v = JSON.parse(fs.readFileSync(${JSON.stringify(prodFile)}, 'utf8')).version; seen[v] = (seen[v] || 0) + 1; } catch (e) { bad++; } }
    process.stdout.write(JSON.stringify({ seen, bad }));`]);
  let out = '';
  reader.stdout.on('data', (d) => (out += d));
  const done = new Promise((r) => reader.on('close', r));
  for (let i = 0; i < 40; i++) {
    await deploy(ctx, i % 2 ? a : b);
    await new Promise((r) => setTimeout(r, 20));
  }
  await done;
  const { seen, bad } = JSON.parse(out);
  assert.equal(bad, 0, 'no read failed');
  assert.deepEqual(Object.keys(seen).sort(), [a, b].sort());
  assert.equal(readProductionFile(ctx.config)?.version, a);
  await ctx.store.close();
});

test('rollback walks back through the deployment history, not back and forth', async () => {
  const ws = seedWorkspace();
  const ctx = await context(ws.config);
  await ingest(ctx);
  const versions: string[] = [];
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(ws.source, `extra${i}.csv`), `${HEADER}\nextra${i},${i},${i * 10},${i + 1},${i % 2}\n`);
    await ingest(ctx);
    versions.push((await train(ctx)).version);
    await deploy(ctx, versions[i]);
  }
  assert.equal((await rollback(ctx)).version, versions[1]);
  assert.equal((await rollback(ctx)).version, versions[0]);
  await assert.rejects(rollback(ctx), /nothing to roll back to/);
  const history = await ctx.store.deployments();
  assert.deepEqual(history.map((d) => d.action), ['deploy', 'deploy', 'deploy', 'rollback', 'rollback']);
  await ctx.store.close();
});

test('a production file the store does not know (crash after rename) is reconciled', async () => {
  const ws = seedWorkspace();
  const ctx = await context(ws.config);
  await ingest(ctx);
  const v = (await train(ctx)).version;
  await deploy(ctx, v);
  // Simulate a crash between the rename and the store write: drop the history row.
  (ctx.store as unknown as { db: { exec(s: string): void } }).db.exec('DELETE FROM deployments');
  writeFileSync(join(ws.source, 'more.csv'), `${HEADER}\nzzz,1,2,3,1\n`);
  await ingest(ctx);
  const w = (await train(ctx)).version;
  const d = await deploy(ctx, w);
  assert.equal(d.previous, v);
  const history = await ctx.store.deployments();
  assert.deepEqual(history.map((h) => [h.version, h.action]), [[v, 'recover'], [w, 'deploy']]);
  await ctx.store.close();
});
