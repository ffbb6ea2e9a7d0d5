import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { runReportWriter } from '../../src/report/run-report.ts';
import { context } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('report size stays bounded on a 200,000-row dataset (aggregates, not rows, are embedded)', async () => {
  const ws = tempDir('riskwatch-bigreport-');
  const sim = simulate({ out: ws, clients: 200_000, months: 2, seed: 11 });
  const ctx = await context(join(ws, 'config.json'));
  const run = await runPipeline(ctx, { report: runReportWriter(ctx) });
  assert.equal(run.status, 'completed');
  assert.ok(run.report && 'dir' in run.report, JSON.stringify(run.report));
  const rows = sim.files.reduce((s, f) => s + f.rows, 0);
  assert.ok(rows >= 190_000, `${rows} rows`);
  const dir = run.report.dir;
  const files = readdirSync(dir).map((f) => ({ f, bytes: statSync(join(dir, f)).size }));
  const total = files.reduce((s, x) => s + x.bytes, 0);
  // A few hundred KB to a few MB whatever the row count: ≤ 201 points a curve, ≤ 40 bins a histogram.
  assert.ok(total < 4_000_000, `total ${total} bytes`);
  for (const x of files) {
    if (x.f.endsWith('.svg')) assert.ok(x.bytes < 150_000, `${x.f}: ${x.bytes}`);
    if (x.f.endsWith('.pdf')) assert.ok(x.bytes < 1_500_000, `${x.f}: ${x.bytes}`);
  }
});
