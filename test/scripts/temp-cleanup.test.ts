import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/workspace.ts';

/**
 * Issue 13 item 19: one `npm test` left ~100 folders (~800 MB) in the system temp folder. A test's
 * temp folders (test/helpers/temp.ts) are gone when its file's process ends — also when the test
 * failed or threw before any cleanup of its own.
 */
test('tempDir folders are removed when the test file exits, also after a failing test', () => {
  const sandbox = mkdtempSync(join(tmpdir(), 'rw-tempcheck-'));
  try {
    const file = join(sandbox, 'leaky.test.ts');
    writeFileSync(
      file,
      `import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from ${JSON.stringify(join(ROOT, 'test', 'helpers', 'temp.ts'))};
import { makeWorkspace } from ${JSON.stringify(join(ROOT, 'test', 'helpers', 'workspace.ts'))};
test('makes folders, then fails', () => {
  writeFileSync(join(tempDir('rw-a-'), 'x.bin'), Buffer.alloc(1000));
  makeWorkspace();
  throw new Error('failed on purpose');
});
`,
    );
    const tmp = join(sandbox, 'tmp');
    mkdirSync(tmp);
    // NODE_TEST_CONTEXT unset: else the inner runner reports to this one instead of exiting 1.
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined, TMPDIR: tmp } });
    assert.equal(r.status, 1, 'the inner test fails');
    assert.match(r.stdout, /failed on purpose/);
    assert.deepEqual(readdirSync(tmp).filter((n) => !/^tsx-\d+$/.test(n)), []);
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
});
