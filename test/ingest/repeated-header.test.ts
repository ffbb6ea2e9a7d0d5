import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { capturingLogger } from '../reliability/helpers.ts';
import { HEADER, makeWorkspace } from '../helpers/workspace.ts';

/** Ingest one file whose header repeats `x` n times; the time, the file's result and the warnings. */
async function ingestRepeated(n: number) {
  const ws = makeWorkspace();
  try {
    writeFileSync(join(ws.source, 'wide.csv'), `${HEADER}${',x'.repeat(n)}\nacme,1,2,3,0${','.repeat(n)}\n`);
    const { log, lines } = capturingLogger('warn');
    const config = loadConfig(ws.config);
    const ctx = makeContext(config, await openStore(config), log);
    try {
      const t = performance.now();
      const r = await ingest(ctx);
      return { ms: performance.now() - t, file: r.files.find((f) => f.name === 'wide.csv'), warnings: lines };
    } finally {
      await ctx.store.close();
    }
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

test('ingest: a header repeating one extra name 100,000 times is read in linear time, the name warned once with its count', async () => {
  // Was 65 s for such a file (a position list copied per repeat in the header mapping).
  const small = await ingestRepeated(10_000);
  const big = await ingestRepeated(100_000);
  assert.ok(big.ms < Math.max(20 * small.ms, 3_000), `100,000 repeats took ${big.ms.toFixed(0)} ms, 10,000 took ${small.ms.toFixed(0)} ms`);
  assert.equal(big.file?.status, 'ingested');
  assert.equal(big.file?.rowsAdded, 1);
  assert.equal(big.file?.reason, 'ignored extra columns: x');
  const warn = big.warnings.find((l) => l.file === 'wide.csv');
  assert.ok(warn, 'a warning about the extra columns');
  assert.equal(warn.msg, 'ignoring extra columns in wide.csv: x (100000 columns)');
  assert.deepEqual(warn.columns, ['x']);
  assert.equal(warn.extraColumns, 100_000);
});
