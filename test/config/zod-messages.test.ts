import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.ts';

// The config schema uses zod/mini, which (unlike classic zod) has no messages of its own until a
// locale is set (src/util/zod-locale.ts). These are the messages classic zod gave, word for word:
// a config error must read the same whichever zod API builds the schema.
const base = { input_folder_path: 'a', output_folder_path: 'b', test_data_path: 'c', output_model_path: 'd', prod_deployment_path: 'e' };
const cases: [object, string][] = [
  [{ model: { C: -1 } }, 'config.json: key "model.C": Too small: expected number to be >0'],
  [{ features: [] }, 'config.json: key "features": Too small: expected array to have >=1 items'],
  [{ url: 'not a url' }, 'config.json: key "url": Invalid URL'],
  [{ drift: { correction: 'holm' } }, 'config.json: key "drift.correction": Invalid option: expected one of "bonferroni"|"none"'],
  [{ schedule: '' }, 'config.json: key "schedule": Too small: expected string to have >=1 characters'],
  [{ top_k: 2.5 }, 'config.json: key "top_k": expected an integer, got 2.5'],
  [{ input_folder_path: '' }, 'config.json: key "input_folder_path": expected a non-empty string'],
  [{ sources: [{ type: 'sqlite', path: 'p' }] }, 'config.json: key "sources.0": expected exactly one of "table" or "query"'],
  [{ store: { type: 'postgres' } }, 'config.json: key "store.url": expected exactly one of "url" or "url_env" for a postgres store'],
];
for (const [json, message] of cases) {
  test(`zod's wording is kept: ${JSON.stringify(json)}`, () => {
    assert.throws(() => parseConfig({ ...base, ...json }, 'config.json', { checkFolders: false }), { message });
  });
}
