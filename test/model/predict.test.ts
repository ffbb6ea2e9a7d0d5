import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedWithModels } from '../helpers/workspace.ts';
import { referenceCsv } from '../helpers/predictions.ts';
import { rng } from '../helpers/random.ts';
import { predict } from '../../src/model/predict.ts';

// `predict --out` is a file format contract: id,probability,prediction with the probability as
// String() prints it. The reference below is that contract written out plainly, one string per
// row (test/helpers/predictions.ts), independent of the buffer writer and of writeProbability.
const { ws, ctx } = await seedWithModels(1);
after(() => ctx.store.close());

test('predict --out is byte-identical to String()-formatted rows, over probabilities from 1e-300 to 1', async () => {
  const next = rng(11);
  const lines = ['corporation,lastmonth_activity,lastyear_activity,number_of_employees'];
  // Counts spread over many magnitudes (0 to 10^9) so the scores reach both saturated ends:
  // fixed and exponential notation, and probabilities of exactly 1.
  const count = () => (next() < 0.05 ? '' : String(Math.floor(10 ** (next() * 9) * next())));
  const odd = ['=SUM(A1)', '+1', '-x', '@me', 'a,b', 'say "hi"', ' padded ', 'ünïcödé'];
  for (let i = 0; i < 9_000; i++) {
    const id = i < odd.length ? odd[i] : `c-${i}`;
    const cell = /[",]|^ | $/.test(id) ? `"${id.replaceAll('"', '""')}"` : id;
    lines.push(`${cell},${count()},${count()},${count()}`);
  }
  const data = join(ws.dir, 'spread.csv');
  writeFileSync(data, lines.join('\n') + '\n');
  mkdirSync(join(ws.dir, 'out'));
  const out = join(ws.dir, 'out', 'predictions.csv');
  const r = await predict(ctx, { data, out });
  assert.equal(r.rows, 9_000);
  assert.ok(r.predictions, 'under the inline limit the predictions come back too');
  const written = readFileSync(out, 'latin1');
  const expected = Buffer.from(referenceCsv('corporation', r.predictions!), 'utf8').toString('latin1');
  assert.equal(written, expected);
  // The spread really covers both notations and the saturated end.
  const probs = r.predictions!.map((p) => String(p.probability));
  assert.ok(probs.some((s) => s.includes('e-')), 'some probabilities in exponential notation');
  assert.ok(probs.some((s) => s.startsWith('0.')), 'some in fixed notation');
  assert.ok(probs.some((s) => s === '1' || s === '0.9999999999999999'), 'some saturated');
  // No temp file left next to the output.
  assert.deepEqual(readdirSync(join(ws.dir, 'out')), ['predictions.csv']);
});

test('predict --out on an unusable file: one-line error, no output and no temp file', async () => {
  const data = join(ws.dir, 'bad.csv');
  writeFileSync(data, 'corporation,lastmonth_activity\nx,1\n');
  mkdirSync(join(ws.dir, 'out-bad'));
  const out = join(ws.dir, 'out-bad', 'predictions.csv');
  await assert.rejects(predict(ctx, { data, out }), (err: Error) => !err.message.includes('\n') && /bad\.csv/.test(err.message));
  assert.equal(existsSync(out), false);
  assert.deepEqual(existsSync(join(ws.dir, 'out-bad')) ? readdirSync(join(ws.dir, 'out-bad')) : [], []);
});
