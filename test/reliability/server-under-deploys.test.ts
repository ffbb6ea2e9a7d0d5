/**
 * The server keeps answering while production changes under it: concurrent clients POST
 * /prediction on a real socket while deploys and rollbacks alternate as fast as they can (the
 * library calls the CLI and the API use). Zero failed requests; each answer is whole (one version
 * scores every record of a request); the versions served change. The 60 s version under
 * autocannon, with real runs retraining, is in load.long.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploy, rollback } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import { seedWithModels } from '../helpers/workspace.ts';
import { writeFigures } from './helpers.ts';

test('deploy/rollback loop under concurrent prediction requests: zero failures, every answer whole', async () => {
  const { ctx, versions } = await seedWithModels(3);
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0, pollMs: 20 });
  const records = Array.from({ length: 50 }, (_, i) => ({ corporation: `c${i}`, lastmonth_activity: i * 7, lastyear_activity: i * 90, number_of_employees: i + 1 }));
  const body = JSON.stringify({ records });
  let stop = false;
  let ok = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  const client = async () => {
    while (!stop) {
      try {
        const r = await fetch(`${server.url}/prediction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await r.text();
        if (r.status !== 200) failures.push(`${r.status} ${text}`);
        else {
          const b = JSON.parse(text) as { version: string; predictions: unknown[] };
          if (b.predictions.length !== records.length) failures.push(`partial answer: ${b.predictions.length}`);
          seen.add(b.version);
          ok++;
        }
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  const clients = Array.from({ length: 6 }, client);
  let changes = 0;
  try {
    for (let i = 0; i < 30; i++) {
      await deploy(ctx, versions[1 + (i % 2)], 'reliability loop');
      await new Promise((r) => setTimeout(r, 30));
      await rollback(ctx, 'reliability loop');
      await new Promise((r) => setTimeout(r, 30));
      changes += 2;
    }
  } finally {
    stop = true;
    await Promise.all(clients);
    await server.close();
    await ctx.store.close();
  }
  writeFigures('server-under-deploys', { requests: ok + failures.length, failed: failures.length, deploysAndRollbacks: changes, versionsServed: seen.size });
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(ok > 100, `${ok} requests answered`);
  assert.ok(seen.size >= 2, `versions served: ${[...seen].join(', ')}`);
});
