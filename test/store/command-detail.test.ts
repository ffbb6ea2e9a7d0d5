import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { commandDetail } from '../../src/store/command-detail.ts';
import { startServer } from '../../src/server/app.ts';
import { context, makeWorkspace } from '../helpers/workspace.ts';

test('a well-formed detail reads back as recorded, unknown fields kept', () => {
  const detail = { reason: 'dataset drift', deployed: 'v2', retrained: true, drift: { dataset: true, prediction: false, model: null }, featureDrift: { a: 'stable' }, datasetHash: 'abc', ingested: { rowsAdded: 3, filesRead: 1 }, challenger: { version: 'v2', f1: 0.5 }, champion: null, extra: [1, 2] };
  assert.deepEqual(commandDetail({ detail }), detail);
});

test('a malformed detail reads as absent fields, never as a wrong shape or a throw', () => {
  for (const bad of [null, undefined, 'text', 42, [1, 2]]) assert.deepEqual(commandDetail({ detail: bad as unknown as Record<string, unknown> }), {}, String(bad));
  assert.deepEqual(commandDetail(undefined), {});
  const d = commandDetail({ detail: { reason: ['x'], deployed: 42, retrained: 'yes', drift: 'yes', featureDrift: 7, datasetHash: {}, ingested: null, challenger: { version: 1 }, champion: 'v1', kept: 'as is' } });
  for (const k of ['reason', 'deployed', 'retrained', 'drift', 'featureDrift', 'datasetHash', 'ingested', 'challenger', 'champion'] as const) assert.equal(d[k], undefined, k);
  assert.equal(d.kept, 'as is');
  // A drift record with one bad flag keeps the others; the bad one reads as "not checked".
  assert.deepEqual(commandDetail({ detail: { drift: { dataset: true, prediction: 'no', model: false } } }).drift, { dataset: true, prediction: null, model: false });
});

test('GET /drift and /metrics skip runs whose stored detail is malformed instead of failing or echoing it', async () => {
  const ws = makeWorkspace();
  const ctx = await context(ws.config);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const record = async (detail: unknown) => {
      const id = await ctx.store.startCommandRecord('run', '2026-01-01T00:00:00.000Z');
      await ctx.store.finishCommandRecord(id, 'ok', '2026-01-01T00:00:01.000Z', {}, null, detail as Record<string, unknown>, 'completed');
      return id;
    };
    const good = await record({ reason: 'dataset drift', deployed: null, drift: { dataset: true, prediction: false, model: null }, featureDrift: { lastmonth_activity: 'major' } });
    await record({ reason: 'hand-edited', drift: 'yes', featureDrift: 7 });
    await record(null);
    server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
    const r = await fetch(`${server.url}/drift`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { latest: { runId: good, at: '2026-01-01T00:00:00.000Z', drift: { dataset: true, prediction: false, model: null }, reason: 'dataset drift', deployed: null } });
    const m = await fetch(`${server.url}/metrics`);
    assert.equal(m.status, 200);
    assert.match(await m.text(), /lastmonth_activity/);
  } finally {
    await server?.close();
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
