import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryProfile, type CategoryProfile } from '../../src/stats/category-profile.ts';
import { compareCategories } from '../../src/stats/category-compare.ts';
import { categoryLevel } from '../../src/monitor/category-drift.ts';
import { analyseDrift, type CategoryFeatureDrift } from '../../src/monitor/drift.ts';
import { parseConfig } from '../../src/config/load.ts';
import { workspaceConfig } from '../../src/config/workspace-config.ts';
import { buildReference, type ModelReference } from '../../src/stats/reference.ts';
import { IdColumn } from '../../src/data/id-column.ts';
import { readFixture } from './fixtures.ts';

// Expected values: scipy 1.10.1 (test/fixtures/drift/category.json, scripts/fixtures/make_category_drift_fixtures.py).
type Table = { name: string; reference: number[]; current: number[]; unseen: boolean[]; expected: { chi2: { statistic: number; pValue: number; dof: number }; jensenShannon: number; psi: { value: number; level: string } } };
const tables = readFixture<{ tables: Table[] }>('category.json').tables;

const config = (drift: Record<string, unknown> = {}) => parseConfig({ ...workspaceConfig(), drift }, 'config.json', { checkFolders: false });

/** A coded column: `counts[k]` rows of category `names[k]`, in a shuffled order, with `missing` NaN cells; its own dictionary order. */
function coded(names: string[], counts: number[], missing = 0, seed = 1): { codes: Float64Array; levels: string[] } {
  // the dataset's dictionary is in first-seen order, not the reference's: reverse it
  const levels = [...names].reverse();
  const code = new Map(levels.map((t, i) => [t, i]));
  const cells: number[] = [];
  names.forEach((t, k) => {
    for (let i = 0; i < counts[k]; i++) cells.push(code.get(t)!);
  });
  for (let i = 0; i < missing; i++) cells.push(Number.NaN);
  let x = seed;
  for (let i = cells.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [cells[i], cells[j]] = [cells[j], cells[i]];
  }
  return { codes: Float64Array.from(cells), levels };
}

test('category drift of coded columns equals scipy on the table of their counts (chi2_contingency, jensenshannon, PSI)', () => {
  for (const t of tables) {
    if (t.reference.every((c) => c === 0) || t.current.every((c) => c === 0)) continue;
    const names = t.reference.map((_, k) => `cat ${k}`);
    const ref = coded(names, t.reference, 3, 1);
    const cur = coded(names, t.current, 5, 2);
    const profile = JSON.parse(JSON.stringify(categoryProfile(ref.codes, ref.levels))) as CategoryProfile;
    const c = compareCategories(profile, cur.codes, cur.levels);
    const e = t.expected;
    assert.equal(c.chi2.dof, e.chi2.dof, t.name);
    assert.ok(Math.abs(c.chi2.statistic - e.chi2.statistic) <= 1e-12 * Math.max(1, e.chi2.statistic), `${t.name}: chi2 ${c.chi2.statistic} vs ${e.chi2.statistic}`);
    if (e.chi2.pValue === 0) assert.ok(c.chi2.pValue < 1e-300);
    else assert.ok(Math.abs(c.chi2.pValue - e.chi2.pValue) <= 1e-10 * e.chi2.pValue + 1e-15, `${t.name}: p ${c.chi2.pValue} vs ${e.chi2.pValue}`);
    assert.ok(Math.abs(c.jensenShannon - e.jensenShannon) <= 1e-12, `${t.name}: JS`);
    assert.ok(Math.abs(c.psi.value - e.psi.value) <= 1e-12 * Math.max(1, e.psi.value), `${t.name}: PSI ${c.psi.value} vs ${e.psi.value}`);
    // unseen: the categories the reference has no row of
    const unseenRows = t.current.reduce((s, k, i) => s + (t.reference[i] === 0 ? k : 0), 0);
    const curRows = t.current.reduce((s, k) => s + k, 0);
    assert.equal(c.unseenShare, unseenRows / curRows, t.name);
    assert.equal(c.unseen.length, Math.min(10, t.current.filter((k, i) => k > 0 && t.reference[i] === 0).length), t.name);
    assert.ok(Math.abs(c.missingRateChange - (5 / (curRows + 5) - 3 / (t.reference.reduce((s, k) => s + k, 0) + 3))) < 1e-15);
  }
});

test('unseen categories: the share of current rows, the ten largest named with their shares, and the level at least possible', () => {
  const names = ['north', 'south', 'east', 'west'];
  const ref = coded(names, [4000, 3000, 2000, 1000]);
  const profile = categoryProfile(ref.codes, ref.levels);
  assert.deepEqual(profile.categories, ['east', 'north', 'south', 'west']);
  assert.deepEqual(profile.counts, [2000, 4000, 3000, 1000]);
  const extra = Array.from({ length: 12 }, (_, k) => `new ${String(k).padStart(2, '0')}`);
  const cur = coded([...names, ...extra], [4000, 3000, 2000, 1000, ...extra.map((_, k) => (k < 2 ? 2 : 1))]);
  const c = compareCategories(profile, cur.codes, cur.levels);
  const m = 10000 + extra.reduce((s, _, k) => s + (k < 2 ? 2 : 1), 0);
  assert.equal(c.method, 'jensenshannon');
  assert.equal(c.unseen.length, 10);
  assert.deepEqual(c.unseen[0], { category: 'new 00', share: 2 / m });
  assert.deepEqual(c.unseen[9], { category: 'new 09', share: 1 / m });
  assert.equal(c.unseenShare, (m - 10000) / m);
  const lvl = categoryLevel(c, config(), 3);
  assert.ok(c.jensenShannon < 0.05 && c.psi.value < 0.1, `the known shares barely moved: JS ${c.jensenShannon}, PSI ${c.psi.value}`);
  assert.equal(lvl.level, 'possible', 'an unseen category alone makes it possible');
  assert.equal(lvl.drifted, false);
  const none = categoryLevel(compareCategories(profile, ref.codes, ref.levels), config(), 3);
  assert.equal(none.level, 'none');
});

test('levels: chi-square with the Bonferroni correction on small references, JS against drift.js_threshold on large ones', () => {
  const small = coded(['a', 'b'], [300, 300]);
  const p = categoryProfile(small.codes, small.levels);
  const cur = coded(['a', 'b'], [330, 270]);
  const c = compareCategories(p, cur.codes, cur.levels);
  assert.equal(c.method, 'chi2');
  // p ≈ 0.083: none at alpha 0.05; with alpha 0.1 and 1 test drift; with 3 tests only possible
  assert.ok(c.chi2.pValue > 0.05 && c.chi2.pValue < 0.1, String(c.chi2.pValue));
  assert.equal(categoryLevel(c, config(), 1).level, 'none');
  assert.equal(categoryLevel(c, config({ ks_alpha: 0.1 }), 1).level, 'drift');
  assert.equal(categoryLevel(c, config({ ks_alpha: 0.1 }), 3).level, 'possible');
  assert.equal(categoryLevel(c, config({ ks_alpha: 0.1, correction: 'none' }), 3).level, 'drift');
  const big = coded(['a', 'b', 'c'], [5000, 3000, 2000]);
  const pb = categoryProfile(big.codes, big.levels);
  const shifted = compareCategories(pb, ...Object.values(coded(['a', 'b', 'c'], [3000, 3000, 4000])) as [Float64Array, string[]]);
  assert.equal(shifted.method, 'jensenshannon');
  assert.ok(shifted.jensenShannon > 0.15 && shifted.jensenShannon < 0.3, String(shifted.jensenShannon));
  assert.equal(categoryLevel(shifted, config(), 3).level, 'drift');
  assert.equal(categoryLevel(shifted, config({ js_threshold: 0.3 }), 3).level, 'possible', 'from half the threshold (and PSI)');
  assert.throws(() => config({ js_threshold: 0 }), /js_threshold/);
});

test('drift --json shape for a category feature, from a reference built on a dataset with a dictionary', () => {
  const n = 3000;
  const ref = coded(['retail', 'industry', 'services'], [1500, 1000, 500], 0, 3);
  const x2 = Float64Array.from({ length: n }, (_, i) => i % 50);
  const features = ['sector', 'lastmonth_activity'];
  const ds = { features, rows: n, ids: IdColumn.from([]), x: [ref.codes, x2], y: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)), levels: [ref.levels, null] };
  const reference = JSON.parse(JSON.stringify(buildReference('v1', ds, new Float64Array(n).fill(0.2)))) as ModelReference;
  assert.equal(reference.format, 'riskwatch.reference/2');
  assert.equal(reference.categories!.sector.kind, 'category');
  assert.deepEqual(reference.categories!.sector.categories, ['industry', 'retail', 'services']);
  const cur = coded(['retail', 'industry', 'services', 'public sector'], [900, 1000, 500, 600], 100, 4);
  const current = { features, rows: cur.codes.length, ids: IdColumn.from([]), x: [cur.codes, Float64Array.from({ length: cur.codes.length }, (_, i) => i % 50)], y: new Uint8Array(cur.codes.length).fill(255), levels: [cur.levels, null] };
  const doc = { version: 'v1', features, coefficients: { sector: 0, lastmonth_activity: 0 }, medians: { sector: 0, lastmonth_activity: 0 }, intercept: -1.4, hyperParameters: { threshold: 0.5 } } as never;
  const report = analyseDrift(config(), doc, reference, current, [], 'x', 'h');
  const d = report.features.sector as CategoryFeatureDrift;
  assert.deepEqual(Object.keys(d).sort(), ['chi2', 'drifted', 'jensenShannon', 'kind', 'level', 'method', 'missingRateChange', 'psi', 'unseen', 'unseenShare'].sort());
  assert.equal(d.kind, 'category');
  assert.equal(d.method, 'jensenshannon');
  assert.deepEqual(Object.keys(d.chi2).sort(), ['dof', 'pValue', 'statistic']);
  assert.equal(d.chi2.dof, 3);
  assert.deepEqual(d.unseen, [{ category: 'public sector', share: 600 / 3000 }]);
  assert.equal(d.unseenShare, 0.2);
  assert.ok(Math.abs(d.missingRateChange - 100 / 3100) < 1e-15);
  assert.equal(d.level, 'drift');
  assert.ok(report.driftedFeatures.includes('sector'));
  assert.equal(report.features.lastmonth_activity.kind, 'count');
});

test('drift.methods for a category feature: chi2 or jensenshannon fix the deciding test; ks and wasserstein are refused with one line', () => {
  const features = ['sector', 'lastmonth_activity'];
  const withMethods = (methods: Record<string, string>, types: Record<string, string> = { sector: 'category' }) =>
    parseConfig({ ...workspaceConfig(), features, feature_types: types, drift: { methods } }, 'config.json', { checkFolders: false });
  const dataset = (names: string[], counts: number[], seed: number) => {
    const c = coded(names, counts, 0, seed);
    const rows = c.codes.length;
    return { features, rows, ids: IdColumn.from([]), x: [c.codes, Float64Array.from({ length: rows }, (_, i) => i % 50)], y: new Uint8Array(rows).fill(255), levels: [c.levels, null] };
  };
  const doc = { version: 'v1', features, coefficients: { sector: 0, lastmonth_activity: 0 }, medians: { sector: 0, lastmonth_activity: 0 }, intercept: -1.4, hyperParameters: { threshold: 0.5 } } as never;
  const refOf = (d: ReturnType<typeof dataset>) => JSON.parse(JSON.stringify(buildReference('v1', { ...d, y: Uint8Array.from({ length: d.rows }, (_, i) => (i % 5 === 0 ? 1 : 0)) }, new Float64Array(d.rows).fill(0.2)))) as ModelReference;

  // A large reference, a small shift: JS (auto) sees nothing, the chi-square test on 10,000 rows does.
  const big = refOf(dataset(['a', 'b', 'c'], [5000, 3000, 2000], 5));
  const moved = dataset(['a', 'b', 'c'], [4800, 3100, 2100], 6);
  const auto = analyseDrift(withMethods({}), doc, big, moved, [], 'x', 'h').features.sector as CategoryFeatureDrift;
  assert.equal(auto.method, 'jensenshannon');
  assert.equal(auto.level, 'none', `JS ${auto.jensenShannon}`);
  const chi2 = analyseDrift(withMethods({ sector: 'chi2' }), doc, big, moved, [], 'x', 'h').features.sector as CategoryFeatureDrift;
  assert.equal(chi2.method, 'chi2');
  assert.ok(chi2.chi2.pValue < 0.05 / 2, String(chi2.chi2.pValue));
  assert.equal(chi2.level, 'drift');
  assert.equal(chi2.jensenShannon, auto.jensenShannon, 'both figures are reported whichever decides');

  // A small reference: chi2 (auto) flags the shift, jensenshannon at its threshold does not.
  const small = refOf(dataset(['a', 'b'], [300, 300], 7));
  const shifted = dataset(['a', 'b'], [360, 240], 8);
  const autoSmall = analyseDrift(withMethods({}), doc, small, shifted, [], 'x', 'h').features.sector as CategoryFeatureDrift;
  assert.deepEqual([autoSmall.method, autoSmall.level], ['chi2', 'drift']);
  const js = analyseDrift(withMethods({ sector: 'jensenshannon' }), doc, small, shifted, [], 'x', 'h').features.sector as CategoryFeatureDrift;
  assert.equal(js.method, 'jensenshannon');
  assert.ok(js.jensenShannon < 0.1, String(js.jensenShannon));
  assert.equal(js.drifted, false);

  // Tests of the other kind: one line naming the file, the key and what fits.
  assert.throws(() => withMethods({ sector: 'ks' }), { message: 'config.json: key "drift.methods.sector": "ks" compares ordered values; "sector" is a category feature: use "chi2", "jensenshannon" or "auto"' });
  assert.throws(() => withMethods({ sector: 'wasserstein' }), /drift\.methods\.sector.*category feature/);
  assert.throws(() => withMethods({ lastmonth_activity: 'chi2' }), { message: 'config.json: key "drift.methods.lastmonth_activity": "chi2" compares categories; "lastmonth_activity" is a numeric feature: use "ks", "wasserstein" or "auto"' });
  // A config whose feature_types no longer say category (the model was trained on an earlier one): refused when drift runs.
  const stale = withMethods({ sector: 'ks' }, { sector: 'number' });
  assert.throws(() => analyseDrift(stale, doc, big, moved, [], 'x', 'h'), /drift\.methods\.sector": "ks" compares ordered values; "sector" is a category feature.*\(in model v1\)/);
});
