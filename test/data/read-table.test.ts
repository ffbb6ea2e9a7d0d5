import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTable } from '../../src/data/read-table.ts';
import type { TableSchema } from '../../src/data/columns.ts';
import { tempDir } from '../helpers/temp.ts';

// readTable reserves rows from the first 64 KiB of the first file; whether that guess is low
// (long lines first) or high (short lines first), every row must come through exactly once.
const schema: TableSchema = {
  id: 'corporation',
  features: ['a', 'b'],
  featureTypes: { a: 'count', b: 'count' },
  target: 'exited',
  requireTarget: false,
  requireId: false,
} as TableSchema;

function rows(prefix: string, n: number, pad: number): { text: string; ids: string[]; a: number[] } {
  const ids: string[] = [];
  const a: number[] = [];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}${i}${'x'.repeat(pad)}`;
    ids.push(id);
    a.push(i);
    lines.push(`${id},${i},${i % 7}`);
  }
  return { text: lines.join('\n') + '\n', ids, a };
}

for (const [name, first, second] of [
  ['long lines first (estimate low: the columns grow)', rows('long-', 2_000, 200), rows('s', 60_000, 0)],
  ['short lines first (estimate high: capped, trimmed to the rows read)', rows('s', 60_000, 0), rows('long-', 2_000, 200)],
] as const) {
  test(`readTable over a folder, ${name}`, async () => {
    const dir = tempDir('riskwatch-readtable-');
    writeFileSync(join(dir, '1.csv'), `corporation,a,b\n${first.text}`);
    writeFileSync(join(dir, '2.csv'), `corporation,a,b\n${second.text}`);
    const t = await readTable(dir, 'csv', schema);
    const ds = t.dataset;
    const ids = [...first.ids, ...second.ids];
    const a = [...first.a, ...second.a];
    assert.equal(ds.rows, ids.length);
    assert.equal(ds.x[0].length, ids.length);
    assert.equal(ds.ids.length, ids.length);
    assert.deepEqual(ds.ids.toArray(), ids);
    assert.deepEqual(Array.from(ds.x[0]), a);
    assert.deepEqual(Array.from(ds.x[1]), a.map((v) => v % 7));
  });
}
