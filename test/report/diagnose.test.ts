import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetBuilder } from '../../src/data/dataset.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import { summaryStatistics } from '../../src/report/summary.ts';
import { stepTimings } from '../../src/report/timings.ts';
import type { CommandRecord } from '../../src/store/types.ts';
import { FIXTURES, cli, seedWorkspace } from '../helpers/workspace.ts';

const FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];

test('summary statistics agree with pandas describe() (fixture made with pandas 1.5.3)', async () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'report', 'describe_skewed2000.json'), 'utf8'));
  const b = new DatasetBuilder(FEATURES);
  await readDataFile(join(FIXTURES, 'model', 'skewed2000.csv'), { id: 'corporation', features: FEATURES, featureTypes: {}, target: 'exited', requireTarget: true, requireId: true }, b);
  const got = summaryStatistics(b.build(), 'exited');
  for (const [col, want] of Object.entries(expected.summary) as Array<[string, Record<string, number>]>) {
    for (const [k, v] of Object.entries(want)) {
      const g = (got[col] as unknown as Record<string, number>)[k];
      assert.ok(Math.abs(g - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${col}.${k}: ${g} vs ${v}`);
    }
  }
});

test('timings: seconds per step from commands (ms) and runs (s), p50/p95 and a trend after 10 runs', () => {
  const runs: CommandRecord[] = [];
  let id = 0;
  const add = (command: string, timings: Record<string, number>, outcome: string | null = null) =>
    runs.push({ id: ++id, command, startedAt: '', finishedAt: '', status: 'ok', outcome, timings, error: null, detail: {} });
  for (let i = 0; i < 10; i++) add('ingest', { ingest: i < 5 ? 100 : 300 });
  add('run', { ingest: 0.5, total: 1 }, 'completed');
  add('run', { detect: 0.01, total: 0.02 }, 'noop');
  const t = stepTimings(runs);
  assert.equal(t.ingest.runs, 11);
  assert.equal(t.ingest.last, 0.5);
  assert.equal(t.ingest.p50, 0.3);
  assert.equal(t.ingest.trend, 'slower');
  assert.deepEqual(t.run, { last: 1, p50: 1, p95: 1, runs: 1, trend: null }); // a no-op run is not a timing of the work
});

test('diagnose --json: the contract, with the registry unreachable still a success', () => {
  const ws = seedWorkspace();
  for (const c of [['ingest'], ['train'], ['score'], ['deploy']]) assert.equal(cli(['--config', ws.config, ...c]).status, 0);
  const r = cli(['--config', ws.config, 'diagnose', '--json', '--timeout', '5000'], { env: { npm_config_registry: 'http://127.0.0.1:9/' } });
  assert.equal(r.status, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  for (const col of [...FEATURES, 'exited']) {
    assert.deepEqual(Object.keys(d.summary[col]).sort(), ['count', 'max', 'mean', 'median', 'min', 'q25', 'q75', 'std']);
    assert.equal(typeof d.missing[col], 'number');
  }
  for (const step of ['ingest', 'train', 'score']) assert.deepEqual(Object.keys(d.timings[step]).sort(), ['last', 'p50', 'p95', 'runs', 'trend']);
  assert.equal(d.dependencies.status, 'unavailable');
  assert.equal(d.dependencies.problems.length, 2);
  assert.ok(d.dependencies.packages.some((p: { name: string; current: string }) => p.name === 'better-sqlite3' && p.current.startsWith('12.')));
  assert.equal(d.model.version, 'v1');
  assert.equal(typeof d.model.ageDays, 'number');
  assert.equal(typeof d.model.f1, 'number');
});
