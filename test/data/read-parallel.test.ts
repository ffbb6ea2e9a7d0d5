import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DatasetBuilder, type Dataset } from '../../src/data/dataset.ts';
import { hashRows } from '../../src/data/find-new-duplicates.ts';
import { readDataFile, useTwoParts, FileRejectedError, type FileReadResult } from '../../src/data/read-data-file.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { tempDir } from '../helpers/temp.ts';

// readDataFile parses a large file in two parts on two threads; these cases force that on small
// files (parallelMinBytes: 0) and compare everything with the one-pass read of the same file.

const SCHEMA: TableSchema = { id: 'id', features: ['a', 'b'], featureTypes: { a: 'count', b: 'count' }, target: 'y', requireTarget: true, requireId: true };
const dir = tempDir('riskwatch-parallel-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Row i of the generated files: mostly valid, with every kind of reject and quoted ids mixed in. */
function row(i: number): string {
  switch (i % 97) {
    case 5: return `r${i},1,2`; // field_count
    case 17: return `r${i},x,2,1`; // not_a_number
    case 29: return `r${i},1.5,2,0`; // decimal
    case 41: return `r${i},-3,2,0`; // negative
    case 53: return `r${i},1,2,7`; // invalid_label
    case 61: return `,1,2,0`; // missing_id
    case 67: return `"r${i}"x,1,2,0`; // malformed_quotes
    case 71: return `"r${i}, Inc. ""quoted""",${i % 13},,1`; // quoted id, escaped quotes, missing b
    case 79: return '';
    case 83: return `r${i},${i % 7},${i % 11},0\r`; // CRLF
    default: return `r${i % 5000},${i % 7},${i % 11},${i % 2}`; // repeats: duplicates for dedup
  }
}

/** A file of `n` rows with `middle` (raw CSV text of whole records) inserted after row `at`. */
function writeCsv(name: string, n: number, middle = '', at = -1): string {
  const lines = ['id,a,b,y'];
  for (let i = 0; i < n; i++) {
    lines.push(row(i));
    if (i === at) lines.push(middle);
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

interface Read {
  rows: Array<[string, number, number, number]>;
  result: FileReadResult;
  warnings: Array<{ obj: Record<string, unknown>; msg: string }>;
  debug: string[];
  ds: Dataset;
  hashes: Uint32Array;
}

async function read(path: string, parallel: boolean, maxLoggedRejects = 1000, chunkBytes?: number): Promise<Read> {
  const warnings: Read['warnings'] = [];
  const debug: string[] = [];
  const log = {
    warn: (obj: Record<string, unknown>, msg: string) => warnings.push({ obj, msg }),
    debug: (_obj: unknown, msg: string) => debug.push(msg),
    info: () => {},
    error: () => {},
  } as unknown as Logger;
  const b = new DatasetBuilder(SCHEMA.features, 1024, { hashes: true });
  const result = await readDataFile(path, SCHEMA, b, { log, maxLoggedRejects, parallelMinBytes: parallel ? 0 : Infinity, chunkBytes });
  const ds = b.build();
  const hashes = b.hashes!.slice(0, b.rows);
  const rows = Array.from({ length: ds.rows }, (_, i): [string, number, number, number] => [ds.ids.get(i), ds.x[0][i], ds.x[1][i], ds.y[i]]);
  return { rows, result, warnings, debug, ds, hashes };
}

/** Everything, the row hashes the builder kept included, must be identical, and the hashes hashRow's. */
function assertSame(serial: Read, parallel: Read): void {
  assert.deepEqual(parallel.rows, serial.rows);
  assert.deepEqual(parallel.result, serial.result);
  assert.deepEqual(JSON.stringify(parallel.result.rejectedByReason), JSON.stringify(serial.result.rejectedByReason), 'reasons in the same order');
  assert.deepEqual(parallel.warnings, serial.warnings);
  assert.deepEqual(serial.hashes, hashRows(serial.ds));
  assert.deepEqual(parallel.hashes, serial.hashes);
}

describe('readDataFile in two parts', () => {
  test('rows, counts, sha256 and every reject log line (with its line number) equal a one-pass read', async () => {
    const path = writeCsv('plain.csv', 20_000);
    const serial = await read(path, false);
    const parallel = await read(path, true);
    assert.ok(parallel.debug.some((m) => /in two parts/.test(m)), `split used: ${parallel.debug.join('; ')}`);
    assert.ok(serial.result.rowsRejected > 1000 && serial.warnings.length === 1000, 'rejects logged in both parts');
    const lines = serial.warnings.map((w) => w.obj.line as number);
    assert.ok(lines[lines.length - 1] > 11_000, `logged rejects reach the second part (last: line ${lines[lines.length - 1]})`);
    assertSame(serial, parallel);
  });

  test('the maxLoggedRejects cap: the first rejects of the file, whichever part they are in', async () => {
    const path = writeCsv('plain.csv', 20_000);
    // 3: all from the first part; 1200: the first part's ~825 and then the second part's first.
    for (const cap of [0, 3, 1200, 5000]) {
      const serial = await read(path, false, cap);
      const parallel = await read(path, true, cap);
      assert.equal(serial.warnings.length, Math.min(cap, serial.result.rowsRejected));
      assertSame(serial, parallel);
    }
  });

  test('a quoted multi-line field before the split: the second part\'s line numbers count its lines', async () => {
    const multi = `"multi\nline\n\nid",3,4,1`;
    const path = writeCsv('multi-before.csv', 20_000, multi, 100);
    const serial = await read(path, false);
    const parallel = await read(path, true);
    assert.ok(parallel.debug.some((m) => /in two parts/.test(m)));
    assert.ok(serial.rows.some((r) => r[0] === 'multi\nline\n\nid'));
    assertSame(serial, parallel);
  });

  test('a quoted multi-line field across the split point: read in one pass, same result', async () => {
    // Lines of the quoted field cover the middle of the file, so the first line break after the
    // middle is inside the quotes: a part starting there would parse nonsense.
    const field = Array.from({ length: 4000 }, (_, k) => `line ${k}`).join('\n');
    const n = 6000;
    const path = writeCsv('multi-across.csv', n, `"${field}",1,2,0`, n / 2 - 200);
    const serial = await read(path, false);
    const parallel = await read(path, true);
    assert.ok(parallel.debug.some((m) => /one part: split inside a quoted field/.test(m)), `fallback: ${parallel.debug.join('; ')}`);
    assertSame(serial, parallel);
    // And with chunks smaller than a part (several reads on each side of the split).
    assertSame(serial, await read(path, true, 1000, 4096));
  });

  test('small chunks on both threads: still identical', async () => {
    const path = writeCsv('plain.csv', 20_000);
    const serial = await read(path, false);
    const parallel = await read(path, true, 1000, 1000);
    assert.ok(parallel.debug.some((m) => /in two parts/.test(m)));
    assertSame(serial, parallel);
  });

  test('a file unusable in its second part (invalid UTF-8) is rejected with the one-pass line number, nothing kept', async () => {
    const lines = ['id,a,b,y'];
    for (let i = 0; i < 10_000; i++) lines.push(row(i));
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const at = bytes.indexOf('\n', Math.floor(bytes.length * 0.8)) + 1;
    const bad = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0x2c, 0x0a]), bytes.subarray(at)]);
    const path = join(dir, 'bad-utf8.csv');
    writeFileSync(path, bad);
    const errors: string[] = [];
    for (const parallel of [false, true]) {
      const b = new DatasetBuilder(SCHEMA.features);
      await assert.rejects(readDataFile(path, SCHEMA, b, { parallelMinBytes: parallel ? 0 : Infinity }), (err: unknown) => {
        assert.ok(err instanceof FileRejectedError);
        errors.push(err.message);
        return true;
      });
      assert.equal(b.rows, 0, 'nothing kept');
    }
    assert.match(errors[0], /not UTF-8/);
    assert.equal(errors[1], errors[0]);
  });

  test('a file without an id column (rows named by line) is read in one pass', async () => {
    const schema: TableSchema = { ...SCHEMA, requireId: false, requireTarget: false };
    const lines = ['a,b'];
    for (let i = 0; i < 5000; i++) lines.push(`${i % 7},${i % 3}`);
    const path = join(dir, 'no-id.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const debug: string[] = [];
    const log = { warn: () => {}, debug: (_o: unknown, m: string) => debug.push(m) } as unknown as Logger;
    const b = new DatasetBuilder(schema.features);
    await readDataFile(path, schema, b, { log, parallelMinBytes: 0 });
    assert.ok(debug.some((m) => /one part: no id column/.test(m)));
    assert.equal(b.ids.get(4999), 'line-5001');
  });

  test('off by default; when asked, files of at least the given size', () => {
    assert.equal(useTwoParts(26 << 20, undefined), false);
    assert.equal(useTwoParts(100, 0), true);
    assert.equal(useTwoParts(26 << 20, 8 << 20), true);
    assert.equal(useTwoParts(4 << 20, 8 << 20), false);
  });
});
