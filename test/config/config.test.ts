import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { DataError } from '../../src/util/errors.ts';
import { ROOT, SEED, cli, makeWorkspace } from '../helpers/workspace.ts';

test("the seed's config.json loads as is, paths resolved against its folder", () => {
  const c = loadConfig(join(SEED, 'config.json'));
  assert.equal(c.inputFolder, join(SEED, 'sourcedata'));
  assert.equal(c.testDataPath, join(SEED, 'testdata'));
  assert.equal(c.extension, 'csv');
  assert.deepEqual(c.features, ['lastmonth_activity', 'lastyear_activity', 'number_of_employees']);
  assert.equal(c.target, 'exited');
  assert.equal(c.id, 'corporation');
  assert.equal(c.model.C, 1);
  assert.equal(c.url.port, '8000');
  assert.deepEqual(c.store, { type: 'sqlite', path: join(SEED, 'riskwatch.db') });
});

function expectError(json: unknown, pattern: RegExp) {
  const ws = makeWorkspace();
  assert.throws(
    () => parseConfig({ ...JSON.parse(readFileSync(ws.config, 'utf8')), ...(json as object) }, ws.config),
    (err: unknown) => err instanceof DataError && pattern.test(err.message) && !err.message.includes('\n'),
  );
}

test('an unknown key is named', () => expectError({ input_folder_pth: 'x' }, /unknown key "input_folder_pth"/));
test('a wrong type names the key and what was expected', () => expectError({ top_k: 'ten' }, /key "top_k": expected number, got "ten"/));
test('a nested wrong value names the dotted key', () => expectError({ model: { C: -1 } }, /key "model\.C"/));
test('an unknown nested key is named with its parent', () => expectError({ model: { c: 1 } }, /unknown key "c" in "model"/));
test('a missing input folder is named', () => expectError({ input_folder_path: 'nope' }, /key "input_folder_path": folder .*nope does not exist/));
test('a missing required key is named', () => {
  const ws = makeWorkspace();
  const json = JSON.parse(readFileSync(ws.config, 'utf8'));
  delete json.output_model_path;
  assert.throws(() => parseConfig(json, ws.config), /key "output_model_path": expected string \(missing\)/);
});
test('a feature that is also the target is refused', () => expectError({ features: ['exited'] }, /"features": "exited" is also the id or target/));
test('feature_types may only name features', () => expectError({ feature_types: { other: 'number' } }, /feature_types\.other/));
test('value_column may not be the id or target, nor a category feature', () => {
  expectError({ value_column: 'corporation' }, /key "value_column": "corporation" is also the id or target column/);
  expectError({ value_column: 'lastmonth_activity', feature_types: { lastmonth_activity: 'category' } }, /key "value_column": "lastmonth_activity" is a category feature; expected a number column/);
});
test('risk.rank_by: "probability" by default; "expected_loss" needs value_column; anything else is refused', () => {
  const ws = makeWorkspace();
  const base = JSON.parse(readFileSync(ws.config, 'utf8'));
  const c = parseConfig(base, ws.config);
  assert.deepEqual([c.risk.rank_by, c.valueColumn], ['probability', undefined]);
  const v = parseConfig({ ...base, value_column: 'revenue', risk: { rank_by: 'expected_loss' } }, ws.config);
  assert.deepEqual([v.risk.rank_by, v.valueColumn], ['expected_loss', 'revenue']);
  expectError({ risk: { rank_by: 'expected_loss' } }, /key "risk\.rank_by": "expected_loss" needs "value_column"/);
  expectError({ value_column: 'revenue', risk: { rank_by: 'loss' } }, /key "risk\.rank_by"/);
});

test('invalid JSON and a missing file are one-line errors', () => {
  const ws = makeWorkspace();
  writeFileSync(ws.config, '{"input_folder_path": ');
  assert.throws(() => loadConfig(ws.config), /not valid JSON/);
  assert.throws(() => loadConfig(join(ws.dir, 'missing.json')), /cannot read config \(no such file\)/);
});

test('the CLI reports a config error in one line, exit 1, no stack trace', () => {
  const ws = makeWorkspace({ colour: 'blue' });
  const r = cli(['--config', ws.config, 'ingest']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^riskwatch: .*config\.json: unknown key "colour"\n$/);
  assert.doesNotMatch(r.stderr, /\s+at /);
});

test('a usage error exits 2', () => {
  const r = cli(['ingest', '--no-such-flag']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option/);
  assert.equal(cli(['no-such-command']).status, 2);
});

test('config.schema.json is generated from the schema and up to date', () => {
  const committed = JSON.parse(readFileSync(join(ROOT, 'config.schema.json'), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(configJsonSchema())));
  assert.ok((committed.required as string[]).includes('input_folder_path'));
  assert.equal(committed.additionalProperties, false);
});

test('with --json a failure still prints exactly one JSON object: {error:{message, exitCode}}', () => {
  const ws = makeWorkspace({ colour: 'blue' });
  const r = cli(['--config', ws.config, 'train', '--json']);
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const { error } = JSON.parse(lines[0]);
  assert.equal(error.exitCode, 1);
  assert.match(error.message, /unknown key "colour"/);
});

test('model.family and model.gbdt: defaults, and each bad value one line naming the key', () => {
  const ws = makeWorkspace();
  const base = JSON.parse(readFileSync(ws.config, 'utf8'));
  const c = parseConfig(base, ws.config);
  assert.equal(c.model.family, 'logistic');
  assert.deepEqual(c.model.gbdt, { learning_rate: 0.1, max_leaves: 31, min_samples_leaf: 20, l2: 0, max_bins: 255, max_iter: 100, early_stopping: 'auto' });
  const g = parseConfig({ ...base, model: { family: 'auto', gbdt: { max_iter: 50, early_stopping: false } } }, ws.config);
  assert.equal(g.model.family, 'auto');
  assert.equal(g.model.gbdt.max_iter, 50);
  assert.equal(g.model.gbdt.early_stopping, false);
  assert.equal(g.model.gbdt.max_leaves, 31, 'the others keep their defaults');
  const cases: [unknown, RegExp][] = [
    [{ family: 'trees' }, /key "model\.family": Invalid option: expected one of "logistic"\|"gbdt"\|"auto"$/],
    [{ gbdt: { max_iter: 0 } }, /key "model\.gbdt\.max_iter": Too small: expected number to be >0$/],
    [{ gbdt: { leaves: 3 } }, /unknown key "leaves" in "model\.gbdt"$/],
    [{ gbdt: { max_bins: 300 } }, /key "model\.gbdt\.max_bins": Too big: expected number to be <=255$/],
    [{ gbdt: { early_stopping: 'yes' } }, /key "model\.gbdt\.early_stopping": expected true, false or "auto"$/],
    [{ gbdt: { learning_rate: 0 } }, /key "model\.gbdt\.learning_rate": Too small/],
    [{ gbdt: { l2: -1 } }, /key "model\.gbdt\.l2": Too small: expected number to be >=0$/],
    [{ gbdt: { max_leaves: 1 } }, /key "model\.gbdt\.max_leaves": Too small: expected number to be >=2$/],
    [{ gbdt: { min_samples_leaf: 2.5 } }, /key "model\.gbdt\.min_samples_leaf": expected an integer, got 2\.5$/],
  ];
  for (const [model, pattern] of cases) {
    assert.throws(
      () => parseConfig({ ...base, model }, ws.config),
      (err: unknown) => err instanceof DataError && pattern.test(err.message) && !err.message.includes('\n'),
      JSON.stringify(model),
    );
  }
});
