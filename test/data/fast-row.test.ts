import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { TableSchema } from '../../src/data/columns.ts';
import { rng } from '../helpers/random.ts';
import { sinkRead } from '../helpers/sink-read.ts';
import { DEFAULT_LABELS, type Labels } from '../../src/data/csv/labels.ts';

// The CSV fast path (src/data/fast-row.ts) takes the usual rows in one pass and leaves every
// other row to the general parser and validator. It must never change an outcome: on generated
// files full of the cases near its edges, the sink with the fast path and the sink without it
// (the general path only, itself held to csv-parse in csv-parser.test.ts and ingest.test.ts)
// must build the same rows, ids, hashes, counts and rejects, for any chunking of the bytes.

const FEATURES = ['a', 'b', 'c'];
const schemaOf = (over: Partial<TableSchema> = {}): TableSchema => ({ id: 'id', features: FEATURES, featureTypes: { a: 'count', b: 'count', c: 'count' }, target: 'y', requireTarget: true, requireId: true, ...over });

/** A count cell: mostly plain digits, then every near miss the fast path must leave alone. */
function countCell(r: () => number): string {
  const k = r();
  if (k < 0.55) return String(Math.floor(r() * 1000));
  if (k < 0.62) return '';
  if (k < 0.66) return '0' + String(Math.floor(r() * 100)); // leading zero: same value, not canonical
  if (k < 0.69) return String(Math.floor(r() * 1e15)).padStart(15, '9'); // 15 digits: still fast
  if (k < 0.71) return '1234567890123456'; // 16 digits: general path (exact below 2^53)
  if (k < 0.72) return '99999999999999999'; // too large
  if (k < 0.74) return ` ${Math.floor(r() * 50)} `;
  if (k < 0.76) return '1.5';
  if (k < 0.78) return '-4';
  if (k < 0.79) return '+4';
  if (k < 0.8) return 'NaN';
  if (k < 0.82) return `"${Math.floor(r() * 50)}"`;
  if (k < 0.83) return 'x';
  if (k < 0.84) return '4294967296'; // beyond int32: hashed from its float bits
  return String(Math.floor(r() * 10));
}

function idCell(r: () => number, i: number): string {
  const k = r();
  if (k < 0.7) return `c${Math.floor(r() * 400)}`; // repeats: duplicate rows
  if (k < 0.74) return '';
  if (k < 0.78) return ` c${i} `;
  if (k < 0.82) return `"c${i}, ""Inc"""`;
  if (k < 0.85) return `"multi\nline ${i}"`;
  if (k < 0.87) return `"c${i}"x`; // text after a closing quote
  if (k < 0.9) return `é${i}ü`; // multi-byte UTF-8
  if (k < 0.92) return `c${i}\r`; // a lone CR inside a field
  return `c${i}`;
}

function labelCell(r: () => number, labels = DEFAULT_LABELS): string {
  const { positive: pos, negative: neg } = labels;
  const k = r();
  if (k < 0.8) return r() < 0.5 ? neg : pos;
  if (k < 0.84) return '';
  if (k < 0.88) return ` ${pos}`;
  if (k < 0.9) return `${neg}\u00a0`;
  if (k < 0.92) return '2';
  if (k < 0.94) return `"${neg}"`;
  if (k < 0.95) return pos.toLowerCase() === pos ? pos.toUpperCase() : pos.toLowerCase();
  if (k < 0.96) return pos.slice(0, -1);
  if (k < 0.97) return r() < 0.5 ? '1' : 'Yes';
  return `0${neg}`;
}

function noteCell(r: () => number): string {
  const k = r();
  return k < 0.1 ? '"a, b"' : k < 0.2 ? '"two\nlines"' : k < 0.25 ? '"q"' : 'n';
}

/** A whole file: a header in some column order (maybe with an extra column), rows, odd lines. */
function makeFile(seed: number, labels = DEFAULT_LABELS): { text: string; columns: string[] } {
  const r = rng(seed);
  const columns = ['id', ...FEATURES, 'y'];
  if (r() < 0.4) columns.push('note');
  if (r() < 0.5) columns.sort(() => r() - 0.5);
  const crlf = r() < 0.3;
  const lines = [columns.join(',')];
  const n = 50 + Math.floor(r() * 300);
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.02) {
      lines.push('');
      continue;
    }
    const cells = columns.map((c) => (c === 'id' ? idCell(r, i) : c === 'y' ? labelCell(r, labels) : c === 'note' ? noteCell(r) : countCell(r)));
    if (k < 0.05) cells.pop(); // too few fields
    else if (k < 0.07) cells.push('7'); // too many
    let line = cells.join(',');
    if (crlf || r() < 0.05) line += '\r';
    lines.push(line);
  }
  const text = lines.join('\n') + (r() < 0.8 ? '\n' : '');
  return { text, columns };
}

describe('the CSV fast path changes no outcome', () => {
  test('generated files, whole and cut at random byte offsets: same rows, ids, hashes, counts and rejects as the general path', () => {
    let fastRowsSeen = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { text } = makeFile(seed);
      const bytes = Buffer.from(text, 'utf8');
      const r = rng(seed * 7919);
      const cuts = Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * bytes.length)).sort((a, b) => a - b);
      for (const schema of [schemaOf(), schemaOf({ requireTarget: false })]) {
        const general = sinkRead(bytes, schema, false, cuts);
        const fast = sinkRead(bytes, schema, true, cuts);
        const whole = sinkRead(bytes, schema, true, []);
        const where = `seed ${seed}`;
        assert.deepEqual(fast.rows, general.rows, where);
        assert.deepEqual(fast.counts, general.counts, where);
        assert.deepEqual(fast.rejects, general.rejects, where);
        assert.equal(fast.nextLine, general.nextLine, where);
        assert.deepEqual(fast.hashes, general.expectHashes, `${where}: builder hashes are hashRow's`);
        assert.deepEqual(general.hashes, general.expectHashes, where);
        assert.deepEqual(whole.rows, general.rows, where);
        assert.deepEqual(whole.hashes, general.expectHashes, where);
        // The finaldata.csv lines the fast path writes as it reads (the rest formatted from the columns).
        assert.deepEqual(fast.lines, general.formatted, `${where}: lines`);
        assert.deepEqual(whole.lines, general.formatted, `${where}: lines`);
        fastRowsSeen += fast.rows.length;
      }
    }
    assert.ok(fastRowsSeen > 10_000, `rows compared: ${fastRowsSeen}`);
  });

  // Labels as the files write them (target_positive / target_negative): one byte each (the
  // fast path's byte compare), words, non-ASCII words; near misses (case, spaces, quotes, a
  // prefix) left to the general path, which trims and decides.
  const LABELS: Labels[] = [
    { positive: 'Y', negative: 'N' },
    { positive: 'Yes', negative: 'No' },
    { positive: 'Churned', negative: 'Active' },
    { positive: 'résilié', negative: 'actif' },
    { positive: '1', negative: 'stayed' },
  ];
  for (const labels of LABELS) {
    test(`labels ${labels.positive} / ${labels.negative}: same rows, hashes, counts and rejects on both paths`, () => {
      let fastRowsSeen = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const { text } = makeFile(seed, labels);
        const bytes = Buffer.from(text, 'utf8');
        const r = rng(seed * 104729);
        const cuts = Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * bytes.length)).sort((a, b) => a - b);
        for (const schema of [schemaOf({ labels }), schemaOf({ labels, requireTarget: false })]) {
          const general = sinkRead(bytes, schema, false, cuts);
          const fast = sinkRead(bytes, schema, true, cuts);
          const where = `seed ${seed}`;
          assert.deepEqual(fast.rows, general.rows, where);
          assert.deepEqual(fast.counts, general.counts, where);
          assert.deepEqual(fast.rejects, general.rejects, where);
          assert.deepEqual(fast.hashes, general.expectHashes, where);
          fastRowsSeen += fast.rows.length;
        }
      }
      assert.ok(fastRowsSeen > 1000, `rows compared: ${fastRowsSeen}`);
    });
  }

  test('every cut of one small file (each byte offset, incl. inside CRLF and UTF-8): the same rows', () => {
    const text = 'y,id,a,b,c\r\n1,c1,5,,7\r\n0,é2,05,6,\r\n1,"q,3",1,2,3\r\n0,c4,1,2,3.5\r\n1,c5,4294967296,0,0\r\n0,c6,1,2,3';
    const bytes = Buffer.from(text, 'utf8');
    const general = sinkRead(bytes, schemaOf(), false, []);
    assert.equal(general.rows.length, 5);
    for (let cut = 1; cut < bytes.length; cut++) {
      const fast = sinkRead(bytes, schemaOf(), true, [cut]);
      assert.deepEqual(fast.rows, general.rows, `cut at ${cut}`);
      assert.deepEqual(fast.counts, general.counts, `cut at ${cut}`);
      assert.deepEqual(fast.hashes, general.expectHashes, `cut at ${cut}`);
    }
  });

  test('a schema with a non-count feature or a file without an id column never takes the fast path, and reads the same', () => {
    const text = 'id,a,b,c,y\nc1,1,2,3,1\nc2,1.5,2,3,0\n';
    const numeric = schemaOf({ featureTypes: { a: 'number', b: 'count', c: 'count' } });
    assert.deepEqual(sinkRead(Buffer.from(text), numeric, true, []).rows, [
      ['c1', 1, 2, 3, 1],
      ['c2', 1.5, 2, 3, 0],
    ]);
    const noId = 'a,b,c\n1,2,3\n4,5,6\n';
    const rows = sinkRead(Buffer.from(noId), schemaOf({ requireId: false, requireTarget: false }), true, []).rows;
    assert.deepEqual(rows, [
      ['line-2', 1, 2, 3, 255],
      ['line-3', 4, 5, 6, 255],
    ]);
  });
});
