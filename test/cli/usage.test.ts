import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, seedWorkspace } from '../helpers/workspace.ts';

// Usage errors and bad flag values: the same answer from every command — one line on stderr,
// exit 2, and with --json exactly one {error:{message, exitCode}} object on stdout.
const ws = seedWorkspace();
after(() => rmSync(ws.dir, { recursive: true, force: true }));

const usage: Array<[string, string[], RegExp]> = [
  ['an unknown command', ['nosuch'], /unknown command 'nosuch'/],
  ['a missing required option', ['predict'], /required option '--data <file>' not specified/],
  ['a bad --dialect', ['export', '--format', 'sql', '--dialect', 'oracle'], /^--dialect: expected postgres or sqlite, got "oracle"$/],
  ['a bad --format', ['export', '--format', 'xml'], /^--format: expected sql, got "xml"$/],
  ['--clients abc', ['simulate', '--out', 'never-written', '--clients', 'abc'], /^--clients: expected a whole number ≥ 10, got "abc"$/],
  ['--clients 0', ['simulate', '--out', 'never-written', '--clients', '0'], /^--clients: expected a whole number ≥ 10, got "0"$/],
  ['--months 0', ['simulate', '--out', 'never-written', '--months', '0'], /^--months: expected a whole number from 1 to 120, got "0"$/],
  ['--cron "bad"', ['schedule', '--cron', 'bad'], /^--cron: schedule "bad": /],
  ['runs --limit 0', ['runs', '--limit', '0'], /^--limit: expected a whole number ≥ 1, got "0"$/],
  ['run --margin -0.5', ['run', '--margin', '-0.5'], /^--margin: expected a number from 0 to 1, got "-0\.5"$/],
  ['run --margin 1.5', ['run', '--margin', '1.5'], /^--margin: expected a number from 0 to 1, got "1\.5"$/],
  ['serve --port 70000', ['serve', '--port', '70000'], /^--port: expected a whole number from 0 to 65535, got "70000"$/],
  ['init without --data', ['init'], /required option '--data <file>' not specified/],
  ['init --test-share 2', ['init', '--data', 'never-read.csv', '--test-share', '2'], /^--test-share: expected a number from 0 to 0\.9, got "2"$/],
  ['--log-level bogus', ['--log-level', 'bogus', 'models'], /^--log-level: expected fatal, error, warn, info, debug, trace or silent, got "bogus"$/],
];

for (const [what, args, message] of usage) {
  test(`${what}: exit 2, one line on stderr, and with --json one error object on stdout`, () => {
    const plain = cli(['--config', ws.config, ...args], { timeoutMs: 30_000 });
    assert.equal(plain.status, 2, plain.stderr);
    assert.equal(plain.stdout, '');
    // One line (commander adds its "run riskwatch --help" hint), no stack trace, no bundled source.
    assert.ok(plain.stderr.trim().split('\n').length <= 2 && plain.stderr.length < 500, plain.stderr.slice(0, 2000));
    assert.ok(!/\n\s+at /.test(plain.stderr), plain.stderr);

    const json = cli(['--config', ws.config, ...args, '--json'], { timeoutMs: 30_000 });
    assert.equal(json.status, 2, json.stderr);
    const lines = json.stdout.trim().split('\n');
    assert.equal(lines.length, 1, `exactly one JSON object on stdout, got ${JSON.stringify(json.stdout)}`);
    const body = JSON.parse(lines[0]) as { error: { message: string; exitCode: number } };
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.exitCode, 2);
    assert.match(body.error.message, message);
  });
}

test('a bad flag value is reported before the config is read: a broken config file does not hide it', () => {
  const broken = join(ws.dir, 'broken-config.json');
  writeFileSync(broken, '{"input_folder_path": ');
  for (const [args, message] of [
    [['schedule', '--cron', 'bad'], /^riskwatch: --cron: schedule "bad": /],
    [['run', '--margin', '-0.5'], /^riskwatch: --margin: expected a number from 0 to 1, got "-0\.5"$/],
  ] as Array<[string[], RegExp]>) {
    const r = cli(['--config', broken, ...args], { timeoutMs: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.trim().split('\n')[0], message);
    assert.ok(!r.stderr.includes('broken-config.json'), `the flag is named, not the config: ${r.stderr}`);
  }
  // The config's own errors still come when the flags are good.
  const ok = cli(['--config', broken, 'run', '--margin', '0.1'], { timeoutMs: 30_000 });
  assert.equal(ok.status, 1);
  assert.match(ok.stderr, /broken-config\.json: not valid JSON/);
});

test('runs --json: timings carry their unit (ms for commands, s for run) and the same figures in seconds', () => {
  assert.equal(cli(['--config', ws.config, 'run']).status, 0);
  assert.equal(cli(['--config', ws.config, 'models']).status, 0);
  const r = cli(['--config', ws.config, 'runs', '--json']);
  assert.equal(r.status, 0, r.stderr);
  type Run = { command: string; timings: Record<string, number>; timingsUnit: string; timingsSeconds: Record<string, number> };
  const runs = (JSON.parse(r.stdout) as { runs: Run[] }).runs;
  const models = runs.find((x) => x.command === 'models')!;
  const run = runs.find((x) => x.command === 'run')!;
  assert.equal(models.timingsUnit, 'ms');
  assert.ok(Math.abs(models.timingsSeconds.models - models.timings.models / 1000) < 1e-12);
  assert.equal(run.timingsUnit, 's');
  assert.deepEqual(run.timingsSeconds, run.timings);
  assert.ok(run.timingsSeconds.total > 0 && run.timingsSeconds.total < 600);
});
