import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate, appendMonths } from '../../src/simulate/generate.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { pruneRunReports } from '../../src/report/run-report.ts';
import { context } from '../helpers/workspace.ts';

test('pruneRunReports keeps the N newest run folders (by run id, not by name order) and nothing else is touched', () => {
  const root = mkdtempSync(join(tmpdir(), 'riskwatch-prune-'));
  for (const id of [2, 9, 10, 11, 100]) mkdirSync(join(root, `run-${id}`));
  mkdirSync(join(root, 'latest'));
  const removed = pruneRunReports(root, 3);
  assert.deepEqual(readdirSync(root).sort(), ['latest', 'run-10', 'run-100', 'run-11']);
  assert.deepEqual(removed.map((p) => p.slice(root.length + 1)).sort(), ['run-2', 'run-9']);
});

test('run writes a report per completed run; retention keeps report.keep of them; a failed report is a warning in the run', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'riskwatch-runreport-'));
  simulate({ out: ws, clients: 1500, months: 2, seed: 3 });
  const cfgPath = join(ws, 'config.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  writeFileSync(cfgPath, JSON.stringify({ ...cfg, report: { keep: 2 } }));
  const ids: number[] = [];
  // Left by a run killed while writing its report: removed by the next report.
  mkdirSync(join(ws, 'reports', '.run-1.partial-99999'), { recursive: true });
  for (let i = 0; i < 3; i++) {
    if (i > 0) appendMonths({ out: ws, scenario: 'none', months: 1, rowsPerMonth: 300, seed: i });
    const ctx = await context(cfgPath);
    const run = await runPipeline(ctx);
    assert.equal(run.status, 'completed');
    assert.ok(run.report && 'dir' in run.report, JSON.stringify(run.report));
    assert.ok(existsSync(join(run.report.dir, 'report.pdf')));
    assert.ok(existsSync(join(run.report.dir, 'diagnostics.json')));
    ids.push(run.runId!);
  }
  assert.deepEqual(readdirSync(join(ws, 'reports')).sort(), [`run-${ids[1]}`, `run-${ids[2]}`].sort());

  // The reports folder cannot be created (a file is in the way): the run still completes.
  writeFileSync(cfgPath, JSON.stringify({ ...cfg, report: { path: 'blocked' } }));
  writeFileSync(join(ws, 'blocked'), 'not a folder');
  appendMonths({ out: ws, scenario: 'none', months: 1, rowsPerMonth: 300, seed: 9 });
  const ctx = await context(cfgPath);
  const run = await runPipeline(ctx);
  assert.equal(run.status, 'completed');
  assert.ok(run.report && 'error' in run.report && /report not written/.test(run.report.error));
  const recorded = (await ctx.store.runs(1))[0];
  assert.equal(recorded.status, 'ok');
  assert.deepEqual((recorded.detail as { report: unknown }).report, run.report);

  // report.enabled false: no report.
  writeFileSync(cfgPath, JSON.stringify({ ...cfg, report: { enabled: false } }));
  appendMonths({ out: ws, scenario: 'none', months: 1, rowsPerMonth: 300, seed: 10 });
  const off = await runPipeline(await context(cfgPath));
  assert.equal(off.status, 'completed');
  assert.equal(off.report, undefined);
});
