import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordCommand } from '../../src/store/command-record.ts';
import { DataError } from '../../src/util/errors.ts';
import { context, seedWorkspace } from '../helpers/workspace.ts';

// recordCommand: the command record around any operation, as every CLI command makes it (and as
// an API call can, which before lived inside the CLI's runCommand alone).

test('a command that succeeds is recorded ok with its duration and detail; one that fails, failed with its line, and the error goes on', async () => {
  const ctx = await context(seedWorkspace().config);
  try {
    const value = await recordCommand(ctx, 'deploy', async () => ({ version: 'v7' }), { detail: (r) => ({ deployed: r.version, reason: 'by hand' }) });
    assert.deepEqual(value, { version: 'v7' });
    const [ok] = await ctx.store.commandRecords(1);
    assert.deepEqual([ok.command, ok.status, ok.error, ok.detail], ['deploy', 'ok', null, { deployed: 'v7', reason: 'by hand' }]);
    assert.deepEqual(Object.keys(ok.timings), ['deploy']);
    assert.ok(ok.timings.deploy >= 0 && ok.finishedAt !== null);

    await assert.rejects(recordCommand(ctx, 'rollback', async () => { throw new DataError('no earlier version to roll back to'); }), DataError);
    const [failed] = await ctx.store.commandRecords(1);
    assert.deepEqual([failed.command, failed.status, failed.error, failed.detail], ['rollback', 'failed', 'no earlier version to roll back to', {}]);

    await assert.rejects(recordCommand(ctx, 'train', async () => { throw new Error('boom'); }, { describe: () => 'internal error: boom' }));
    assert.equal((await ctx.store.commandRecords(1))[0].error, 'internal error: boom');
  } finally {
    await ctx.store.close();
  }
});

test('a record left running by a process that is gone is closed as interrupted when the next command records itself', async () => {
  const ctx = await context(seedWorkspace().config);
  try {
    const { hostname } = await import('node:os');
    // A pid no process has: above the kernel's pid_max.
    const stale = await ctx.store.startCommandRecord('ingest', new Date().toISOString(), { pid: 2 ** 22 + 1, host: hostname() });
    await recordCommand(ctx, 'models', async () => null);
    const byId = new Map((await ctx.store.commandRecords(5)).map((r) => [r.id, r]));
    assert.deepEqual([byId.get(stale)!.status, byId.get(stale)!.outcome], ['failed', 'interrupted']);
  } finally {
    await ctx.store.close();
  }
});
