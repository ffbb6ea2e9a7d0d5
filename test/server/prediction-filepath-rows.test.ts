import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { HEADER, seedWithModels } from '../helpers/workspace.ts';

// Issue 13 item 8: GET /prediction?filepath= reads at most api.max_rows data rows (default
// 100,000) of a file or folder; beyond, 413 — and it stops reading there, so a huge file costs
// neither the server's memory nor other clients' time.

let ctx: Context;
let ws: Awaited<ReturnType<typeof seedWithModels>>['ws'];
let server: Awaited<ReturnType<typeof startServer>>;

const rows = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i},${i % 40},${i % 300},${(i % 20) + 1},${i % 2}`).join('\n');

before(async () => {
  ({ ws, ctx } = await seedWithModels(1));
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
  rmSync(ws.dir, { recursive: true, force: true });
});

/** GET /prediction?filepath=p while /health is polled: the answer, and the slowest /health meanwhile. */
async function whilePolling(p: string) {
  const t0 = performance.now();
  const answer = fetch(`${server.url}/prediction?filepath=${encodeURIComponent(p)}`).then(async (r) => ({ status: r.status, body: await r.text(), ms: performance.now() - t0 }));
  let done = false;
  void answer.then(() => (done = true));
  let slowestHealth = 0;
  let healthCalls = 0;
  while (!done) {
    const h0 = performance.now();
    const h = await fetch(`${server.url}/health`);
    assert.equal(h.status, 200);
    await h.text();
    slowestHealth = Math.max(slowestHealth, performance.now() - h0);
    healthCalls++;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { ...(await answer), slowestHealth, healthCalls };
}

test('a file of 1.3M rows (30 MB) is refused with 413 after reading ~100,000 of them; /health answers meanwhile', async () => {
  const big = join(ws.source, 'big.csv');
  // Written in slices: one 30 MB string would itself be the test's biggest allocation.
  writeFileSync(big, `${HEADER}\n`);
  for (let k = 0; k < 13; k++) writeFileSync(big, rows(`c${k}-`, 100_000) + '\n', { flag: 'a' });
  const r = await whilePolling('sourcedata/big.csv');
  const { slowestHealth, healthCalls } = r;
  console.log(`# ${r.status} (${(r.body.length / 1e6).toFixed(1)} MB) after ${Math.round(r.ms)} ms; ${healthCalls} /health calls meanwhile, slowest ${Math.round(slowestHealth)} ms`);
  assert.ok(slowestHealth < 1500, `/health took ${Math.round(slowestHealth)} ms while the big file was read`);
  assert.equal(r.status, 413, r.body.slice(0, 200));
  assert.deepEqual(JSON.parse(r.body), { error: { message: 'sourcedata/big.csv: more than 100000 rows, the most this route reads (config api.max_rows); score it with `riskwatch predict --data`' } });
  assert.ok(r.ms < 3000, `refused after ${Math.round(r.ms)} ms`);
});

test('exactly 100,000 rows are answered (6.8 MB of JSON, serialised in slices): /health answers meanwhile', async () => {
  writeFileSync(join(ws.source, 'at-limit.csv'), `${HEADER}\n${rows('L', 100_000)}\n`);
  const r = await whilePolling('sourcedata/at-limit.csv');
  console.log(`# ${r.status} (${(r.body.length / 1e6).toFixed(1)} MB) after ${Math.round(r.ms)} ms; ${r.healthCalls} /health calls meanwhile, slowest ${Math.round(r.slowestHealth)} ms`);
  assert.equal(r.status, 200);
  const body = JSON.parse(r.body) as { version: string; predictions: Array<{ id: string; probability: number; prediction: number }> };
  assert.equal(body.version, 'v1');
  assert.equal(body.predictions.length, 100_000);
  assert.equal(body.predictions[99_999].id, 'L99999');
  assert.ok(r.slowestHealth < 1500, `/health took ${Math.round(r.slowestHealth)} ms while 100,000 predictions were answered`);
});

test('api.max_rows counts every data row of a file or a whole folder: exactly the limit is answered, one more is 413', async () => {
  const configPath = join(ws.dir, 'config-cap.json');
  writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), api: { max_rows: 5 } }));
  mkdirSync(join(ws.source, 'cap'));
  writeFileSync(join(ws.source, 'cap', 'five.csv'), `${HEADER}\n${rows('f', 5)}\n`);
  writeFileSync(join(ws.source, 'cap', 'six.csv'), `${HEADER}\n${rows('s', 6)}`); // no final line break
  writeFileSync(join(ws.source, 'cap', 'six-one-bad.csv'), `${HEADER}\n${rows('b', 5)}\nbad,x,1,1,0\n`);
  for (const [sub, a, b] of [['three-two', 3, 2], ['three-three', 3, 3]] as const) {
    mkdirSync(join(ws.source, sub));
    writeFileSync(join(ws.source, sub, 'a.csv'), `${HEADER}\n${rows('a', a)}\n`);
    writeFileSync(join(ws.source, sub, 'b.csv'), `${HEADER}\n${rows('b', b)}\n`);
  }
  const config = loadConfig(configPath);
  assert.equal(config.api.max_rows, 5);
  const c2 = makeContext(config, await openStore(config));
  let s2: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    s2 = await startServer(c2, { host: '127.0.0.1', port: 0 });
    const at = async (p: string) => {
      const r = await fetch(`${s2!.url}/prediction?filepath=${encodeURIComponent(p)}`);
      return { status: r.status, body: (await r.json()) as { predictions?: unknown[]; error?: { message: string } } };
    };
    assert.equal((await at('sourcedata/cap/five.csv')).body.predictions?.length, 5);
    assert.equal((await at('sourcedata/three-two')).body.predictions?.length, 5);
    for (const p of ['sourcedata/cap/six.csv', 'sourcedata/cap/six-one-bad.csv', 'sourcedata/three-three']) {
      const r = await at(p);
      assert.equal(r.status, 413, p);
      assert.equal(r.body.error?.message, `${p}: more than 5 rows, the most this route reads (config api.max_rows); score it with \`riskwatch predict --data\``);
    }
  } finally {
    await s2?.close();
    await c2.store.close();
  }
  // The default, and a limit that is not a positive integer is a config error naming the key.
  assert.equal(ctx.config.api.max_rows, 100_000);
  writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), api: { max_rows: 0 } }));
  assert.throws(() => loadConfig(configPath), /api\.max_rows/);
});
