import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, appendMonths } from '../../src/simulate/generate.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { pruneRunReports, runReportWriter } from '../../src/report/run-report.ts';
import { report } from '../../src/report/report.ts';
import { context } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('pruneRunReports keeps the N newest run folders (by run id, not by name order) and nothing else is touched', () => {
  const root = tempDir('riskwatch-prune-');
  for (const id of [2, 9, 10, 11, 100]) mkdirSync(join(root, `run-${id}`));
  mkdirSync(join(root, 'latest'));
  const removed = pruneRunReports(root, 3);
  assert.deepEqual(readdirSync(root).sort(), ['latest', 'run-10', 'run-100', 'run-11']);
  assert.deepEqual(removed.map((p) => p.slice(root.length + 1)).sort(), ['run-2', 'run-9']);
});

test('run writes a report per completed run; retention keeps report.keep of them; a failed report is a warning in the run', async () => {
  const ws = tempDir('riskwatch-runreport-');
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
    const run = await runPipeline(ctx, { report: runReportWriter(ctx) });
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
  const run = await runPipeline(ctx, { report: runReportWriter(ctx) });
  assert.equal(run.status, 'completed');
  assert.ok(run.report && 'error' in run.report && /report not written/.test(run.report.error));
  const recorded = (await ctx.store.commandRecords(1))[0];
  assert.equal(recorded.status, 'ok');
  assert.deepEqual((recorded.detail as { report: unknown }).report, run.report);

  // report.enabled false: no report.
  writeFileSync(cfgPath, JSON.stringify({ ...cfg, report: { enabled: false } }));
  appendMonths({ out: ws, scenario: 'none', months: 1, rowsPerMonth: 300, seed: 10 });
  const offCtx = await context(cfgPath);
  const off = await runPipeline(offCtx, { report: runReportWriter(offCtx) });
  assert.equal(off.status, 'completed');
  assert.equal(off.report, undefined);
});

test("a run's report, drawn on the report worker, has the same charts as `riskwatch report` drawn in the process", async () => {
  const ws = tempDir('riskwatch-runreport-same-');
  simulate({ out: ws, clients: 1500, months: 2, seed: 5 });
  const ctx = await context(join(ws, 'config.json'));
  const run = await runPipeline(ctx, { report: runReportWriter(ctx) });
  assert.ok(run.report && 'dir' in run.report, JSON.stringify(run.report));
  const inProcess = await report(ctx, { out: join(ws, 'in-process'), dependencies: false });
  const pngs = inProcess.files.filter((f) => f.type === 'png');
  assert.equal(pngs.length, 11); // 7 quality charts, 3 feature distributions, global importance
  for (const f of pngs) assert.ok(readFileSync(f.path).equals(readFileSync(join(run.report.dir, `${f.chart}.png`))), `${f.chart}.png is the same`);
  // Same PDF pages; no temporary files left beside the published folder.
  const pdf = readFileSync(join(run.report.dir, 'report.pdf'));
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(JSON.parse(readFileSync(join(run.report.dir, 'report.json'), 'utf8')).pages, inProcess.pages);
  assert.deepEqual(readdirSync(join(ws, 'reports')), [`run-${run.runId}`]);
  assert.equal(readdirSync(run.report.dir).filter((n) => n.endsWith('.tmp')).length, 0);
});

test('ReportRenderer: a render that fails on the worker is an error naming the cause, not a hang', async () => {
  const { ReportRenderer } = await import('../../src/report/report-worker-client.ts');
  const renderer = ReportRenderer.start();
  assert.ok(renderer, 'the worker starts from source');
  const ws = tempDir('riskwatch-renderer-');
  // Data without any of the fields the charts read.
  await assert.rejects(renderer.render({} as never, ws, 'nonparametric'), (err: Error) => err.message.length > 0 && !/exited/.test(err.message));
  // The same thread renders the next report (a failed one does not stop it); once closed, none.
  await assert.rejects(renderer.render({} as never, ws, 'nonparametric'), (err: Error) => !/exited|stopped/.test(err.message));
  await renderer.close();
  await assert.rejects(renderer.render({} as never, ws, 'nonparametric'), /stopped|exited/);
});
