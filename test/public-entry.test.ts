// The library as a user gets it (issue 14 item 1): through the package's name, which package.json's
// `exports` map resolves (a package may import itself by name) to the built dist/index.js — the
// one public entry — and nothing else of dist/. Built first: npm test (scripts/run-tests.mjs)
// builds before running the tests; alone, run `npm run build` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type * as Library from '../src/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// A variable, so the type checker does not look for dist/ (types come from src/index.ts above).
const NAME: string = 'riskwatch';

async function library(): Promise<typeof Library> {
  assert.ok(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/index.js is missing: run `npm run build` first');
  return (await import(NAME)) as typeof Library;
}

test('ingest → train → score → deploy → predict through the public entry alone', async () => {
  const lib = await library();
  const dir = mkdtempSync(join(tmpdir(), 'rw-public-entry-'));
  try {
    const sim = lib.simulate({ out: join(dir, 'ws'), clients: 400, months: 3, seed: 11 });
    const config = lib.loadConfig(sim.config);
    const ctx = lib.makeContext(config, await lib.openStore(config));
    try {
      const ingested = await lib.ingest(ctx);
      assert.equal(ingested.rowsAdded > 0, true, 'the simulated months are ingested');
      const trained = await lib.train(ctx);
      assert.equal(trained.version, 'v1');
      const scored = await lib.score(ctx, { model: trained.version });
      assert.equal(scored.kind, 'test');
      assert.equal(scored.rows, sim.testRows);
      assert.equal(await lib.currentProduction(ctx), undefined, 'nothing in production before deploy');
      const deployed = await lib.deploy(ctx, trained.version);
      assert.equal(deployed.version, trained.version);
      assert.equal((await lib.currentProduction(ctx))?.version, trained.version);

      // Predict the test file with the production model; F1 worked out here from its predictions
      // and the file's labels is the score the library recorded for it.
      const predicted = await lib.predict(ctx, { data: sim.testFile });
      assert.equal(predicted.version, trained.version);
      assert.equal(predicted.rows, sim.testRows);
      const label = new Map(
        readFileSync(sim.testFile, 'utf8').trim().split('\n').slice(1).map((line) => {
          const cells = line.split(',');
          return [cells[0], Number(cells[cells.length - 1])] as const;
        }),
      );
      let tp = 0, fp = 0, fn = 0;
      for (const p of predicted.predictions!) {
        const y = label.get(p.id);
        assert.ok(y === 0 || y === 1, `a label for ${p.id}`);
        if (p.prediction === 1 && y === 1) tp++;
        else if (p.prediction === 1) fp++;
        else if (y === 1) fn++;
      }
      assert.ok(Math.abs((2 * tp) / (2 * tp + fp + fn) - scored.f1) < 1e-12, 'F1 from the predictions is the recorded score');
      assert.equal((await lib.listModels(ctx)).models.find((m) => m.deployed)?.version, trained.version);

      // The production model as SQL gives the test rows the probabilities predict gave them.
      const { sql } = await lib.exportSql(ctx, { dialect: 'sqlite', table: 'clients' });
      const db = new Database(':memory:');
      const lines = readFileSync(sim.testFile, 'utf8').trim().split('\n');
      db.exec(`CREATE TABLE clients (${lines[0].split(',').map((c) => `"${c}"`).join(', ')})`);
      const insert = db.prepare(`INSERT INTO clients VALUES (${lines[0].split(',').map(() => '?').join(', ')})`);
      for (const line of lines.slice(1)) insert.run(...line.split(',').map((v, i) => (i === 0 ? v : v === '' ? null : Number(v))));
      db.exec(sql);
      const inSql = new Map((db.prepare('SELECT * FROM riskwatch_scores').all() as Array<Record<string, number | string>>).map((r) => [String(r[lines[0].split(',')[0]]), Number(r.probability)]));
      db.close();
      assert.equal(inSql.size, predicted.rows);
      for (const p of predicted.predictions!) assert.ok(Math.abs(inSql.get(p.id)! - p.probability) <= 1e-9, `${p.id}: SQL ${inSql.get(p.id)} vs predict ${p.probability}`);
    } finally {
      await ctx.store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only the entry, the config schema and package.json are reachable through the package name', async () => {
  const lib = await library();
  // The file-only production read (wrong under a PostgreSQL store) and the write side of production are not public.
  for (const name of ['readProduction', 'readProductionFile', 'productionOf']) assert.equal(name in lib, false, `${name} is not exported`);
  for (const deep of ['riskwatch/dist/registry/production.js', 'riskwatch/dist/index.js', 'riskwatch/src/index.ts', 'riskwatch/dist/cli/riskwatch.mjs']) {
    await assert.rejects(import(deep), (err: NodeJS.ErrnoException) => err.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED', `${deep} is refused`);
  }
  const schema = (await import(`${NAME}/config.schema.json`, { with: { type: 'json' } })).default as { properties: Record<string, unknown> };
  assert.deepEqual(schema, JSON.parse(readFileSync(join(ROOT, 'config.schema.json'), 'utf8')));
  assert.ok('features' in schema.properties);
  const pkg = (await import(`${NAME}/package.json`, { with: { type: 'json' } })).default as { name: string };
  assert.equal(pkg.name, 'riskwatch');
});
