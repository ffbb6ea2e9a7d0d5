import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
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
  assert.deepEqual(months.map((m: { scenario: string }) => m.scenario), ['none', 'none', 'covariate', 'concept', 'concept', 'none']);
  const none = months.filter((m: { scenario: string }) => m.scenario === 'none');
  assert.ok(none.every((m: { run: { retrained: boolean } }) => !m.run.retrained), 'quiet months keep the model');
  const cov = months.find((m: { scenario: string }) => m.scenario === 'covariate');
  assert.deepEqual([cov.run.drift.dataset, cov.run.retrained], [true, false]);
  const concept = months.find((m: { scenario: string }) => m.scenario === 'concept');
  assert.deepEqual([concept.run.drift.model, concept.run.retrained], [true, true]);
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
