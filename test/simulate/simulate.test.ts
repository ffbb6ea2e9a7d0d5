import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { NEW_REGION } from '../../src/simulate/categories.ts';
import { parseCsv } from '../../src/data/csv/parser.ts';
import { cli } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

const tmp = () => tempDir('rw-sim-');

test('simulate is deterministic for a seed and differs across seeds', () => {
  const a = tmp(), b = tmp(), c = tmp();
  simulate({ out: a, clients: 2000, months: 4, seed: 7 });
  simulate({ out: b, clients: 2000, months: 4, seed: 7 });
  simulate({ out: c, clients: 2000, months: 4, seed: 8 });
  const files = readdirSync(join(a, 'sourcedata')).sort();
  assert.equal(files.length, 4);
  for (const f of files) assert.equal(readFileSync(join(a, 'sourcedata', f), 'utf8'), readFileSync(join(b, 'sourcedata', f), 'utf8'));
  assert.notEqual(readFileSync(join(a, 'sourcedata', files[0]), 'utf8'), readFileSync(join(c, 'sourcedata', files[0]), 'utf8'));
});

test('the generated data is realistic: base rate, missing cells, duplicates, skew and correlation', () => {
  const dir = tmp();
  const r = simulate({ out: dir, clients: 10_000, seed: 42 });
  const rows = readdirSync(join(dir, 'sourcedata')).flatMap((f) => parseCsv(readFileSync(join(dir, 'sourcedata', f))).slice(1).map((x) => x.fields));
  const lines = rows.map((x) => x.join(','));
  const dupes = lines.length - new Set(lines).size;
  assert.ok(dupes > 100 && dupes < 400, `duplicates ${dupes}`);
  const ids = new Set(rows.map((x) => x[0]));
  assert.equal(ids.size, 10_000);
  const rate = rows.filter((x) => x[4] === '1').length / rows.length;
  assert.ok(rate > 0.1 && rate < 0.4, `base rate ${rate}`);
  assert.ok(Math.abs(r.positiveRate - rate) < 0.02);
  const cells = rows.flatMap((x) => x.slice(1, 4));
  const missing = cells.filter((v) => v === '').length / cells.length;
  assert.ok(missing > 0.005 && missing < 0.02, `missing share ${missing}`);
  const emp = rows.map((x) => Number(x[3])).filter((v, i) => rows[i][3] !== '').sort((p, q) => p - q);
  const med = emp[emp.length >> 1];
  const mean = emp.reduce((s, v) => s + v, 0) / emp.length;
  assert.ok(mean > 1.3 * med, `right-skewed employees: mean ${mean} median ${med}`);
  // Log-activity grows with log-size.
  const pairs = rows.filter((x) => x[2] !== '' && x[3] !== '').map((x) => [Math.log1p(Number(x[3])), Math.log1p(Number(x[2]))]);
  const corr = pearson(pairs);
  assert.ok(corr > 0.4, `correlation ${corr}`);
});

function pearson(p: number[][]): number {
  const n = p.length;
  const mx = p.reduce((s, v) => s + v[0], 0) / n, my = p.reduce((s, v) => s + v[1], 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (const [x, y] of p) (sxy += (x - mx) * (y - my), sxx += (x - mx) ** 2, syy += (y - my) ** 2);
  return sxy / Math.sqrt(sxx * syy);
}

test('simulate refuses to overwrite a workspace without --force; bad flags are usage errors', () => {
  const dir = tmp();
  assert.equal(cli(['simulate', '--out', dir, '--clients', '100', '--months', '2']).status, 0);
  const again = cli(['simulate', '--out', dir, '--clients', '100']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists; pass --force/);
  assert.equal(cli(['simulate', '--out', dir, '--clients', 'many']).status, 2);
});

test('demo (npm start) builds a workspace and plays the story through run; a second start runs once', () => {
  const dir = join(tmp(), 'demo');
  const first = cli(['demo', '--dir', dir, '--json', '--no-serve']);
  assert.equal(first.status, 0, first.stderr);
  const r = JSON.parse(first.stdout);
  assert.equal(r.created, true);
  const [initial, ...months] = r.steps;
  assert.equal(initial.run.deployed, 'v1');
  // model.family "auto": the first run compared both families and says which won and why.
  assert.deepEqual(initial.run.challenger.candidates.map((c: { family: string }) => c.family).sort(), ['gbdt', 'logistic']);
  assert.match(initial.run.reason, /v1 is (gradient-boosted trees|logistic regression), chosen by validation log loss/);
  assert.deepEqual(months.map((m: { scenario: string }) => m.scenario), ['none', 'none', 'covariate', 'concept', 'concept', 'none']);
  const none = months.filter((m: { scenario: string }) => m.scenario === 'none');
  assert.ok(none.every((m: { run: { retrained: boolean } }) => !m.run.retrained), 'quiet months keep the model');
  const cov = months.find((m: { scenario: string }) => m.scenario === 'covariate');
  assert.deepEqual([cov.run.drift.dataset, cov.run.retrained], [true, false]);
  const concept = months.find((m: { scenario: string }) => m.scenario === 'concept');
  assert.deepEqual([concept.run.drift.model, concept.run.retrained], [true, true]);
  // The category story: bigger companies (covariate) move the plan and contract mix with them;
  // the last month a region training never had opens — category drift, reported, no retraining.
  assert.deepEqual([cov.run.featureDrift.plan, cov.run.featureDrift.contract_type], ['drift', 'drift']);
  const last = months[months.length - 1];
  assert.equal(last.mix, 'expansion');
  assert.deepEqual([last.run.featureDrift.region, last.run.retrained], ['drift', false]);
  const config = join(dir, 'config.json');
  const lastFile = join(dir, 'sourcedata', `${last.month}.csv`);
  const d = JSON.parse(cli(['--config', config, 'drift', '--data', lastFile, '--json']).stdout);
  assert.equal(d.reference.version, r.production);
  const region = d.features.region;
  assert.equal(region.kind, 'category');
  assert.equal(region.level, 'drift');
  assert.deepEqual(region.unseen.map((u: { category: string }) => u.category), [NEW_REGION]);
  assert.ok(region.unseenShare > 0.1 && region.unseenShare < 0.2, `new region's share ${region.unseenShare}`);
  // The run's report draws it: the region's bars with the new region marked.
  const svg = readFileSync(join(dir, 'reports', `run-${last.run.runId}`, 'feature-region.svg'), 'utf8');
  assert.match(svg, new RegExp(`${NEW_REGION} \\(new\\)`));
  // The demo's config: every text column a category feature, standardized.
  const cfg = JSON.parse(readFileSync(config, 'utf8'));
  assert.deepEqual(cfg.feature_types, { industry: 'category', region: 'category', plan: 'category', contract_type: 'category', payment_method: 'category' });
  assert.equal(cfg.model.standardize, true);
  assert.equal(cfg.model.family, 'auto');
  const second = JSON.parse(cli(['demo', '--dir', dir, '--json', '--no-serve']).stdout);
  assert.equal(second.created, false);
  assert.equal(second.steps.length, 1);
  assert.equal(second.steps[0].run.status, 'noop');
  assert.equal(second.production, r.production);
});

test('--scenario appends the next months; covariate shifts inputs, concept keeps inputs but changes who leaves', async () => {
  const { appendMonths, makeClient } = await import('../../src/simulate/generate.ts');
  const { Random } = await import('../../src/util/random.ts');
  const dir = tmp();
  simulate({ out: dir, clients: 600, months: 3, seed: 5 });
  const a = appendMonths({ out: dir, scenario: 'none', months: 2, rowsPerMonth: 50 });
  assert.deepEqual(a.files.map((f) => f.name), ['clients-2025-04.csv', 'clients-2025-05.csv']);
  const b = appendMonths({ out: dir, scenario: 'covariate', months: 1, rowsPerMonth: 50 });
  assert.deepEqual(b.files.map((f) => f.name), ['clients-2025-06.csv']);
  assert.notEqual(readFileSync(join(dir, 'sourcedata', 'clients-2025-04.csv'), 'utf8'), readFileSync(join(dir, 'sourcedata', 'clients-2025-06.csv'), 'utf8'));

  const draw = (s: 'none' | 'covariate' | 'concept') => {
    const rng = new Random(11);
    return Array.from({ length: 20_000 }, (_, i) => makeClient(rng, String(i), s));
  };
  const mean = (xs: number[]) => xs.reduce((p, v) => p + v, 0) / xs.length;
  const base = draw('none'), cov = draw('covariate'), con = draw('concept');
  assert.ok(mean(cov.map((c) => Math.log1p(c.employees))) > mean(base.map((c) => Math.log1p(c.employees))) + 0.5);
  // Concept: identical inputs for the same random stream, different labels.
  assert.deepEqual(con.slice(0, 50).map((c) => c.employees), base.slice(0, 50).map((c) => c.employees));
  const agree = con.filter((c, i) => c.exited === base[i].exited).length / con.length;
  assert.ok(agree < 0.85, `labels agree on ${agree}`);
  const bigLeave = (cs: typeof base) => mean(cs.filter((c) => c.employees > 200).map((c) => c.exited));
  assert.ok(bigLeave(con) > bigLeave(base) + 0.1);
});

test('--profile crm: text category columns that move who leaves; numeric profile unchanged; the expansion mix brings a region never seen', async () => {
  const { appendMonths } = await import('../../src/simulate/generate.ts');
  const dir = tmp();
  const r = simulate({ out: dir, clients: 20_000, months: 2, seed: 42, profile: 'crm' });
  const read = (f: string) => parseCsv(readFileSync(f)).map((x) => x.fields);
  const [header, ...rows] = read(join(dir, 'sourcedata', 'clients-2025-01.csv'));
  rows.push(...read(join(dir, 'sourcedata', 'clients-2025-02.csv')).slice(1));
  assert.deepEqual(header, ['corporation', 'lastmonth_activity', 'lastyear_activity', 'number_of_employees', 'industry', 'region', 'plan', 'contract_type', 'payment_method', 'exited', 'monthly_revenue']);
  const col = (name: string) => header.indexOf(name);
  const rate = rows.filter((x) => x[col('exited')] === '1').length / rows.length;
  assert.ok(rate > 0.15 && rate < 0.35, `base rate ${rate}`);
  assert.ok(Math.abs(r.positiveRate - rate) < 0.02);
  // Leave rates by category: monthly contracts and electronic checks leave more.
  const leaveRate = (c: string, v: string) => {
    const sel = rows.filter((x) => x[col(c)] === v);
    return sel.filter((x) => x[col('exited')] === '1').length / sel.length;
  };
  assert.ok(leaveRate('contract_type', 'Monthly') > leaveRate('contract_type', 'Two year') + 0.15, 'monthly contracts leave more than two-year ones');
  assert.ok(leaveRate('payment_method', 'Electronic check') > leaveRate('payment_method', 'Bank transfer') + 0.05);
  assert.ok(leaveRate('industry', 'Public sector') < leaveRate('industry', 'Retail'));
  // Big companies buy Premium and sign longer.
  const share = (sel: string[][], c: string, v: string) => sel.filter((x) => x[col(c)] === v).length / sel.length;
  const big = rows.filter((x) => Number(x[col('number_of_employees')]) > 100), small = rows.filter((x) => x[col('number_of_employees')] !== '' && Number(x[col('number_of_employees')]) <= 100);
  assert.ok(share(big, 'plan', 'Premium') > share(small, 'plan', 'Premium') + 0.2);
  // About 1% of text cells are blank (missing), like the numbers'.
  const text = rows.flatMap((x) => x.slice(col('industry'), col('exited')));
  const blank = text.filter((v) => v === '').length / text.length;
  assert.ok(blank > 0.005 && blank < 0.02, `blank text cells ${blank}`);
  assert.equal(new Set(rows.map((x) => x[col('region')]).filter(Boolean)).has(NEW_REGION), false);
  // The value column (config value_column): a decimal revenue growing with size and plan, ~1% without one.
  assert.equal((JSON.parse(readFileSync(r.config, 'utf8')) as { value_column?: string }).value_column, 'monthly_revenue');
  const revenue = rows.map((x) => x[col('monthly_revenue')]);
  const none = revenue.filter((v) => v === '').length / revenue.length;
  assert.ok(none > 0.005 && none < 0.02, `no revenue ${none}`);
  assert.ok(revenue.every((v) => v === '' || /^\d+\.\d{2}$/.test(v)));
  const median = (sel: string[][]) => {
    const v = sel.map((x) => Number(x[col('monthly_revenue')])).filter((n, i) => sel[i][col('monthly_revenue')] !== '').sort((a, b) => a - b);
    return v[v.length >> 1];
  };
  assert.ok(median(big) > 3 * median(small), `revenue: big ${median(big)} small ${median(small)}`);
  assert.ok(median(rows.filter((x) => x[col('plan')] === 'Premium')) > median(rows.filter((x) => x[col('plan')] === 'Basic')));
  // The config lists the categories; appended months keep the layout; the expansion brings the new region.
  const a = appendMonths({ out: dir, scenario: 'none', months: 1, rowsPerMonth: 2000, mix: 'expansion' });
  assert.equal(a.mix, 'expansion');
  const [h2, ...more] = read(join(dir, 'sourcedata', a.files[0].name));
  assert.deepEqual(h2, header);
  const overseas = more.filter((x) => x[col('region')] === NEW_REGION).length / more.length;
  assert.ok(overseas > 0.11 && overseas < 0.19, `new region share ${overseas}`);
  assert.ok(share(more, 'contract_type', 'Monthly') > share(rows, 'contract_type', 'Monthly') + 0.1, 'more monthly contracts');
  const base = appendMonths({ out: dir, scenario: 'none', months: 1, rowsPerMonth: 500 });
  assert.equal(base.mix, 'base');
  assert.equal(read(join(dir, 'sourcedata', base.files[0].name)).filter((x) => x[col('region')] === NEW_REGION).length, 0);
  // The workspace trains as it is: ingest takes every row (no rejects).
  const ing = cli(['--config', join(dir, 'config.json'), 'ingest', '--json']);
  assert.equal(ing.status, 0, ing.stderr);
  // --mix needs a crm workspace and --scenario; an unknown profile is a usage error.
  const plain = tmp();
  simulate({ out: plain, clients: 100, months: 1 });
  assert.throws(() => appendMonths({ out: plain, scenario: 'none', months: 1, mix: 'expansion' }), /--mix needs a workspace with category columns/);
  assert.equal(cli(['simulate', '--out', tmp(), '--profile', 'fancy']).status, 2);
  assert.equal(cli(['simulate', '--out', tmp(), '--mix', 'expansion']).status, 2);
  const viaCli = tmp();
  assert.equal(cli(['simulate', '--out', viaCli, '--clients', '100', '--months', '1', '--profile', 'crm']).status, 0);
  assert.match(readFileSync(join(viaCli, 'sourcedata', 'clients-2025-01.csv'), 'utf8'), /^corporation,lastmonth_activity,lastyear_activity,number_of_employees,industry,region,plan,contract_type,payment_method,exited,monthly_revenue\n/);
});
