import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.ts';
import { cli } from '../helpers/workspace.ts';
import { init } from '../../src/init/init.ts';
import { loadConfig } from '../../src/config/load.ts';
import { crmCsv, windows1252 } from './crm-table.ts';

// `riskwatch init`: the config it writes, the folders, the test split, --force, and the command's
// output (human table and --json). The decisions themselves: decisions.test.ts.

function exportFile(content: string | Buffer, name = 'clients.csv'): { dir: string; data: string } {
  const dir = tempDir();
  const data = join(dir, name);
  writeFileSync(data, content);
  return { dir, data };
}
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean);

test('init writes a config riskwatch loads, the folders, and a stratified seeded test split', async () => {
  const { dir, data } = exportFile(crmCsv({ rows: 2000 }));
  const out = join(dir, 'ws', 'config.json');
  const r = await init({ data, out });
  assert.equal(r.out, out);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), r.config);
  assert.deepEqual(r.config, {
    input_folder_path: 'sourcedata',
    output_folder_path: 'ingesteddata',
    test_data_path: 'testdata',
    output_model_path: 'models',
    prod_deployment_path: 'production_deployment',
    input_file_extension: 'csv',
    url: 'http://127.0.0.1:8000/',
    id_column: 'client_id',
    target_column: 'churned',
    target_positive: 'Yes',
    target_negative: 'No',
    features: ['region', 'plan', 'employees', 'revenue'],
    feature_types: { region: 'category', plan: 'category', employees: 'count', revenue: 'number' },
    model: { family: 'auto', standardize: true },
  });
  const config = loadConfig(out);
  assert.deepEqual(config.features, ['region', 'plan', 'employees', 'revenue']);
  assert.deepEqual(r.folders.map((f) => [f.path, f.created]), [['sourcedata', true], ['testdata', true], ['ingesteddata', true], ['models', true], ['production_deployment', true]]);
  for (const f of r.folders) assert.ok(existsSync(join(dir, 'ws', f.path)), f.path);

  // The split: 20% of each class in testdata/, the rest in sourcedata/, every row once.
  const all = lines(data);
  const train = lines(join(dir, 'ws', 'sourcedata', 'clients.csv'));
  const testRows = lines(join(dir, 'ws', 'testdata', 'clients.csv'));
  assert.equal(train[0], all[0]);
  assert.equal(testRows[0], all[0]);
  assert.deepEqual([...train.slice(1), ...testRows.slice(1)].sort(), all.slice(1).sort());
  const yes = (rows: string[]) => rows.filter((l) => l.endsWith(',Yes')).length;
  assert.equal(yes(testRows.slice(1)), Math.round(0.2 * yes(all.slice(1))));
  assert.equal(testRows.length - 1 - yes(testRows.slice(1)), Math.round(0.2 * (all.length - 1 - yes(all.slice(1)))));
  assert.deepEqual(r.split && { train: r.split.train.rows, test: r.split.test.rows, share: r.split.share, seed: r.split.seed }, { train: train.length - 1, test: testRows.length - 1, share: 0.2, seed: 42 });
  assert.deepEqual(r.data.labelled, { positive: yes(all.slice(1)), negative: all.length - 1 - yes(all.slice(1)) });

  // Seeded: the same export gives the same test file; another seed another one.
  const again = await init({ data, out: join(dir, 'ws2', 'config.json') });
  assert.equal(readFileSync(join(dir, 'ws2', 'testdata', 'clients.csv'), 'utf8'), readFileSync(join(dir, 'ws', 'testdata', 'clients.csv'), 'utf8'));
  assert.equal(again.split!.test.rows, r.split!.test.rows);
  await init({ data, out: join(dir, 'ws3', 'config.json'), seed: 7 });
  assert.notEqual(readFileSync(join(dir, 'ws3', 'testdata', 'clients.csv'), 'utf8'), readFileSync(join(dir, 'ws', 'testdata', 'clients.csv'), 'utf8'));
});

test('an existing config is never overwritten without force; with force it is, atomically', async () => {
  const { dir, data } = exportFile(crmCsv({ rows: 300 }));
  const out = join(dir, 'config.json');
  writeFileSync(out, '{"mine": true}\n');
  await assert.rejects(init({ data, out }), { message: `${out} already exists; pass --force to overwrite it` });
  assert.equal(readFileSync(out, 'utf8'), '{"mine": true}\n');
  assert.ok(!existsSync(join(dir, 'sourcedata')), 'nothing made before the refusal');
  const r = await init({ data, out, force: true });
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).target_column, 'churned');
  assert.equal(r.config.target_column, 'churned');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('test data already there, or --test-share 0: no split, and init says where the export goes', async () => {
  const { dir, data } = exportFile(crmCsv({ rows: 300 }));
  mkdirSync(join(dir, 'ws', 'testdata'), { recursive: true });
  writeFileSync(join(dir, 'ws', 'testdata', 'holdout.csv'), crmCsv({ rows: 50, seed: 9 }));
  const r = await init({ data, out: join(dir, 'ws', 'config.json') });
  assert.equal(r.split, null);
  assert.deepEqual(readdirSync(join(dir, 'ws', 'sourcedata')), []);
  assert.match(r.next[0], /^put .*clients\.csv \(and every later export\) into .*ws\/sourcedata\/$/);
  assert.equal(r.folders.find((f) => f.path === 'testdata')!.created, false);

  const none = await init({ data, out: join(dir, 'ws2', 'config.json'), testShare: 0 });
  assert.equal(none.split, null);
  assert.match(none.next[1], /^put labelled test rows \(a file with the same columns\) into .*ws2\/testdata\/$/);
});

test('a Windows-1252 export over several read chunks: a warning naming the first line, and the split files in UTF-8', async () => {
  // ~4 MB: records and multi-byte characters cross the reader's 1 MiB chunks.
  const text = crmCsv({ rows: 30_000 });
  const { dir, data } = exportFile(windows1252(text));
  const r = await init({ data, out: join(dir, 'ws', 'config.json') });
  assert.equal(r.data.encoding, 'windows-1252');
  const firstAccent = text.split('\n').findIndex((l) => /[^\x00-\x7f]/.test(l)) + 1;
  assert.equal(r.warnings[0], `clients.csv is not UTF-8 (line ${firstAccent} first): read as Windows-1252; ingest reads such files so (input_encoding "auto", the default)`);
  const both = [...lines(join(dir, 'ws', 'sourcedata', 'clients.csv')), ...lines(join(dir, 'ws', 'testdata', 'clients.csv')).slice(1)];
  assert.deepEqual(both.sort(), text.split('\n').filter(Boolean).sort());
});

test('riskwatch init: the table of decisions, --json\'s shape, and a refusal to overwrite', () => {
  const { dir, data } = exportFile(crmCsv({ rows: 1000 }));
  const human = cli(['init', '--data', data, '--out', join(dir, 'ws', 'config.json')], { timeoutMs: 120_000 });
  assert.equal(human.status, 0, human.stderr);
  for (const [name, decision] of [['client_id', 'id'], ['churned', 'target (left = "Yes")'], ['region', 'feature: category'], ['employees', 'feature: count'], ['revenue', 'feature: number'], ['country', 'ignored'], ['churn_score', 'ignored']]) {
    assert.match(human.stdout, new RegExp(`^  ${name} +${decision.replace(/[()]/g, '\\$&')} +\\S`, 'm'), name);
  }
  assert.match(human.stdout, /^  churn_score +ignored +leak: alone separates churned/m);
  assert.match(human.stdout, /^4 features, 6 columns left out$/m);
  assert.match(human.stdout, /^wrote .*ws\/config\.json$/m);
  assert.match(human.stdout, /riskwatch run/);

  const again = cli(['init', '--data', data, '--out', join(dir, 'ws', 'config.json'), '--json'], { timeoutMs: 120_000 });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^riskwatch: .*ws\/config\.json already exists; pass --force to overwrite it\n$/);

  const json = cli(['init', '--data', data, '--out', join(dir, 'ws', 'config.json'), '--force', '--json'], { timeoutMs: 120_000 });
  assert.equal(json.status, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.equal(r.out, join(dir, 'ws', 'config.json'));
  assert.equal(r.config.target_positive, 'Yes');
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.columns.find((c: { name: string }) => c.name === 'churned'), { name: 'churned', role: 'target', positive: 'Yes', negative: 'No', reason: r.columns.find((c: { name: string }) => c.name === 'churned').reason });
  assert.deepEqual(r.columns.map((c: { name: string; role: string; type?: string }) => [c.name, c.role, c.type ?? null]), [
    ['client_id', 'id', null], ['client_name', 'ignored', null], ['region', 'feature', 'category'], ['plan', 'feature', 'category'], ['employees', 'feature', 'count'], ['revenue', 'feature', 'number'],
    ['country', 'ignored', null], ['postal_code', 'ignored', null], ['notes', 'ignored', null], ['signup_date', 'ignored', null], ['churn_score', 'ignored', null], ['churned', 'target', null],
  ]);

  const bad = cli(['init', '--data', join(dir, 'nope.csv'), '--out', join(dir, 'x', 'config.json')], { timeoutMs: 60_000 });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^riskwatch: .*nope\.csv: no such file\n$/);
});

test('the export already in sourcedata/: split in place, every row kept in one of the two files', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'sourcedata'));
  const data = join(dir, 'sourcedata', 'clients.csv');
  const text = crmCsv({ rows: 500 });
  writeFileSync(data, text);
  const r = await init({ data, out: join(dir, 'config.json') });
  assert.match(r.warnings.at(-1)!, /sourcedata\/clients\.csv was the export itself: it now holds the training rows, and the test rows moved to .*testdata\/clients\.csv/);
  const both = [...lines(data), ...lines(join(dir, 'testdata', 'clients.csv')).slice(1)];
  assert.deepEqual(both.sort(), text.split('\n').filter(Boolean).sort());
  assert.equal(lines(data).length - 1, r.split!.train.rows);
});
