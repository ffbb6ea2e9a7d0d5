import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SEED, cli, makeWorkspace } from '../helpers/workspace.ts';

// createLogger loads pino on first need (src/util/log.ts): a command that logs nothing at its
// level does not pay for it, and what is written is pino's own line.

test('a call below the level does not load pino; one at the level writes pino\'s JSON line on stderr', () => {
  const code = `
    import { createRequire } from 'node:module';
    import { createLogger } from ${JSON.stringify(join(ROOT, 'src/util/log.ts'))};
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/pino/'));
    const log = createLogger('info', { pretty: false });
    log.debug({ rows: 1 }, 'not shown');
    process.stdout.write(String(loaded()) + ' ');
    log.info({ rows: 3, gone: undefined }, 'shown');
    process.stdout.write(String(loaded()));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'false true');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\{"level":30,"time":\d+,"pid":\d+,"rows":3,"msg":"shown"\}$/);
});

test('an unknown level is still refused when the logger is made', () => {
  const code = `
    import { createLogger } from ${JSON.stringify(join(ROOT, 'src/util/log.ts'))};
    try { createLogger('loud', { pretty: false }); console.log('made'); } catch (err) { console.log(err.message); }
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.stdout.trim(), 'default level:loud must be included in custom levels');
});

test('the CLI bundle logs through pino: an ingest writes its info line; with no new data, nothing', () => {
  const ws = makeWorkspace();
  const empty = cli(['--config', ws.config, 'ingest', '--json']);
  assert.equal(empty.status, 0, empty.stderr);
  assert.equal(empty.stderr, '');
  copyFileSync(join(SEED, 'sourcedata', 'dataset3.csv'), join(ws.source, 'dataset3.csv'));
  const r = cli(['--config', ws.config, 'ingest', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const line = JSON.parse(r.stderr.trim().split('\n')[0]);
  assert.equal(line.level, 30);
  assert.equal(typeof line.pid, 'number');
  assert.equal(line.msg, 'ingested dataset3.csv');
  assert.equal(line.file, 'dataset3.csv');
});
