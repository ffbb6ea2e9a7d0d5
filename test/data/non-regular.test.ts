import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/workspace.ts';

// Issue 13 item 7, below the commands: every reader of a data file — the parser (readDataFile),
// the hash of a file (sha256File) and the row estimate (readTable) — opens it through one check,
// so a file swapped for a FIFO after it was listed is refused too, not waited on. Each call runs
// in a child with a time limit: before the fix, sha256File's synchronous open blocked its thread
// for good (no timer fires), and readDataFile's kept the process alive.

const dir = mkdtempSync(join(tmpdir(), 'rw-nonregular-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function inChild(code: string): { status: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' };
}

test('readDataFile, sha256File and readTable refuse a FIFO (and a link to one) at once, naming it', () => {
  const fifo = join(dir, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  symlinkSync(fifo, join(dir, 'link.csv'));
  writeFileSync(join(dir, 'regular.csv'), 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited\na,1,2,3,0\n');
  const r = inChild(`
    const { readDataFile } = await import('./src/data/read-data-file.ts');
    const { sha256File } = await import('./src/data/dataset-files.ts');
    const { readTable } = await import('./src/data/read-table.ts');
    const { DatasetBuilder } = await import('./src/data/dataset.ts');
    const features = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
    const schema = { id: 'corporation', features, featureTypes: {}, target: 'exited', requireTarget: false, requireId: false };
    const out = [];
    const attempt = async (what, f) => { try { await f(); out.push(what + ': read'); } catch (e) { out.push(what + ': ' + e.message); } };
    for (const name of ['pipe.csv', 'link.csv', 'regular.csv']) {
      const p = ${JSON.stringify(dir)} + '/' + name;
      await attempt('readDataFile ' + name, () => readDataFile(p, schema, new DatasetBuilder(features)));
      await attempt('sha256File ' + name, () => sha256File(p));
      await attempt('readTable ' + name, () => readTable(p, 'csv', schema));
    }
    console.log(JSON.stringify(out));
    process.exit(0);
  `);
  assert.equal(r.timedOut, false, 'a read of the FIFO blocked');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as string[];
  for (const name of ['pipe.csv', 'link.csv']) {
    for (const what of ['readDataFile', 'sha256File', 'readTable']) {
      const line = out.find((l) => l.startsWith(`${what} ${name}:`));
      assert.match(line ?? '', /: is not a regular file$/, `${what} ${name}: ${line}`);
    }
  }
  for (const what of ['readDataFile', 'sha256File', 'readTable']) assert.ok(out.includes(`${what} regular.csv: read`), out.join('\n'));
});
