import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSegment } from '../../src/data/dataset-bin.ts';
import { compactRows } from '../../src/data/find-duplicates.ts';
import { hashRows } from '../../src/data/find-new-duplicates.ts';
import { IdColumn } from '../../src/data/id-column.ts';
import { datasetOf, segmentBytes } from '../helpers/dataset.ts';

// writeSegment copies the id bytes in runs (rows whose bytes follow each other in the id
// column's buffer); after compaction the buffer has gaps where dropped rows' bytes were.
test('writeSegment: ids after compaction (gaps), empty, multi-byte and long read back exactly', async () => {
  const ids = Array.from({ length: 500 }, (_, i) => (i % 37 === 0 ? 'x'.repeat(100 + i) : i % 11 === 0 ? '' : `id-${i}-${'é'.repeat(i % 5)}`));
  const ds = datasetOf(ids.map((id, i) => ({ id, x: [i, i % 3], y: i % 2 })), ['a', 'b']);
  const mask = new Uint8Array(ds.rows).map((_, i) => (i % 7 === 3 || i % 37 === 1 ? 1 : 0));
  const kept = compactRows(ds, mask);
  const compacted = { ...ds, rows: kept, x: ds.x.map((c) => c.subarray(0, kept)), y: ds.y.subarray(0, kept) };
  ds.ids.truncate(kept);
  const want = ids.filter((_, i) => !mask[i]);
  const seg = decodeSegment(await segmentBytes(compacted, hashRows(compacted), { hash: 'h', prev: null, id: 'id', target: 'y' }));
  assert.ok(seg);
  assert.deepEqual(IdColumn.fromLengths(seg.lens, seg.idBytes).toArray(), want);
  assert.deepEqual(Array.from(seg.x[0]), Array.from(compacted.x[0]));
  assert.deepEqual(Array.from(seg.x[1]), Array.from(compacted.x[1]));
  assert.deepEqual(Array.from(seg.y), Array.from(compacted.y));
});

test('IdColumn.pack: gaps closed in place with rows in order; rows whose bytes are out of order are packed into a new buffer', () => {
  const ids = IdColumn.from(['aa', 'b', '', 'cccc', 'dd']);
  // Drop 'b' (row 1) as compaction does: rows move down, bytes stay.
  ids.move(2, 1);
  ids.move(3, 2);
  ids.move(4, 3);
  ids.truncate(4);
  const before = ids.bytes;
  const packed = ids.pack();
  assert.equal(packed.toString(), 'aaccccdd');
  assert.equal(ids.bytes, before, 'in place');
  assert.deepEqual(ids.toArray(), ['aa', '', 'cccc', 'dd']);

  const rev = IdColumn.from(['one', 'two', 'three']);
  const s = rev.starts.slice(0, 3);
  const l = rev.lens.slice(0, 3);
  [0, 1, 2].forEach((i) => {
    rev.starts[i] = s[2 - i];
    rev.lens[i] = l[2 - i];
  });
  const old = rev.bytes;
  assert.equal(rev.pack().toString(), 'threetwoone');
  assert.notEqual(rev.bytes, old, 'a new buffer');
  assert.deepEqual(rev.toArray(), ['three', 'two', 'one']);
});
