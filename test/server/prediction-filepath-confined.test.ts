import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { HEADER, seedWithModels } from '../helpers/workspace.ts';

// Issue 13 item 6: every file GET /prediction?filepath= reads is checked where it really is —
// the files of a folder too — and "outside" is one answer whether or not the target exists.

let ctx: Context;
let ws: Awaited<ReturnType<typeof seedWithModels>>['ws'];
let server: Awaited<ReturnType<typeof startServer>>;
let outside: string;
const get = async (filepath: string) => {
  const r = await fetch(`${server.url}/prediction?filepath=${encodeURIComponent(filepath)}`);
  return { status: r.status, body: await r.text() };
};
const SECRET_LINE = 'root:x:0:0:SECRET-PASSWD-LINE';

before(async () => {
  ({ ws, ctx } = await seedWithModels(1));
  outside = mkdtempSync(join(tmpdir(), 'rw-outside-'));
  writeFileSync(join(outside, 'passwd'), `${SECRET_LINE}\nbin:x:1:1\n`);
  writeFileSync(join(outside, 'rows.csv'), `${HEADER}\nsecret-client,1,2,3,0\n`);
  // Data subfolders, each with one file that leads out among files that do not.
  for (const [sub, target] of [
    ['to-passwd', join(outside, 'passwd')],
    ['to-rows', join(outside, 'rows.csv')],
    ['to-missing', join(outside, 'missing.csv')],
  ]) {
    mkdirSync(join(ws.source, sub));
    writeFileSync(join(ws.source, sub, 'ok.csv'), `${HEADER}\nin-${sub},1,2,3,0\n`);
    symlinkSync(target, join(ws.source, sub, 'leak.csv'));
  }
  mkdirSync(join(ws.source, 'plain'));
  writeFileSync(join(ws.source, 'plain', 'inside.csv'), `${HEADER}\nplain,1,2,3,0\n`);
  symlinkSync(outside, join(ws.source, 'outdir'));
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
  rmSync(ws.dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

test('a folder is read only if every data file in it lies inside the data folders: a symlink out is refused, its content never quoted', async () => {
  for (const sub of ['to-passwd', 'to-rows', 'to-missing']) {
    const r = await get(`sourcedata/${sub}`);
    assert.equal(r.status, 403, `${sub}: ${r.body}`);
    assert.doesNotMatch(r.body, /SECRET|secret-client|root:|bin:x/, sub);
  }
  // One answer for "outside": the link to a file that exists and the one to a file that does not.
  assert.equal((await get('sourcedata/to-passwd')).body, (await get('sourcedata/to-missing')).body);
  // Control: a folder whose files all lie inside is scored.
  const ok = await get('sourcedata/plain');
  assert.equal(ok.status, 200, ok.body);
  assert.deepEqual((JSON.parse(ok.body) as { predictions: Array<{ id: string }> }).predictions.map((p) => p.id), ['plain']);
});

test('`x.csv/..` does not reach the folder, and no `..` form does', async () => {
  for (const p of ['sourcedata/plain/inside.csv/..', 'sourcedata/to-passwd/ok.csv/..', 'sourcedata/plain/../plain/inside.csv', 'sourcedata/plain/inside.csv/../../to-passwd']) {
    const r = await get(p);
    assert.equal(r.status, 403, `${p}: ${r.body}`);
    assert.doesNotMatch(r.body, /SECRET|root:/);
  }
});

test('through a symlinked folder, an outside file that exists and one that does not get the same answer', async () => {
  const exists = await get('sourcedata/outdir/passwd');
  const missing = await get('sourcedata/outdir/nothing-here.csv');
  const missingDeep = await get('sourcedata/outdir/no/such/dir.csv');
  assert.equal(exists.status, 403);
  assert.deepEqual(missing, exists);
  assert.deepEqual(missingDeep, exists);
  // A missing file inside the folders is still a 404.
  assert.equal((await get('sourcedata/plain/nothing.csv')).status, 404);
});

test('a test_data_path that is a file allows that file only: config.json beside it is never read', async () => {
  // The test data as one file beside the config file (a layout the config allows), served by a
  // second config in the same workspace.
  const configPath = join(ws.dir, 'config-testfile.json');
  const cfg = JSON.parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
  cpSync(join(ws.test, 'testdata.csv'), join(ws.dir, 'testdata.csv'));
  writeFileSync(configPath, JSON.stringify({ ...cfg, test_data_path: 'testdata.csv' }));
  const config = loadConfig(configPath);
  const c2 = makeContext(config, await openStore(config));
  let s2: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    s2 = await startServer(c2, { host: '127.0.0.1', port: 0 });
    const at = async (p: string) => {
      const r = await fetch(`${s2!.url}/prediction?filepath=${encodeURIComponent(p)}`);
      return { status: r.status, body: await r.text() };
    };
    assert.equal((await at('testdata.csv')).status, 200);
    for (const p of ['config.json', './config-testfile.json', 'testdata.csv/../config.json', 'testdata.csv/..', '.']) {
      const r = await at(p);
      assert.equal(r.status, 403, `${p}: ${r.body}`);
      assert.doesNotMatch(r.body, /input_folder_path|sourcedata/, p);
    }
  } finally {
    await s2?.close();
    await c2.store.close();
  }
});
