import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { score } from '../../src/model/score.ts';
import { collectReportData } from '../../src/report/data.ts';
import { f1History } from '../../src/monitor/drift.ts';
import { SEED, seedWithModels } from '../helpers/workspace.ts';

// The PDF's score-history chart shades the production model's normal range: it must be computed
// from the history the drift check uses — no ad-hoc score, one score per measured dataset.
test("the report's score history is the drift check's: ad-hoc scores left out, the test data scored twice counts once", async () => {
  const { ws, ctx, versions } = await seedWithModels(1);
  try {
    await score(ctx); // the test data again (deploy scored it already)
    await score(ctx, { data: join(SEED, 'practicedata', 'dataset1.csv') }); // ad hoc
    assert.equal((await ctx.store.scores(versions[0])).length, 3, 'all three recorded');
    const data = await collectReportData(ctx, { dependencies: false });
    assert.deepEqual(data.scores.map((s) => [s.version, s.kind]), [[versions[0], 'test']]);
    assert.deepEqual(data.scores.map((s) => s.f1), await f1History(ctx, versions[0]));
  } finally {
    await ctx.store.close();
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
