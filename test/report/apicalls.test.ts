import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';
import { apiCalls } from '../../src/report/apicalls.ts';
import { score } from '../../src/model/score.ts';
import type { Context } from '../../src/context.ts';
import { DataError } from '../../src/util/errors.ts';
import { execFile } from 'node:child_process';
import { cli, ROOT, seedWithModels } from '../helpers/workspace.ts';

/** The CLI without blocking this process's event loop (the server under test lives in it). */
function cliAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((res) => execFile(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), ...args], { env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => res({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })));
}

let ctx: Context;
let config: string;
let server: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  const s = await seedWithModels(1);
  ctx = s.ctx;
  config = s.ws.config;
  await score(ctx);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
});

test('apicalls: every endpoint of a real listening server, answers stored in apireturns.json', async () => {
  const r = await apiCalls(ctx, { url: server.url });
  assert.equal(r.out, join(ctx.config.modelFolder, 'apireturns.json'));
  assert.deepEqual(r.calls.map((c) => c.name), ['prediction', 'scoring', 'summarystats', 'diagnostics', 'health', 'models', 'drift', 'runs']);
  for (const c of r.calls) assert.equal(c.status, 200, `${c.name}: ${c.status}`);
  const stored = JSON.parse(readFileSync(r.out, 'utf8'));
  // The same answers a client gets from the server directly.
  const direct = async (path: string) => (await fetch(new URL(path, server.url + '/'))).json();
  assert.deepEqual(stored.answers.health.body, await direct('health'));
  assert.deepEqual(stored.answers.models.body, await direct('models'));
  assert.deepEqual(stored.answers.scoring.body, await direct('scoring'));
  const testRows = readFileSync(join(ctx.config.testDataPath, 'testdata.csv'), 'utf8').trim().split('\n').length - 1;
  assert.equal(stored.answers.prediction.body.predictions.length, testRows);
  assert.equal(stored.answers.prediction.body.version, stored.answers.models.body.production);
  assert.ok(stored.answers.summarystats.body.summary.lastmonth_activity.count > 0);
  assert.equal(stored.answers.diagnostics.body.dependencies.status, 'skipped');
});

test('apicalls --json through the CLI, --out elsewhere', async () => {
  const out = join(ctx.config.dir, 'elsewhere.json');
  const res = await cliAsync(['apicalls', '--config', config, '--url', server.url, '--out', out, '--json', '--log-level', 'warn']);
  assert.equal(res.status, 0, res.stderr);
  const j = JSON.parse(res.stdout);
  assert.equal(j.out, out);
  assert.equal(j.calls.length, 8);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).calls.length, 8);
});

test('apicalls: a server that does not answer is one line naming the URL, exit 1', async () => {
  // A port that was just listening and is now closed.
  const s = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  const url = s.url;
  await s.close();
  await assert.rejects(apiCalls(ctx, { url }), (e: Error) => e instanceof DataError && e.message.includes(url) && /does not answer/.test(e.message));
  const res = cli(['apicalls', '--config', config, '--url', url]);
  assert.equal(res.status, 1);
  assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  assert.match(res.stderr, new RegExp(`${url.replace(/[.:/]/g, '\\$&')}.*ECONNREFUSED`));
});
