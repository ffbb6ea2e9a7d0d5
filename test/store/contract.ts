import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import type { DatasetRecord, IngestedFileRecord, IngestionRecord, Store } from '../../src/store/types.ts';

/**
 * What every Store must do, whatever the backend: run by sqlite-store.test.ts and
 * postgres-store.test.ts. `open` gives a fresh, migrated, empty store and a way to dispose of it.
 */
export function storeContract(backend: string, open: () => Promise<{ store: Store; dispose: () => Promise<void> }>): void {
  const withStore = (name: string, fn: (s: Store) => Promise<void>) =>
    test(name, async () => {
      const { store, dispose } = await open();
      try {
        await fn(store);
      } finally {
        await dispose();
      }
    });

  const file = (name: string, sha256: string, extra: Partial<IngestedFileRecord> = {}): IngestedFileRecord => ({
    name,
    path: `/in/${name}`,
    size: 1234,
    sha256,
    status: 'ingested',
    rowsRead: 10,
    rowsAccepted: 8,
    rowsRejected: 2,
    duplicates: 1,
    rejectedByReason: { 'not a count': 2 },
    missing: { lastyear_activity: 1 },
    ingestedAt: '2026-01-01T00:00:00.000Z',
    mtimeMs: 1767225600123.5,
    ...extra,
  });
  const ingestion = (datasetHash: string | null): IngestionRecord => ({
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    filesIngested: 1,
    filesRejected: 1,
    filesSkipped: 3,
    rowsAdded: 8,
    rowsRejected: 2,
    duplicatesDropped: 1,
    datasetHash,
  });
  const dataset = (hash: string, rows = 8): DatasetRecord => ({ hash, rows, path: '/out', createdAt: '2026-01-01T00:00:01.000Z', missing: { lastyear_activity: 1 } });

  describe(`Store contract: ${backend}`, () => {
    withStore('migrate twice is a no-op; an empty store answers empty', async (s) => {
      await s.migrate();
      assert.deepEqual(await s.latestFileRecords(), []);
      assert.equal(await s.latestDataset(), undefined);
      assert.equal(await s.getDataset('nope'), undefined);
      assert.deepEqual(await s.listModels(), []);
      assert.equal(await s.getModel('v1'), undefined);
      assert.deepEqual(await s.scores(), []);
      assert.deepEqual(await s.deployments(), []);
      assert.deepEqual(await s.commandRecords(), []);
    });

    withStore('recordIngestion: files round-trip field for field; latest record per name wins', async (s) => {
      const id1 = await s.recordIngestion(ingestion('h1'), [file('a.csv', 'aaa'), file('b.csv', 'bbb', { status: 'rejected', reason: 'bad header', rowsAccepted: 0, mtimeMs: undefined })], dataset('h1'));
      const id2 = await s.recordIngestion(ingestion('h2'), [file('a.csv', 'ccc')], dataset('h2', 9));
      assert.ok(id2 > id1, 'ingestion ids increase');
      const latest = await s.latestFileRecords();
      assert.deepEqual(
        latest.map((f) => [f.name, f.sha256, f.ingestionId]),
        [
          ['a.csv', 'ccc', id2],
          ['b.csv', 'bbb', id1],
        ],
      );
      assert.deepEqual(latest[0], { ...file('a.csv', 'ccc'), ingestionId: id2, reason: undefined });
      assert.equal(latest[1].reason, 'bad header');
      assert.equal(latest[1].status, 'rejected');
      assert.equal(latest[1].mtimeMs, undefined);
      assert.deepEqual(await s.latestDataset(), dataset('h2', 9));
    });

    withStore('recordIngestion is one transaction: a bad file leaves no ingestion, file or dataset', async (s) => {
      await s.recordIngestion(ingestion('h1'), [file('a.csv', 'aaa')], dataset('h1'));
      await assert.rejects(s.recordIngestion(ingestion('h3'), [file('c.csv', 'x'), { ...file('d.csv', 'y'), status: 'bogus' as never }], dataset('h3')));
      assert.equal((await s.latestDataset())?.hash, 'h1');
      assert.equal(await s.getDataset('h3'), undefined);
      assert.deepEqual((await s.latestFileRecords()).map((f) => f.name), ['a.csv']);
    });

    withStore('an ingestion without a new dataset records no dataset', async (s) => {
      await s.recordIngestion({ ...ingestion(null), rowsAdded: 0 }, [file('a.csv', 'aaa', { status: 'rejected', reason: 'empty' })], null);
      assert.equal(await s.latestDataset(), undefined);
      assert.equal((await s.latestFileRecords()).length, 1);
    });

    withStore('source reads: recorded with their ingestion; latest non-failed read per source, field for field', async (s) => {
      const read = (source: string, status: 'ingested' | 'unchanged' | 'failed', watermark: string | null, at: string) => ({
        source,
        type: 'postgres' as const,
        status,
        rowsRead: 7,
        rowsAccepted: 6,
        rowsRejected: 1,
        duplicates: 2,
        rowsAdded: 4,
        rejectedByReason: { invalid_label: 1 },
        watermark,
        contentHash: status === 'failed' ? null : `sha-${watermark}`,
        error: status === 'failed' ? 'postgres:clients: connection refused' : null,
        readAt: at,
      });
      await s.recordIngestion(ingestion('h1'), [], dataset('h1'), [read('db:a', 'ingested', '10', '2026-01-01T00:00:00Z'), read('db:b', 'ingested', '3', '2026-01-01T00:00:00Z')]);
      await s.recordIngestion(ingestion('h2'), [], dataset('h2'), [read('db:a', 'ingested', '25', '2026-01-02T00:00:00Z'), read('db:b', 'failed', null, '2026-01-02T00:00:00Z')]);
      const latest = await s.latestSourceReads();
      assert.deepEqual(latest, [read('db:a', 'ingested', '25', '2026-01-02T00:00:00Z'), read('db:b', 'ingested', '3', '2026-01-01T00:00:00Z')]);
      // One transaction: a bad source read leaves no ingestion and no watermark behind.
      await assert.rejects(s.recordIngestion(ingestion('h3'), [], dataset('h3'), [{ ...read('db:a', 'ingested', '99', '2026-01-03T00:00:00Z'), status: 'bogus' as never }]));
      assert.equal((await s.latestSourceReads())[0].watermark, '25');
      assert.equal(await s.getDataset('h3'), undefined);
    });

    withStore('recordDataset / getDataset / latestDataset: re-recording a hash makes it the latest again', async (s) => {
      await s.recordDataset(dataset('h1', 5));
      await s.recordDataset(dataset('h2', 6));
      assert.equal((await s.latestDataset())?.hash, 'h2');
      assert.deepEqual(await s.getDataset('h1'), dataset('h1', 5));
      await s.recordDataset({ ...dataset('h1', 5), path: '/moved' });
      const latest = await s.latestDataset();
      assert.equal(latest?.hash, 'h1');
      assert.equal(latest?.path, '/moved');
    });

    withStore('model versions: reserved uniquely (also when reserved concurrently), listed only once complete, oldest first', async (s) => {
      const reserved = await Promise.all(Array.from({ length: 8 }, () => s.reserveModelVersion('2026-01-01T00:00:00.000Z')));
      assert.equal(new Set(reserved).size, 8);
      for (const v of reserved) assert.match(v, /^v\d+$/);
      assert.deepEqual(await s.listModels(), []);
      const sorted = [...reserved].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
      const [a, b] = [sorted[1], sorted[0]];
      await s.completeModel({ version: a, createdAt: 't1', datasetHash: 'h', path: '/m/a', trainingRows: 3, trainingMs: 1.25 });
      await s.completeModel({ version: b, createdAt: 't2', datasetHash: 'h', path: '/m/b', trainingRows: 4, trainingMs: 2.5 });
      assert.deepEqual(
        (await s.listModels()).map((m) => m.version),
        [b, a],
        'ordered by reservation, not completion',
      );
      assert.deepEqual(await s.getModel(a), { version: a, createdAt: 't1', datasetHash: 'h', path: '/m/a', trainingRows: 3, trainingMs: 1.25 });
      assert.equal(await s.getModel(sorted[2]), undefined, 'reserved but not complete');
      await assert.rejects(s.completeModel({ version: 'v999999', createdAt: 't', datasetHash: 'h', path: '/m', trainingRows: 1, trainingMs: 1 }), /not reserved/);
    });

    withStore('scores: all in order, or one version; kind, metrics and what they were measured on round-trip', async (s) => {
      await s.recordScore({ version: 'v1', kind: 'test', dataHash: 'd1', dataPath: '/t', rows: 3, f1: 0.5, metrics: { f1: 0.5, auc: 0.75, confusion: [[1, 0], [1, 1]] }, createdAt: 't1', measuredOn: 'test data (3 rows)' });
      await s.recordScore({ version: 'v2', kind: 'holdout', dataHash: 'd1', dataPath: '/t', rows: 3, f1: 0.25, metrics: { f1: 0.25, kind: 'holdout' }, createdAt: 't2', measuredOn: null });
      await s.recordScore({ version: 'v1', kind: 'adhoc', dataHash: 'd2', dataPath: '/u', rows: 4, f1: 1 / 3, metrics: { f1: 1 / 3 }, createdAt: 't3', measuredOn: 'u (4 rows, ad hoc)' });
      assert.deepEqual((await s.scores()).map((x) => [x.version, x.kind, x.dataHash]), [['v1', 'test', 'd1'], ['v2', 'holdout', 'd1'], ['v1', 'adhoc', 'd2']]);
      const v1 = await s.scores('v1');
      assert.deepEqual(v1[0], { version: 'v1', kind: 'test', dataHash: 'd1', dataPath: '/t', rows: 3, f1: 0.5, metrics: { f1: 0.5, auc: 0.75, confusion: [[1, 0], [1, 1]] }, createdAt: 't1', measuredOn: 'test data (3 rows)' });
      assert.equal(v1[1].f1, 1 / 3, 'a double round-trips exactly');
      assert.equal((await s.scores('v2'))[0].measuredOn, null);
      assert.deepEqual(await s.scores('v9'), []);
      // Only the four kinds the history knows.
      await assert.rejects(s.recordScore({ version: 'v1', kind: 'other' as 'test', dataHash: 'd3', dataPath: '/v', rows: 1, f1: 0, metrics: {}, createdAt: 't4', measuredOn: null }));
    });

    withStore('deployments: recorded in order with ids; bad action rejected', async (s) => {
      await s.recordDeployment({ version: 'v1', previous: null, action: 'deploy', reason: 'first', deployedAt: 't1' });
      await s.recordDeployment({ version: 'v2', previous: 'v1', action: 'deploy', reason: 'better', deployedAt: 't2' });
      await s.recordDeployment({ version: 'v1', previous: 'v2', action: 'rollback', reason: 'oops', deployedAt: 't3' });
      const d = await s.deployments();
      assert.deepEqual(
        d.map(({ id: _id, ...rest }) => rest),
        [
          { version: 'v1', previous: null, action: 'deploy', reason: 'first', deployedAt: 't1' },
          { version: 'v2', previous: 'v1', action: 'deploy', reason: 'better', deployedAt: 't2' },
          { version: 'v1', previous: 'v2', action: 'rollback', reason: 'oops', deployedAt: 't3' },
        ],
      );
      assert.ok(d[0].id! < d[1].id! && d[1].id! < d[2].id!);
      await assert.rejects(s.recordDeployment({ version: 'v3', previous: 'v1', action: 'promote' as never, reason: 'x', deployedAt: 't4' }));
      assert.equal((await s.deployments()).length, 3);
    });

    withStore('runs: started as running, finished with timings/detail/outcome; newest first, limited', async (s) => {
      const a = await s.startCommandRecord('run', 't0');
      const running = (await s.commandRecords())[0];
      assert.deepEqual(running, { id: a, command: 'run', startedAt: 't0', finishedAt: null, status: 'running', outcome: null, timings: {}, error: null, detail: {} });
      await s.finishCommandRecord(a, 'ok', 't1', { detect: 0.012, total: 1.5 }, null, { deployed: 'v2', nested: { x: [1, 2] } }, 'completed');
      const b = await s.startCommandRecord('train', 't2');
      await s.finishCommandRecord(b, 'failed', 't3', { train: 2 }, 'no dataset', {});
      const runs = await s.commandRecords();
      assert.deepEqual(runs.map((r) => r.id), [b, a]);
      assert.deepEqual(runs[1], { id: a, command: 'run', startedAt: 't0', finishedAt: 't1', status: 'ok', outcome: 'completed', timings: { detect: 0.012, total: 1.5 }, error: null, detail: { deployed: 'v2', nested: { x: [1, 2] } } });
      assert.deepEqual([runs[0].status, runs[0].error, runs[0].outcome], ['failed', 'no dataset', null]);
      assert.deepEqual((await s.commandRecords(1)).map((r) => r.id), [b]);
    });

    withStore('interruptCommandRecords: closes the command\'s other running runs as interrupted, nothing else', async (s) => {
      const stale = await s.startCommandRecord('run', 't0');
      const done = await s.startCommandRecord('run', 't1');
      await s.finishCommandRecord(done, 'ok', 't2', {}, null, {}, 'noop');
      const train = await s.startCommandRecord('train', 't3');
      const mine = await s.startCommandRecord('run', 't4');
      assert.deepEqual(await s.interruptCommandRecords('run', mine, 't5', 'interrupted: the process ended before the run finished'), [stale]);
      const byId = new Map((await s.commandRecords()).map((r) => [r.id, r]));
      assert.deepEqual([byId.get(stale)!.status, byId.get(stale)!.outcome, byId.get(stale)!.finishedAt, byId.get(stale)!.error], ['failed', 'interrupted', 't5', 'interrupted: the process ended before the run finished']);
      assert.deepEqual([byId.get(done)!.status, byId.get(done)!.outcome], ['ok', 'noop']);
      assert.equal(byId.get(train)!.status, 'running');
      assert.equal(byId.get(mine)!.status, 'running');
      assert.deepEqual(await s.interruptCommandRecords('run', mine, 't6', 'x'), []);
    });

    withStore('runs keep the process and host that recorded them; interruptRecordIds closes only those still running', async (s) => {
      const dead = await s.startCommandRecord('train', 't0', { pid: 4242, host: 'here' });
      const elsewhere = await s.startCommandRecord('ingest', 't1', { pid: 4243, host: 'there' });
      const done = await s.startCommandRecord('score', 't2', { pid: 4244, host: 'here' });
      await s.finishCommandRecord(done, 'ok', 't3', {}, null, {});
      const mine = await s.startCommandRecord('run', 't4');
      assert.deepEqual(await s.runningRecordsOn('here'), [{ id: dead, command: 'train', pid: 4242 }]);
      assert.deepEqual(await s.runningRecordsOn('there'), [{ id: elsewhere, command: 'ingest', pid: 4243 }]);
      assert.ok((await s.runningRecordsOn(hostname())).some((r) => r.id === mine && r.pid === process.pid), 'this process on this host by default');
      assert.deepEqual(await s.interruptRecordIds([dead, done], 't5', 'interrupted: gone'), [dead]);
      const byId = new Map((await s.commandRecords()).map((r) => [r.id, r]));
      assert.deepEqual([byId.get(dead)!.status, byId.get(dead)!.outcome, byId.get(dead)!.finishedAt, byId.get(dead)!.error], ['failed', 'interrupted', 't5', 'interrupted: gone']);
      assert.deepEqual([byId.get(done)!.status, byId.get(done)!.outcome], ['ok', null]);
      assert.equal(byId.get(elsewhere)!.status, 'running');
      assert.deepEqual(await s.interruptRecordIds([], 't6', 'x'), []);
    });

    withStore('close is safe to call twice', async (s) => {
      await s.close();
      await s.close();
    });
  });
}
