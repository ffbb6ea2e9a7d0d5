import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendMonths, simulate } from '../../src/simulate/generate.ts';
import { cli } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('drift --json: the contract shape, pending files by default, --data FILE, and the covariate story', () => {
  const dir = join(tempDir('rw-drift-'), 'ws');
  simulate({ out: dir, clients: 4000, months: 4, seed: 8 });
  const config = join(dir, 'config.json');
  assert.equal(cli(['--config', config, 'run']).status, 0);
  const none = cli(['--config', config, 'drift', '--json']);
  assert.equal(none.status, 0, none.stderr);
  const empty = JSON.parse(none.stdout);
  assert.equal(empty.current.rows, 0);
  // No rows: nothing to compare, said so; no NaN figures (null in JSON) dressed up as levels.
  assert.match(empty.nothingToCompare, /^nothing to compare: no new data since the last ingestion/);
  assert.deepEqual([empty.features, empty.predictionDrift, empty.datasetDrift], [{}, null, false]);
  const human = cli(['--config', config, 'drift']);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /^nothing to compare: no new data since the last ingestion .*; pass --data FILE to compare a file with v\d+'s training data\n$/);
  assert.ok(!/NaN/.test(human.stdout), human.stdout);
  const headerOnly = join(dir, 'header-only.csv');
  writeFileSync(headerOnly, 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\n');
  const emptyFile = cli(['--config', config, 'drift', '--data', headerOnly]);
  assert.equal(emptyFile.status, 0, emptyFile.stderr);
  assert.equal(emptyFile.stdout, `nothing to compare: ${headerOnly} holds no rows\n`);

  appendMonths({ out: dir, scenario: 'covariate', months: 1, rowsPerMonth: 1500 });
  const r = JSON.parse(cli(['--config', config, 'drift', '--json']).stdout);
  assert.equal(r.reference.rows > 3000, true);
  assert.deepEqual([r.current.rows, r.current.labeled], [1500, 1500]);
  for (const f of ['lastmonth_activity', 'lastyear_activity', 'number_of_employees']) {
    const d = r.features[f];
    assert.equal(d.method, 'wasserstein');
    assert.equal(typeof d.ks.statistic, 'number');
    assert.equal(typeof d.ks.pValue, 'number');
    assert.equal(typeof d.wasserstein, 'number');
    // The documented contract (docs/cli.md) psi: {value, level}; psiLevel stays beside it for older clients.
    assert.equal(typeof d.psi.value, 'number');
    assert.ok(['stable', 'moderate', 'major'].includes(d.psi.level));
    assert.equal(d.psiLevel, d.psi.level);
    assert.ok(['none', 'possible', 'drift'].includes(d.level));
    assert.equal(d.drifted, d.level === 'drift');
  }
  assert.equal(r.features.number_of_employees.level, 'drift');
  assert.equal(r.datasetDrift, true);
  assert.equal(typeof r.predictionDrift.ks.statistic, 'number');
  assert.equal(typeof r.predictionDrift.psi.value, 'number');
  assert.equal(r.predictionDrift.psiLevel, r.predictionDrift.psi.level);
  assert.equal(typeof r.predictionDrift.drifted, 'boolean');
  assert.equal(r.modelDrift.rule, 'nonparametric');
  assert.equal(r.modelDrift.ci.length, 2);
  assert.ok(Array.isArray(r.modelDrift.history));
  assert.equal(typeof r.estimated.f1, 'number');
  assert.equal(typeof r.estimated.rocAuc, 'number');

  // Unlabelled data: no model drift, the estimate still comes.
  const file = join(dir, 'unlabelled.csv');
  writeFileSync(file, 'corporation,lastmonth_activity,lastyear_activity,number_of_employees\na,10,500,30\nb,200,2000,80\nc,,100,5\n');
  const u = JSON.parse(cli(['--config', config, 'drift', '--data', file, '--json']).stdout);
  assert.deepEqual([u.current.rows, u.current.labeled, u.modelDrift], [3, 0, null]);
  assert.ok(u.estimated.f1 >= 0 && u.estimated.f1 <= 1);
});

test('drift.methods overrides the deciding test per feature', async () => {
  const { analyseDrift } = await import('../../src/monitor/drift.ts');
  const { parseConfig } = await import('../../src/config/load.ts');
  const { buildReference } = await import('../../src/stats/reference.ts');
  const { IdColumn } = await import('../../src/data/id-column.ts');
  const { makeWorkspace } = await import('../helpers/workspace.ts');
  const ws = makeWorkspace();
  const base = JSON.parse((await import('node:fs')).readFileSync(ws.config, 'utf8'));
  const n = 3000;
  const col = (shift: number) => Float64Array.from({ length: n }, (_, i) => (i % 100) + shift);
  const ds = (shift: number) => ({ features: ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'], rows: n, ids: IdColumn.from([]), x: [col(shift), col(0), col(0)], y: new Uint8Array(n) });
  const prob = new Float64Array(n).fill(0.2);
  const ref = buildReference('v1', { ...ds(0), y: Uint8Array.from({ length: n }, (_, i) => i % 5 === 0 ? 1 : 0) }, prob);
  const doc = { version: 'v1', features: ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'], coefficients: { lastmonth_activity: 0, lastyear_activity: 0, number_of_employees: 0 }, medians: { lastmonth_activity: 0, lastyear_activity: 0, number_of_employees: 0 }, intercept: -1.4, hyperParameters: { threshold: 0.5 } } as never;
  const current = { ...ds(4), y: new Uint8Array(n).fill(255) };
  const auto = analyseDrift(parseConfig(base, ws.config), doc, ref, current, [], 'x', 'h');
  assert.equal(auto.features.lastmonth_activity.method, 'wasserstein');
  const ks = analyseDrift(parseConfig({ ...base, drift: { methods: { lastmonth_activity: 'ks' } } }, ws.config), doc, ref, current, [], 'x', 'h');
  assert.equal(ks.features.lastmonth_activity.method, 'ks');
  assert.equal(ks.features.lastmonth_activity.drifted, ks.features.lastmonth_activity.ks.pValue < 0.05 / 3);
});
