import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, HEADER, SEED, seedWorkspace } from '../helpers/workspace.ts';
import { dropSchema, PG_URL, randomSchema } from '../helpers/postgres.ts';

// Issue 13 item 2: `score --data FILE` and `drift --data FILE` used to join the model's score
// history — two scores of a one-class file (F1 0) dragged the nonparametric floor below zero, so
// model drift could never fire, and `models` then showed the ad-hoc F1 as the model's. An ad-hoc
// score is recorded and shown as such and moves nothing: floors, the model's F1, latestscore.txt.
for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: ad-hoc scores (score --data, drift --data) are recorded as such and never move the drift floors, the model's F1 or latestscore.txt`, async () => {
    const ws = seedWorkspace();
    const schema = randomSchema();
    const env: Record<string, string> = { RW_TEST_PG_URL: PG_URL };
    if (backend === 'postgres') {
      const cfg = JSON.parse(readFileSync(ws.config, 'utf8'));
      cfg.store = { type: 'postgres', url_env: 'RW_TEST_PG_URL', schema };
      writeFileSync(ws.config, JSON.stringify(cfg));
    }
    const rw = (...args: string[]) => {
      const r = cli(['--config', ws.config, ...args, '--json'], { env });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    try {
      for (const step of ['ingest', 'train', 'score', 'deploy']) rw(step);
      const testScore = rw('models').models[0].f1 as number;
      const files = () => ['models', 'production_deployment'].map((f) => join(ws.dir, f, 'latestscore.txt')).map((p) => (existsSync(p) ? readFileSync(p, 'utf8') : null));
      const filesBefore = files();
      if (backend === 'sqlite') assert.deepEqual(filesBefore, [`${testScore}\n`, `${testScore}\n`]);

      // A labelled file checked by hand: its F1 is judged against the history, then recorded as ad hoc.
      const checkFile = join(SEED, 'practicedata', 'dataset1.csv');
      const first = rw('drift', '--data', checkFile).modelDrift;
      assert.deepEqual(first.history, [testScore], 'the history is the test score');

      // The case: 50 rows of one class, scored twice.
      const oneClass = join(ws.dir, 'oneclass.csv');
      writeFileSync(oneClass, `${HEADER}\n${Array.from({ length: 50 }, (_, i) => `c${i},${i},${i * 3},${i % 7},0`).join('\n')}\n`);
      const adhoc = [rw('score', '--data', oneClass), rw('score', '--data', oneClass)];
      for (const s of adhoc) {
        assert.equal(s.f1, 0);
        assert.equal(s.kind, 'adhoc');
        assert.match(s.measuredOn, /^oneclass\.csv \(50 rows, ad hoc/);
        assert.equal(s.modelScore.f1, testScore, "the model's score is unchanged");
      }

      // Another check: the floors are those of the history alone (before: [test, check, 0, 0]).
      const again = rw('drift', '--data', join(SEED, 'practicedata', 'dataset2.csv')).modelDrift;
      assert.deepEqual(again.history, [testScore]);
      assert.deepEqual(again.thresholds, first.thresholds);

      // Every view keeps the model's score; the ad-hoc ones are listed, marked.
      const models = rw('models');
      assert.equal(models.models[0].f1, testScore);
      assert.equal(models.models[0].score.kind, 'test');
      assert.deepEqual(files(), filesBefore, 'latestscore.txt untouched');
      const runs = rw('runs').runs.filter((r: { command: string }) => r.command === 'score');
      assert.deepEqual(runs.map((r: { detail: { kind: string } }) => r.detail.kind), ['adhoc', 'adhoc', 'test']);
      const human = cli(['--config', ws.config, 'score', '--data', oneClass], { env });
      assert.match(human.stdout, /on oneclass\.csv \(50 rows, ad hoc: not part of the model's history\)/);
      assert.match(human.stdout, new RegExp(`v1's score stays F1 ${testScore.toFixed(4)} on test data \\(5 rows\\)`));
    } finally {
      rmSync(ws.dir, { recursive: true, force: true });
      if (backend === 'postgres') await dropSchema(schema);
    }
  });
}
