#!/usr/bin/env node
// `npm run test:reliability`: the whole reliability suite (fast and long parts) with figures and
// captures switched on, then RELIABILITY.md's figures block rewritten from what the tests
// measured, then every captured log line and response searched for the test secrets. The test
// runner's own summary stays the last thing printed (CI reads its counts line); this script only
// prints on a problem, to stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rw-reliability-'));
const figuresDir = join(work, 'figures');
const captureDir = join(work, 'capture');
// The secrets the suite sets, fixed here so every test process (and its children) shares them.
const rand = () => Math.random().toString(36).slice(2) + Date.now().toString(36);
const env = {
  ...process.env,
  RISKWATCH_FIGURES_DIR: figuresDir,
  RISKWATCH_CAPTURE_DIR: captureDir,
  RISKWATCH_TEST_SECRET_TOKEN: `rwtok-${rand()}`,
  RISKWATCH_TEST_SECRET_PASSWORD: `rwpw-${rand()}`,
};
const res = spawnSync(process.execPath, ['scripts/run-tests.mjs', '--long', 'test/reliability'], { cwd: root, stdio: 'inherit', env });
let status = res.status ?? 1;

// Secrets: grep everything captured.
let leaks = [];
try {
  for (const f of readdirSync(captureDir)) {
    const text = readFileSync(join(captureDir, f), 'utf8');
    for (const s of [env.RISKWATCH_TEST_SECRET_TOKEN, env.RISKWATCH_TEST_SECRET_PASSWORD]) if (text.includes(s)) leaks.push(f);
  }
} catch {
  leaks = ['no captures were written'];
}
if (leaks.length) {
  process.stderr.write(`secrets found in captured output: ${[...new Set(leaks)].join(', ')}\n`);
  status = status || 1;
}

// Figures into RELIABILITY.md (only from a passing run: a failed run's numbers are not promises).
const figures = {};
try {
  for (const f of readdirSync(figuresDir)) figures[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(figuresDir, f), 'utf8'));
} catch {
  // none written
}
const captured = (() => {
  try {
    return readdirSync(captureDir).reduce((n, f) => n + readFileSync(join(captureDir, f), 'utf8').split('\n').length, 0);
  } catch {
    return 0;
  }
})();
figures.secrets = { capturedLines: captured, leaks: leaks.length };
if (status === 0) {
  const doc = join(root, 'RELIABILITY.md');
  const text = readFileSync(doc, 'utf8');
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    process.stderr.write('RELIABILITY.md has no figures block\n');
    status = 1;
  } else {
    const { renderFigures } = await import('./figures.mjs');
    writeFileSync(doc, text.slice(0, a + start.length) + '\n' + renderFigures(figures) + text.slice(b));
    writeFileSync(join(root, 'test', 'reliability', 'figures.json'), JSON.stringify(figures, null, 2) + '\n');
  }
}
rmSync(work, { recursive: true, force: true });
process.exit(status);
