import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendMonths, simulate } from '../../src/simulate/generate.ts';
import { startServer } from '../../src/server/app.ts';
import { cli, context, seedWorkspace } from '../helpers/workspace.ts';
import { dropSchema, PG_URL, randomSchema } from '../helpers/postgres.ts';

// Issue 13 item 3: one score for the production model. After `ingest → train → deploy`
// production had no latestscore.txt and GET /scoring was empty; after the demo `models` said
// "not scored" for the production model while its run had recorded a holdout F1, and the
// dashboard showed a third figure. Now deploying a never-scored version scores it on the test
// data first, and every view shows the same score with what it was measured on.

const env: Record<string, string> = { RW_TEST_PG_URL: PG_URL };
// The in-process server of everyView opens the store from the same config.
process.env.RW_TEST_PG_URL = PG_URL;

function rwIn(config: string) {
  return (...args: string[]) => {
    const r = cli(['--config', config, ...args, '--json'], { env });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
}

/** The production model's score as the CLI's `models` and `diagnose`, the API and the PDF's data see it. */
async function everyView(config: string) {
  const rw = rwIn(config);
  const models = rw('models');
  const listed = models.models.find((m: { version: string }) => m.version === models.production);
  const diagnosed = rw('diagnose', '--no-dependencies').model;
  const ctx = await context(config);
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0, pollMs: 100 });
  try {
    const scoring = await (await fetch(`${server.url}/scoring`)).json();
    const apiModels = await (await fetch(`${server.url}/models`)).json();
    const apiListed = apiModels.models.find((m: { version: string }) => m.version === apiModels.production);
    return { production: models.production as string, listed, diagnosed, scoring, apiListed };
  } finally {
    await server.close();
    await ctx.store.close();
  }
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: ingest → train → deploy scores the never-scored version on the test data; latestscore.txt, models, diagnose and GET /scoring agree`, async () => {
    const ws = seedWorkspace();
    const schema = randomSchema();
    if (backend === 'postgres') {
      const cfg = JSON.parse(readFileSync(ws.config, 'utf8'));
      cfg.store = { type: 'postgres', url_env: 'RW_TEST_PG_URL', schema };
      writeFileSync(ws.config, JSON.stringify(cfg));
    }
    const rw = rwIn(ws.config);
    try {
      rw('ingest');
      rw('train');
      const deployed = rw('deploy');
      assert.equal(deployed.version, 'v1');
      assert.equal(deployed.score.kind, 'test');
      assert.equal(deployed.score.measuredOn, 'test data (5 rows)');
      const f1 = deployed.score.f1 as number;
      assert.ok(Number.isFinite(f1));
      if (backend === 'sqlite') assert.equal(readFileSync(join(ws.dir, 'production_deployment', 'latestscore.txt'), 'utf8'), `${f1}\n`);

      const v = await everyView(ws.config);
      const expected = { f1, kind: 'test', measuredOn: 'test data (5 rows)' };
      for (const [name, s] of [['models', v.listed.score], ['diagnose', v.diagnosed.score], ['GET /scoring', v.scoring.score], ['GET /models', v.apiListed.score]] as const) {
        assert.deepEqual({ f1: s.f1, kind: s.kind, measuredOn: s.measuredOn }, expected, name);
      }
      assert.equal(v.listed.f1, f1);
      assert.equal(v.diagnosed.f1, f1);
      assert.equal(v.scoring.scores.length, 1, 'GET /scoring lists the score');
      assert.equal(v.scoring.scores[0].measuredOn, 'test data (5 rows)');
      const human = cli(['--config', ws.config, 'models'], { env });
      assert.match(human.stdout, new RegExp(`^\\* v1 .* F1 ${f1.toFixed(4)} \\(test data \\(5 rows\\)\\)`, 'm'));
    } finally {
      rmSync(ws.dir, { recursive: true, force: true });
      if (backend === 'postgres') await dropSchema(schema);
    }
  });
}

test('a challenger deployed by a run is shown with its holdout score by every view (CLI, API, diagnose, PDF), and latestscore.txt holds it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rw-prodscore-'));
  try {
    const dir = join(root, 'ws');
    simulate({ out: dir, clients: 3000, months: 4, seed: 3 });
    const config = join(dir, 'config.json');
    // Retrain on data drift alone, and deploy whatever the challenger scores: the run's
    // challenger then reaches production with a holdout score only.
    const cfg = JSON.parse(readFileSync(config, 'utf8'));
    cfg.drift = { ...(cfg.drift ?? {}), retrain_on_data_drift: true };
    writeFileSync(config, JSON.stringify(cfg));
    const rw = rwIn(config);
    const first = rw('run');
    assert.equal(first.deployed, 'v1');
    appendMonths({ out: dir, scenario: 'covariate', months: 1 });
    const second = rw('run', '--margin', '1');
    assert.equal(second.retrained, true, second.reason);
    assert.equal(second.deployed, 'v2', second.reason);

    const v = await everyView(config);
    assert.equal(v.production, 'v2');
    const expected = { f1: second.challenger.f1, kind: 'holdout' };
    for (const [name, s] of [['models', v.listed.score], ['diagnose', v.diagnosed.score], ['GET /scoring', v.scoring.score], ['GET /models', v.apiListed.score]] as const) {
      assert.deepEqual({ f1: s.f1, kind: s.kind }, expected, name);
      assert.match(s.measuredOn, new RegExp(`^holdout: [\\d,]+ newest rows of run ${second.runId}'s batch`), name);
    }
    assert.equal(readFileSync(join(dir, 'production_deployment', 'latestscore.txt'), 'utf8'), `${second.challenger.f1}\n`);

    const report = rw('report', '--no-dependencies');
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(report.pdf)), useSystemFonts: false, isEvalSupported: false }).promise;
    const first_page = (await (await doc.getPage(1)).getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' ');
    await doc.destroy();
    assert.ok(first_page.includes(`F1 ${second.challenger.f1.toFixed(3)} on holdout:`), first_page); // the dashboard's 3 decimals
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
