/**
 * A run that finds a new file but no new rows in it (every row already ingested) starts the
 * report renderer's thread, renders nothing, and ends "noop". It must then exit by itself: on
 * Node 20 the renderer's worker port was re-ref'd by its message listener, and such a run stayed
 * alive forever after printing its result (found as a CI hang in the crash suite's third runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/generate.ts';
import { cli } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('a run that starts the report renderer but adds no rows exits by itself after its result', () => {
  const dir = join(tempDir('rw-exits-'), 'ws');
  simulate({ out: dir, clients: 2000, months: 2, seed: 9 });
  const cfg = join(dir, 'config.json');
  const first = cli(['--config', cfg, 'run', '--json']);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).status, 'completed');
  // A new file whose rows are all already ingested: detection sees new data, ingest adds nothing.
  const source = join(dir, 'sourcedata');
  const file = readdirSync(source).filter((f) => f.endsWith('.csv')).sort()[0];
  copyFileSync(join(source, file), join(source, `again-${file}`));
  const next = cli(['--config', cfg, 'run', '--json'], { timeoutMs: 60_000 });
  assert.equal(next.status, 0, `the run exits 0 on its own: ${next.stderr.slice(-500)}`);
  const out = JSON.parse(next.stdout);
  assert.equal(out.status, 'noop');
  assert.match(out.reason, /no new rows/);
});
