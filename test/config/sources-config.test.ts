import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { DataError } from '../../src/util/errors.ts';
import { SEED, makeWorkspace } from '../helpers/workspace.ts';

function parse(extra: Record<string, unknown>) {
  const ws = makeWorkspace();
  return { ws, cfg: parseConfig({ ...JSON.parse(readFileSync(ws.config, 'utf8')), ...extra }, ws.config) };
}

function expectError(extra: Record<string, unknown>, pattern: RegExp) {
  assert.throws(
    () => parse(extra),
    (err: unknown) => err instanceof DataError && pattern.test(err.message) && !err.message.includes('\n'),
    String(pattern),
  );
}

test('without `sources`, one folder source from input_folder_path and input_file_extension (configs behave as before)', () => {
  const c = loadConfig(join(SEED, 'config.json'));
  assert.deepEqual(c.sources, [{ type: 'folder', name: 'folder', path: join(SEED, 'sourcedata'), extension: 'csv' }]);
});

test('sources are named, paths resolved against the config folder, timeouts defaulted', () => {
  const { ws, cfg } = parse({
    sources: [
      { type: 'folder', path: 'sourcedata' },
      { type: 'sqlite', path: 'crm.db', table: 'clients', watermark: 'id' },
      { type: 'postgres', url_env: 'CRM_URL', query: 'SELECT 1', timeout_ms: 500, name: 'crm' },
    ],
  });
  assert.deepEqual(cfg.sources, [
    { type: 'folder', name: 'folder', path: join(ws.dir, 'sourcedata'), extension: 'csv' },
    { type: 'sqlite', name: 'sqlite:clients', path: join(ws.dir, 'crm.db'), table: 'clients', query: undefined, watermark: 'id', timeoutMs: 30000 },
    { type: 'postgres', name: 'crm', url: undefined, urlEnv: 'CRM_URL', table: undefined, query: 'SELECT 1', watermark: undefined, timeoutMs: 500 },
  ]);
});

test('a misconfigured source is one line naming the key', () => {
  expectError({ sources: [{ type: 'sqlite', path: 'a.db', table: 't', query: 'SELECT 1' }] }, /key "sources\.0": expected exactly one of "table" or "query"/);
  expectError({ sources: [{ type: 'postgres', table: 't' }] }, /key "sources\.0": expected exactly one of "url" or "url_env"/);
  expectError({ sources: [{ type: 'postgres', url: 'mysql://x@y/z', table: 't' }] }, /key "sources\.0\.url": expected a postgres:\/\/ or postgresql:\/\/ URL/);
  expectError({ sources: [{ type: 'postgres', url: "host=db password='never closed", table: 't' }] }, /key "sources\.0\.url": expected a postgres:\/\/ or postgresql:\/\/ URL or a keyword\/value connection string/);
  expectError({ sources: [{ type: 'oracle', table: 't' }] }, /key "sources\.0\.type"/);
  expectError({ sources: [{ type: 'sqlite', path: 'a.db', table: 't', password: 'x' }] }, /unknown key "password" in "sources\.0"/);
  expectError({ sources: [] }, /key "sources"/);
  expectError({ sources: [{ type: 'sqlite', path: 'a.db', table: 't' }, { type: 'sqlite', path: 'b.db', table: 't' }] }, /key "sources\.1\.name": "sqlite:t" names two sources/);
  expectError({ sources: [{ type: 'folder', path: 'nowhere' }, { type: 'folder', path: 'also-nowhere' }] }, /key "sources\.0\.path": folder .*nowhere does not exist/);
});

test('a second folder source gets its own name', () => {
  const ws = makeWorkspace();
  mkdirSync(join(ws.dir, 'more'));
  const cfg = parseConfig({ ...JSON.parse(readFileSync(ws.config, 'utf8')), sources: [{ type: 'folder', path: 'sourcedata' }, { type: 'folder', path: 'more', extension: '.txt' }] }, ws.config);
  assert.deepEqual(cfg.sources.map((s) => s.name), ['folder', 'folder:more']);
  assert.equal((cfg.sources[1] as { extension: string }).extension, 'txt');
});

test('config population: a file or folder path, or a database table; resolved against the config folder; errors name the key', () => {
  const ws = makeWorkspace();
  try {
    const base = JSON.parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
    const load = (population: unknown, opts: { checkFolders?: boolean } = {}) => parseConfig({ ...base, population }, ws.config, opts);
    const fails = (population: unknown, pattern: RegExp) =>
      assert.throws(() => load(population), (err: unknown) => err instanceof DataError && pattern.test(err.message) && !err.message.includes('\n'), String(pattern));
    assert.equal(parseConfig(base, ws.config).population, undefined, 'default: the ingested dataset');
    writeFileSync(join(ws.dir, 'current.csv'), 'corporation\n');
    assert.deepEqual(load('current.csv').population, { type: 'path', path: join(ws.dir, 'current.csv'), extension: 'csv' });
    assert.deepEqual(load('sourcedata').population, { type: 'path', path: join(ws.dir, 'sourcedata'), extension: 'csv' });
    writeFileSync(join(ws.dir, 'crm.db'), '');
    assert.deepEqual(load({ type: 'sqlite', path: 'crm.db', table: 'clients' }).population, { type: 'sqlite', name: 'population', path: join(ws.dir, 'crm.db'), table: 'clients', query: undefined, timeoutMs: 30000 });
    assert.deepEqual(load({ type: 'postgres', url_env: 'CRM_URL', query: 'SELECT * FROM c', timeout_ms: 500 }).population, { type: 'postgres', name: 'population', url: undefined, urlEnv: 'CRM_URL', table: undefined, query: 'SELECT * FROM c', timeoutMs: 500 });
    fails('nowhere.csv', /key "population": .*nowhere\.csv does not exist/);
    fails('', /key "population"/);
    fails({ type: 'sqlite', path: 'missing.db', table: 't' }, /key "population\.path": .*missing\.db does not exist/);
    fails({ type: 'sqlite', path: 'crm.db', table: 't', query: 'SELECT 1' }, /key "population"/);
    fails({ type: 'postgres', table: 't' }, /key "population"/);
    fails({ type: 'postgres', url: 'mysql://x@y/z', table: 't' }, /key "population\.url": expected a postgres:\/\/ or postgresql:\/\/ URL/);
    // libpq's keyword/value form is a connection string too, as for sources and the store.
    assert.equal(load({ type: 'postgres', url: 'host=db user=app dbname=crm', table: 't' }).population?.type, 'postgres');
    fails({ type: 'sqlite', path: 'crm.db', table: 't', watermark: 'id' }, /unknown key "watermark" in "population"/);
    fails({ type: 'oracle', table: 't' }, /key "population": expected the path of a data file or folder, or \{"type": "sqlite" \| "postgres"/);
    fails(5, /key "population": expected the path of a data file or folder/);
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
});
