import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, context, seedWorkspace } from '../helpers/workspace.ts';
import { dropSchema, PG_URL, randomSchema } from '../helpers/postgres.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy, rollback } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';

/** A seed workspace (its own folders: another "machine") whose store is the shared PostgreSQL schema. */
function machine(schema: string) {
  const ws = seedWorkspace();
  const cfg = JSON.parse(readFileSync(ws.config, 'utf8'));
  cfg.store = { type: 'postgres', url_env: 'RW_TEST_PG_URL', schema };
  writeFileSync(ws.config, JSON.stringify(cfg));
  return ws;
}

const env = { RW_TEST_PG_URL: PG_URL };

async function until(cond: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

test('two machines, one PostgreSQL store: train and deploy on A, predict on B with the same model; nothing in B\'s folders', async () => {
  const schema = randomSchema();
  const a = machine(schema);
  const b = machine(schema);
  try {
    for (const step of [['ingest'], ['train'], ['score'], ['deploy']]) {
      const r = cli(['--config', a.config, ...step, '--json'], { env });
      assert.equal(r.status, 0, `${step}: ${r.stderr}`);
    }
    const testFile = join(a.test, 'testdata.csv');
    const onA = JSON.parse(cli(['--config', a.config, 'predict', '--data', testFile, '--json'], { env }).stdout);
    const r = cli(['--config', b.config, 'predict', '--data', testFile, '--json'], { env });
    assert.equal(r.status, 0, r.stderr);
    const onB = JSON.parse(r.stdout);
    assert.equal(onB.version, 'v1');
    assert.deepEqual(onB.predictions, onA.predictions, 'B scores with exactly the model A trained');
    assert.ok(onB.predictions.length > 0);
    // B never trained nor deployed: its model and production folders stay empty.
    assert.ok(!existsSync(join(b.dir, 'models', 'v1')) && !existsSync(join(b.dir, 'production_deployment', 'model.json')));
    // The registry reads alike on both machines.
    const models = JSON.parse(cli(['--config', b.config, 'models', '--json'], { env }).stdout);
    assert.equal(models.production, 'v1');
    assert.deepEqual(models.models.map((m: { version: string; deployed: boolean }) => [m.version, m.deployed]), [['v1', true]]);
    // The model document B gets is the one A stored, field for field.
    const served = JSON.parse(cli(['--config', b.config, 'predict', '--data', testFile, '--model', 'v1', '--json'], { env }).stdout);
    assert.deepEqual(served.predictions, onA.predictions);
  } finally {
    await dropSchema(schema);
  }
});

test('a server on machine B serves what machine A deploys and rolls back (polling the deployments table)', async () => {
  const schema = randomSchema();
  const a = machine(schema);
  const b = machine(schema);
  process.env.RW_TEST_PG_URL = PG_URL;
  const ctxA = await context(a.config);
  const ctxB = await context(b.config);
  const server = await startServer(ctxB, { host: '127.0.0.1', port: 0, pollMs: 100 });
  try {
    await ingest(ctxA);
    const v1 = (await train(ctxA)).version;
    writeFileSync(join(a.source, 'more.csv'), 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\nzz1,1,10,2,1\nzz2,300,4000,50,0\n');
    await ingest(ctxA);
    const v2 = (await train(ctxA)).version;
    assert.equal((await fetch(`${server.url}/ready`)).status, 503, 'nothing deployed yet');
    await deploy(ctxA, v1);
    await until(() => server.holder.current?.version === v1, 3000);
    await deploy(ctxA, v2);
    await until(() => server.holder.current?.version === v2, 3000);
    const body = JSON.stringify({ records: [{ corporation: 'x', lastmonth_activity: 5, lastyear_activity: 100, number_of_employees: 3 }] });
    const p = (await (await fetch(`${server.url}/prediction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as { version: string };
    assert.equal(p.version, v2);
    // A rollback made on B is seen by A: one production pointer.
    const rb = await rollback(ctxB);
    assert.deepEqual([rb.version, rb.previous], [v1, v2]);
    await until(() => server.holder.current?.version === v1, 3000);
    const onA = await (await import('../../src/registry/production.ts')).currentProduction(ctxA);
    assert.equal(onA?.version, v1);
    // The drift reference travelled too: B can check drift against A's model.
    const { artifactsOf } = await import('../../src/registry/deployment.ts');
    assert.equal((await artifactsOf(ctxB).loadReference(v1))?.version, v1);
  } finally {
    await server.close();
    await ctxA.store.close();
    await ctxB.store.close();
    delete process.env.RW_TEST_PG_URL;
    await dropSchema(schema);
  }
});
