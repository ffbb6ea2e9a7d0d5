import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/workspace.ts';

// bin/riskwatch, the package's `bin`: a shell launcher that starts node on the bundled CLI with
// glibc's malloc asked for transparent huge pages. Run here as npm installs it (through a symlink
// in another folder), with a preload script (NODE_OPTIONS --require) that records what the node
// process it started sees. (npm run build first when running this file alone.)

const BIN = join(ROOT, 'bin', 'riskwatch');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

function launch(args: string[], env: Record<string, string | undefined>) {
  const dir = mkdtempSync(join(tmpdir(), 'rw-launcher-'));
  try {
    // Two links, the second relative: node_modules/.bin/riskwatch → ../riskwatch/bin/riskwatch,
    // itself a link when the package is installed from a folder (npm install ../riskwatch).
    mkdirSync(join(dir, 'pkg'));
    symlinkSync(BIN, join(dir, 'pkg', 'riskwatch'));
    mkdirSync(join(dir, '.bin'));
    const link = join(dir, '.bin', 'riskwatch');
    symlinkSync('../pkg/riskwatch', link);
    const seen = join(dir, 'seen.json');
    const preload = join(dir, 'preload.cjs');
    writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ tunables: process.env.GLIBC_TUNABLES ?? null, ppid: process.ppid, argv: process.argv.slice(1) }));\n`);
    const base: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: `--require ${preload}`, NO_COLOR: '1' };
    delete base.GLIBC_TUNABLES;
    const r = spawnSync(link, args, { cwd: dir, encoding: 'utf8', env: { ...base, ...env } as NodeJS.ProcessEnv, timeout: 60_000 });
    const record = JSON.parse(readFileSync(seen, 'utf8')) as { tunables: string | null; ppid: number; argv: string[] };
    return { ...r, record };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('package.json names bin/riskwatch as the command, and it is executable: by its path, and by its name from its folder', () => {
  assert.equal(pkg.bin.riskwatch, 'bin/riskwatch');
  const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), pkg.version);
  const bare = spawnSync('sh', ['riskwatch', '--version'], { cwd: join(ROOT, 'bin'), encoding: 'utf8' });
  assert.equal(bare.status, 0, bare.stderr);
  assert.equal(bare.stdout.trim(), pkg.version);
});

test('through two symlinks: node runs the bundled CLI with the arguments as given, in place of the shell, huge pages asked for', () => {
  const r = launch(['--version'], {});
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), pkg.version);
  assert.equal(r.record.tunables, 'glibc.malloc.hugetlb=1');
  assert.equal(r.record.argv[0], join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), 'the symlink is resolved to the package folder');
  assert.deepEqual(r.record.argv.slice(1), ['--version']);
  // exec: node's parent is this test process, not a shell left waiting.
  assert.equal(r.record.ppid, process.pid);
});

test("a caller's own glibc.malloc.hugetlb setting wins: set to 0, huge pages stay off", () => {
  for (const tunables of ['glibc.malloc.hugetlb=0', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0']) {
    const r = launch(['--version'], { GLIBC_TUNABLES: tunables });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.record.tunables, tunables);
  }
});

test("the caller's glibc tunables are kept; arguments with spaces and an exit status pass through unchanged", () => {
  const r = launch(['--config', 'a folder/no such config.json', 'ingest', '--json'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
  assert.equal(r.record.tunables, 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  assert.deepEqual(r.record.argv.slice(1), ['--config', 'a folder/no such config.json', 'ingest', '--json']);
  const direct = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', 'a folder/no such config.json', 'ingest', '--json'], { encoding: 'utf8', cwd: tmpdir() });
  assert.notEqual(direct.status, 0);
  assert.equal(r.status, direct.status, 'the same exit status as node on the bundle');
  assert.match(r.stderr, /no such config\.json/);
});
