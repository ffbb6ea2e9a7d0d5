import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy, rollback } from '../../src/model/deploy.ts';
import { productionSource } from '../../src/registry/production.ts';
import { ModelHolder, type LoadedModel } from '../../src/server/model-holder.ts';
import { startServer } from '../../src/server/app.ts';
import { context, seedWorkspace, seedWithModels } from '../helpers/workspace.ts';

async function until(cond: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

test('the 500 ms poll alone picks up deploys and rollbacks (no fs.watch)', async () => {
  const {
    ctx,
    versions: [a, b],
  } = await seedWithModels(2, { deploy: false });
  const holder = new ModelHolder(productionSource(ctx), { watch: false });
  holder.start();
  try {
    assert.equal(holder.current, undefined, 'nothing deployed yet');
    await deploy(ctx, a);
    assert.ok((await until(() => holder.current?.version === a, 1000)) < 1000);
    const before = holder.current as LoadedModel | undefined;
    await deploy(ctx, b);
    await until(() => holder.current?.version === b, 1000);
    assert.equal(before?.version, a, 'a reference taken earlier still names the old version');
    await rollback(ctx);
    await until(() => holder.current?.version === a, 1000);
  } finally {
    holder.stop();
    await ctx.store.close();
  }
});

test('without a production model: ready and scoring routes answer 503, then serve once deployed', async () => {
  const ws = seedWorkspace();
  const ctx = await context(ws.config);
  await ingest(ctx);
  const v = (await train(ctx)).version;
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  try {
    const ready = await fetch(`${server.url}/ready`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { ready: boolean }).ready, false);
    const p = await fetch(`${server.url}/prediction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"records":[]}' });
    assert.equal(p.status, 503);
    assert.match(((await p.json()) as { error: { message: string } }).error.message, /no model in production/);
    assert.equal((await fetch(`${server.url}/risk`)).status, 503);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    await deploy(ctx, v);
    await until(() => server.holder.current?.version === v, 1000);
    const r = await fetch(`${server.url}/ready`);
    assert.deepEqual(await r.json(), { ready: true, version: v });
  } finally {
    await server.close();
    await ctx.store.close();
  }
});
