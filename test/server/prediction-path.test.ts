import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import type { Context } from '../../src/context.ts';
import { context, seedWorkspace, HEADER } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
let ws: ReturnType<typeof seedWorkspace>;
const get = (filepath: string) => fetch(`${server.url}/prediction?filepath=${encodeURIComponent(filepath)}`);

before(async () => {
  ws = seedWorkspace();
  ctx = await context(ws.config);
  await ingest(ctx);
  await train(ctx);
  await deploy(ctx);
  // Outside every data folder: a secret file, and symlinks from inside pointing at it.
  const outside = tempDir('rw-outside-');
  writeFileSync(join(outside, 'secret.csv'), `${HEADER}\nsecret,1,2,3,0\n`);
  symlinkSync(join(outside, 'secret.csv'), join(ws.source, 'link.csv'));
  symlinkSync(outside, join(ws.source, 'linkdir'));
  writeFileSync(join(ws.dir, 'beside-config.csv'), `${HEADER}\nx,1,2,3,0\n`);
  mkdirSync(join(ws.source, 'sub'));
  writeFileSync(join(ws.source, 'sub', 'ok.csv'), `${HEADER}\nnested,1,2,3,0\n`);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
});

test('GET /prediction?filepath scores a file inside the data folders, as the original API did', async () => {
  const r = await get('testdata/testdata.csv');
  assert.equal(r.status, 200);
  const body = (await r.json()) as { version: string; predictions: Array<{ id: string; probability: number; prediction: number }> };
  assert.equal(body.version, 'v1');
  const ids = readFileSync(join(ws.test, 'testdata.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  assert.deepEqual(body.predictions.map((p) => p.id), ids);
  for (const p of body.predictions) assert.equal(p.prediction, p.probability > 0.5 ? 1 : 0);
  assert.equal((await (await get('sourcedata/sub/ok.csv')).json() as { predictions: unknown[] }).predictions.length, 1);
  assert.equal((await get('sourcedata/nope.csv')).status, 404);
});

test('every path that leaves the data folders is refused with 403', async () => {
  for (const p of ['/etc/passwd', '../../etc/passwd', 'sourcedata/../../../etc/passwd', 'sourcedata/../config.json', 'beside-config.csv', 'sourcedata/link.csv', 'sourcedata/linkdir/secret.csv', 'C:/Windows/win.ini', 'sourcedata/\0x.csv']) {
    const r = await get(p);
    assert.equal(r.status, 403, p);
    const body = (await r.json()) as { error: { message: string } };
    assert.doesNotMatch(JSON.stringify(body), /secret|root:/);
  }
  assert.equal((await fetch(`${server.url}/prediction`)).status, 400);
});
