#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's built-in runner (via tsx). Node 20's `node --test dir/`
// does not expand folders or globs and can silently run nothing, so the files are listed here and
// an empty list is an error. Builds first: CLI tests run the real bin in dist/.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { provision } from './test-services.mjs';

const root = new URL('..', import.meta.url).pathname;
// --long: the reliability suite's long part (*.long.test.ts: kills, concurrent runs, load) is
// included; without it those files are left out, so `npm test` stays fast.
const argv = process.argv.slice(2);
const long = argv.includes('--long');
const args = argv.filter((a) => a !== '--long');
const dirs = args.length ? args : ['test'];
const skip = new Set(process.env.RISKWATCH_TEST_SKIP?.split(',').filter(Boolean) ?? []);

function walk(p, out) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) if (!skip.has(name)) walk(join(p, name), out);
  } else if (p.endsWith('.test.ts') && (long || !p.endsWith('.long.test.ts'))) out.push(p);
  return out;
}
const files = dirs.flatMap((d) => walk(join(root, d), []));
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}
// Chromium and PostgreSQL, for the files that use them: installed or started here when missing,
// else one line naming what to install (never a skipped test).
const texts = files.map((f) => readFileSync(f, 'utf8'));
try {
  // A browser test drives playwright-core, directly or through test/helpers/chromium.ts.
  await provision({ chromium: texts.some((t) => t.includes('playwright') || t.includes('helpers/chromium')), postgres: texts.some((t) => /postgres/i.test(t)) });
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// Tests run through tsx, which strips types without checking them: check them here.
const types = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
if (types.status !== 0) process.exit(types.status ?? 1);
// The long part measures (kills by timing, load): one file at a time, so they do not load each other.
// A hung test fails after 10 minutes instead of holding CI until its overall limit.
// The tests (and every process they start) get a temp folder of their own: whatever is left in it
// afterwards is a test that did not clean up — named here, failing the run — and is removed either
// way, so the system temp folder does not fill up. tsx keeps its compile cache there (tsx-<uid>).
const tmp = mkdtempSync(join(tmpdir(), 'riskwatch-tests-'));
// Open to every user, sticky, as the system temp folder is: a test that runs the CLI as another
// user (test/reliability/unreadable-file.test.ts runs it as nobody) must reach its own folder here.
chmodSync(tmp, 0o1777);
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${long ? 1 : 2}`, '--test-timeout=600000', ...files], { cwd: root, stdio: 'inherit', env: { ...process.env, TMPDIR: tmp } });
const left = readdirSync(tmp).filter((name) => !/^tsx-\d+$/.test(name));
rmSync(tmp, { recursive: true, force: true });
if (left.length) {
  console.error(`the tests left ${left.length} entries in their temp folder (removed now): ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}`);
  process.exit(res.status || 1);
}
process.exit(res.status ?? 1);
