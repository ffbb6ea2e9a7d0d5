import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every temp folder a test file makes is removed when its process exits — after its last test,
// whether the tests passed or failed — so no test has to remember a `finally` for it.
// (scripts/run-tests.mjs checks that the run's temp folder is empty afterwards.)
const made = new Set<string>();
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/** A fresh folder in the temp folder, removed when this process exits. */
export function tempDir(prefix = 'riskwatch-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}
