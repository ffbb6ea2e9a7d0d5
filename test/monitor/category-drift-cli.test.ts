import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceConfig } from '../../src/config/workspace-config.ts';
import { cli } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';
import { rng } from './gen.ts';

/** A client file: a region (category, 2% blank) and an activity count; regions drawn with weights `w`. */
function clients(n: number, regions: string[], w: number[], seed: number, start: number): string {
  const u = rng(seed);
  const total = w.reduce((s, x) => s + x, 0);
  const lines = ['corporation,region,lastmonth_activity,exited'];
  for (let i = 0; i < n; i++) {
    let r = u() * total;
    let k = 0;
    while (r >= w[k]) r -= w[k++];
    const region = u() < 0.02 ? '' : regions[k];
    lines.push(`c${start + i},${region},${Math.floor(u() * 200)},${u() < (k === 0 ? 0.4 : 0.15) ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

test('drift on a category feature end to end: a region never seen in training is named, JS decides, the report bars mark it, a looser js_threshold leaves it possible', () => {
  const dir = tempDir('rw-catdrift-');
  mkdirSync(join(dir, 'sourcedata'));
  mkdirSync(join(dir, 'testdata'));
  const regions = ['north', 'south', 'east', 'west'];
  writeFileSync(join(dir, 'config.json'), JSON.stringify(workspaceConfig({ features: ['region', 'lastmonth_activity'], feature_types: { region: 'category', lastmonth_activity: 'count' } } as never)));
  writeFileSync(join(dir, 'sourcedata', 'm1.csv'), clients(3000, regions, [4, 3, 2, 1], 1, 0));
  writeFileSync(join(dir, 'testdata', 'testdata.csv'), clients(500, regions, [4, 3, 2, 1], 2, 10000));
  const fresh = join(dir, 'new.csv');
  writeFileSync(fresh, clients(2000, [...regions, 'Île-de-France'], [2, 3, 2, 1, 1], 3, 20000));
  const config = ['--config', join(dir, 'config.json')];
  for (const cmd of ['ingest', 'train', 'deploy']) assert.equal(cli([...config, cmd]).status, 0, cmd);
  const r = cli([...config, 'drift', '--data', fresh, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const d = JSON.parse(r.stdout).features.region;
  assert.equal(d.kind, 'category');
  assert.equal(d.method, 'jensenshannon');
  assert.equal(d.chi2.dof, 4);
  assert.equal(d.unseen.length, 1);
  assert.equal(d.unseen[0].category, 'Île-de-France');
  assert.ok(d.unseenShare > 0.08 && d.unseenShare < 0.13, String(d.unseenShare));
  assert.ok(d.jensenShannon >= 0.1);
  assert.equal(d.level, 'drift');
  assert.equal(JSON.parse(r.stdout).features.lastmonth_activity.kind, 'count');
  const human = cli([...config, 'drift', '--data', fresh]);
  assert.match(human.stdout, /region\s+drift\s+JS 0\.\d+ .*unseen \d+\.\d% {2}new: Île-de-France \d+\.\d%/);
  // the report: the feature's chart is bars of category shares, the new region marked
  writeFileSync(join(dir, 'sourcedata', 'm2.csv'), clients(2000, [...regions, 'Île-de-France'], [2, 3, 2, 1, 1], 3, 20000));
  assert.equal(cli([...config, 'ingest']).status, 0);
  const rep = cli([...config, 'report', '--json']);
  assert.equal(rep.status, 0, rep.stderr);
  const svg = readFileSync(join(JSON.parse(rep.stdout).dir, 'feature-region.svg'), 'utf8');
  assert.match(svg, /Île-de-France \(new\)/);
  assert.match(svg, /categories never seen in training: \d+\.\d% of current rows/);
  // the same data with a looser threshold: only possible (the unseen region still flags it)
  writeFileSync(join(dir, 'config.json'), JSON.stringify(workspaceConfig({ features: ['region', 'lastmonth_activity'], feature_types: { region: 'category', lastmonth_activity: 'count' }, drift: { js_threshold: 0.9 } } as never)));
  const loose = JSON.parse(cli([...config, 'drift', '--data', fresh, '--json']).stdout).features.region;
  assert.equal(loose.level, 'possible');
});
