import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetBuilder } from '../../src/data/dataset.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import { summaryStatistics } from '../../src/report/summary.ts';
import { FIXTURES } from '../helpers/workspace.ts';

const FEATURES = ['plan', 'region', 'contract', 'seats'];

test('a category column is summarised as pandas describe() summarises text: count, unique, top, freq (fixture made with pandas 1.5.3)', async () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'report', 'describe_categories500.json'), 'utf8'));
  const b = new DatasetBuilder(FEATURES);
  const schema = { id: 'corporation', features: FEATURES, featureTypes: { plan: 'category', region: 'category', contract: 'category', seats: 'count' } as const, target: 'exited', requireTarget: true, requireId: true };
  await readDataFile(join(FIXTURES, 'report', 'categories500.csv'), schema, b);
  const got = summaryStatistics(b.build(), 'exited');
  for (const [col, want] of Object.entries(expected.summary) as Array<[string, Record<string, unknown>]>) {
    const g = got[col];
    assert.deepEqual({ count: g.count, unique: g.unique, top: g.top, freq: g.freq }, want, col);
    assert.equal(g.mean, null, `${col}: no numeric statistics`);
  }
  assert.equal(got.seats.unique, undefined, 'a count column keeps its numeric summary');
  assert.equal(typeof got.seats.mean, 'number');
});

test('the training profile of a category column (reference.json categories): every category\'s count, by text, as pandas value_counts()', async () => {
  const { categoryProfiles } = await import('../../src/stats/category-profile.ts');
  const { buildReference } = await import('../../src/stats/reference.ts');
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'report', 'describe_categories500.json'), 'utf8'));
  const b = new DatasetBuilder(FEATURES);
  const schema = { id: 'corporation', features: FEATURES, featureTypes: { plan: 'category', region: 'category', contract: 'category', seats: 'count' } as const, target: 'exited', requireTarget: true, requireId: true };
  await readDataFile(join(FIXTURES, 'report', 'categories500.csv'), schema, b);
  const ds = b.build();
  const profiles = categoryProfiles(ds);
  assert.deepEqual(Object.keys(profiles), ['plan', 'region', 'contract']);
  for (const [col, counts] of Object.entries(expected.value_counts) as Array<[string, Record<string, number>]>) {
    const p = profiles[col];
    assert.deepEqual(p.categories, [...p.categories].sort(), 'ascending by text');
    assert.deepEqual(Object.fromEntries(p.categories.map((c, k) => [c, p.counts[k]])), counts, col);
    assert.equal(p.n, expected.summary[col].count);
    assert.equal(p.missingRate, (500 - expected.summary[col].count) / 500);
  }
  const ref = buildReference('v1', ds, new Float64Array(ds.rows).fill(0.3));
  assert.deepEqual(ref.categories, profiles);
});
