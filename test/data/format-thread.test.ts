import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetBuilder } from '../../src/data/dataset.ts';
import { readDataFile } from '../../src/data/read-data-file.ts';
import { markDuplicates, compactRows } from '../../src/data/find-duplicates.ts';
import { writeDataset } from '../../src/data/dataset-files.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { tempDir } from '../helpers/temp.ts';

// A file read in one part for ingest (csvLines) has its rows formatted as finaldata.csv lines on
// a second thread while it is parsed (format-worker.ts), chunk by chunk. The dataset written from
// those lines must equal, byte for byte, the one the writer formats itself from the same rows.

const SCHEMA: TableSchema = { id: 'id', features: ['plan', 'n', 'amount', 'region'], featureTypes: { plan: 'category', n: 'count', amount: 'number', region: 'category' }, target: 'y', requireTarget: true, requireId: true, labels: { positive: 'Yes', negative: 'No' } } as TableSchema;
const dir = tempDir('riskwatch-format-thread-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Row i: categories whose texts keep appearing (new ones late in the file, one needing quotes), numbers of every shape, blanks, rejects, duplicates. */
function row(i: number): string {
  const plan = i % 89 === 0 ? `"plan, ""${i % 7}"""` : `p${i % (3 + Math.floor(i / 500))}`;
  const amount = [`${i}.25`, '0.000001', '-0', '.5', '1e21', '', `${(i * 0.37).toFixed(4)}`, '007'][i % 8];
  switch (i % 101) {
    case 13: return `r${i},${plan},x,1,north,Yes`; // not_a_number
    case 29: return `r${i},${plan},1,2`; // field_count
    case 47: return `"r${i}, Inc. ""q""",${plan},${i % 13},${amount},,No`; // quoted id, blank category
    case 71: return '';
    default: return `r${i % 4000},${plan},${i % 10007},${amount},${['north', 'south', 'ëast'][i % 3]},${i % 2 ? 'Yes' : 'No'}`;
  }
}

async function ingestLike(path: string, lines: boolean, out: string): Promise<string> {
  const b = new DatasetBuilder(SCHEMA.features, 1024, { hashes: true });
  b.useLevels(SCHEMA.features.map((f) => SCHEMA.featureTypes![f] === 'category'));
  const r = await readDataFile(path, SCHEMA, b, { csvLines: lines, formatThreadMinBytes: 0, chunkBytes: 4096 });
  assert.equal(r.csvLines !== undefined, lines, 'lines formatted on the thread exactly when asked');
  const hashes = b.hashes!.subarray(0, b.rows);
  const dup = markDuplicates(b.build(), hashes);
  let w = 0;
  for (let i = 0; i < hashes.length; i++) if (!dup[i]) hashes[w++] = hashes[i];
  b.truncate(compactRows(b, dup));
  const written = await writeDataset(out, b.build(), { id: 'id', target: 'y' }, hashes.subarray(0, w), r.csvLines ? { parts: r.csvLines, dropped: dup } : undefined);
  return written.hash;
}

describe('finaldata.csv lines formatted on a second thread during the read', () => {
  test('finaldata.csv and finaldata.bin equal the ones formatted by the writer, many chunks, dictionaries growing', async () => {
    const lines = ['id,plan,n,amount,region,y'];
    for (let i = 0; i < 20_000; i++) lines.push(row(i));
    const path = join(dir, 'in.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const a = join(dir, 'formatted');
    const b = join(dir, 'copied');
    const ha = await ingestLike(path, false, a);
    const hb = await ingestLike(path, true, b);
    assert.equal(hb, ha);
    for (const f of ['finaldata.csv', 'finaldata.bin']) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs`);
    assert.ok(readFileSync(join(a, 'finaldata.csv'), 'utf8').includes('"plan, ""0"""'), 'a quoted category text is in the file');
  });
});
