import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as oracleParse } from 'csv-parse/sync';
import { CsvFormatError, CsvParser, parseCsv } from '../../src/data/csv/parser.ts';

type Parsed = { line: number; fields: string[]; malformed: boolean };

/** Feed `bytes` to a fresh parser in the given chunks (split at `cuts`, byte offsets). */
function parseChunked(bytes: Buffer, cuts: number[]): Parsed[] {
  const out: Parsed[] = [];
  const p = new CsvParser((r) => out.push({ line: r.line, fields: r.texts(), malformed: r.malformed }));
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    // Copy each chunk so the parser cannot rely on bytes beyond the chunk it was given.
    p.push(Buffer.from(bytes.subarray(at, c)));
    at = c;
  }
  p.end();
  return out;
}

function everyByte(bytes: Buffer): number[] {
  return Array.from({ length: bytes.length }, (_, i) => i);
}

function formatError(fn: () => unknown): CsvFormatError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CsvFormatError, `expected CsvFormatError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a CsvFormatError');
}

const fields = (input: string | Buffer) => parseCsv(input).map((r) => r.fields);
const lines = (input: string | Buffer) => parseCsv(input).map((r) => r.line);

describe('CsvParser: accepted forms', () => {
  test('LF, CRLF and a BOM give the same records', () => {
    const want = [
      ['a', 'b'],
      ['1', '2'],
    ];
    assert.deepEqual(fields('a,b\n1,2\n'), want);
    assert.deepEqual(fields('a,b\r\n1,2\r\n'), want);
    assert.deepEqual(fields('\uFEFFa,b\r\n1,2\r\n'), want);
    assert.deepEqual(fields(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('a,b\n1,2')])), want);
  });

  test('a BOM is stripped only at the start of the file', () => {
    assert.deepEqual(fields('a\n\uFEFFb\n'), [['a'], ['\uFEFFb']]);
  });

  test('a BOM split over several pushes is still stripped', () => {
    const bytes = Buffer.from('\uFEFFid,x\n1,2\n');
    assert.deepEqual(parseChunked(bytes, [1, 2]).map((r) => r.fields), [
      ['id', 'x'],
      ['1', '2'],
    ]);
    assert.deepEqual(parseChunked(bytes, everyByte(bytes)).map((r) => r.fields), [
      ['id', 'x'],
      ['1', '2'],
    ]);
  });

  test('quoted commas, doubled quotes, empty quoted fields', () => {
    assert.deepEqual(fields('"a,b","say ""hi""","",x\n'), [['a,b', 'say "hi"', '', 'x']]);
    assert.deepEqual(fields('""""\n'), [['"']]);
  });

  test('line breaks inside quotes: fields keep them, `line` is where each record starts', () => {
    const input = 'h1,h2\n"multi\nline",1\n"crlf\r\ninside",2\nplain,3\n"a\n\nb","\n"\nlast,4\n';
    const recs = parseCsv(input);
    assert.deepEqual(
      recs.map((r) => r.fields),
      [
        ['h1', 'h2'],
        ['multi\nline', '1'],
        ['crlf\r\ninside', '2'],
        ['plain', '3'],
        ['a\n\nb', '\n'],
        ['last', '4'],
      ],
    );
    assert.deepEqual(
      recs.map((r) => r.line),
      [1, 2, 4, 6, 7, 11],
    );
  });

  test('blank lines are skipped but still counted for line numbers', () => {
    const recs = parseCsv('a\n\n1\r\n\r\n\n2\n');
    assert.deepEqual(
      recs.map((r) => r.fields),
      [['a'], ['1'], ['2']],
    );
    assert.deepEqual(
      recs.map((r) => r.line),
      [1, 3, 6],
    );
  });

  test('a quoted empty field is a record, not a blank line', () => {
    assert.deepEqual(fields('a\n""\nb\n'), [['a'], [''], ['b']]);
  });

  test('last line without a line break', () => {
    assert.deepEqual(fields('a,b\n1,2'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(fields('a,b\n"1","2"'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(fields('a,b\r\n1,2\r'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  test('a trailing comma is an empty last field, with or without a final line break', () => {
    assert.deepEqual(fields('a,b,\n'), [['a', 'b', '']]);
    assert.deepEqual(fields('a,b,'), [['a', 'b', '']]);
    assert.deepEqual(fields('a,b,\r\n'), [['a', 'b', '']]);
    assert.deepEqual(fields(','), [['', '']]);
  });

  test('spaces are data (not trimmed) and a lone CR inside an unquoted field is kept', () => {
    assert.deepEqual(fields(' a , b \n'), [[' a ', ' b ']]);
    assert.deepEqual(fields('a\rb,c\n'), [['a\rb', 'c']]);
  });

  test('empty input and BOM-only input give no records', () => {
    assert.deepEqual(parseCsv(''), []);
    assert.deepEqual(parseCsv('\uFEFF'), []);
    assert.deepEqual(parseCsv('\n\r\n\n'), []);
  });

  test('records with many fields (more than the initial 64 slots)', () => {
    const row = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `"q,${i}"` : String(i)));
    const want = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `q,${i}` : String(i)));
    assert.deepEqual(fields(`${row.join(',')}\n${row.join(',')}`), [want, want]);
  });
});

describe('CsvParser: broken quoting', () => {
  test('text after a closing quote marks the record malformed and the next record is unaffected', () => {
    const recs = parseCsv('a,b\n"x"y,2\n3,4\n');
    assert.equal(recs.length, 3);
    assert.equal(recs[0].malformed, false);
    assert.equal(recs[1].malformed, true);
    assert.equal(recs[1].line, 2);
    assert.equal(recs[1].fields.length, 2);
    assert.equal(recs[1].fields[1], '2');
    assert.deepEqual(recs[2], { line: 3, fields: ['3', '4'], malformed: false });
  });

  test('unterminated quote: CsvFormatError naming the line where the quote opened', () => {
    const e = formatError(() => parseCsv('a,b\n1,2\n3,"never\nclosed\nat all\n'));
    assert.equal(e.line, 3);
    assert.match(e.message, /unterminated quoted field/);
    // Opening quote in the second field of a record that began on an earlier line.
    const e2 = formatError(() => parseCsv('a,b\n"ok\nfine",\n"open\n'));
    assert.equal(e2.line, 4);
    // Same answer when fed byte by byte.
    const bytes = Buffer.from('a,b\n1,2\n3,"never\nclosed\nat all\n');
    assert.equal(formatError(() => parseChunked(bytes, everyByte(bytes))).line, 3);
  });
});

describe('CsvParser: not CSV text', () => {
  const magics: Array<[string, number[]]> = [
    ['gzip', [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]],
    ['zip', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]],
  ];
  for (const [name, magic] of magics) {
    test(`${name} magic bytes → CsvFormatError naming ${name}`, () => {
      const bytes = Buffer.from([...magic, ...Buffer.from('id,x\n1,2\n')]);
      const e = formatError(() => parseCsv(bytes));
      assert.match(e.message, new RegExp(`${name}-compressed`));
      assert.equal(e.line, 1);
      // Also when the magic arrives one byte at a time.
      assert.match(formatError(() => parseChunked(bytes, everyByte(bytes))).message, new RegExp(`${name}-compressed`));
    });
  }

  test('real gzip output is recognised', async () => {
    const { gzipSync } = await import('node:zlib');
    const e = formatError(() => parseCsv(gzipSync(Buffer.from('id,x\n1,2\n'))));
    assert.match(e.message, /gzip/);
  });

  test('NUL bytes → binary error on the right line', () => {
    const e = formatError(() => parseCsv(Buffer.from('a,b\n1,2\n3,\0\n')));
    assert.match(e.message, /binary/);
    assert.equal(e.line, 3);
  });

  test('latin-1 bytes → "not UTF-8" on the right line, whole or in small chunks', () => {
    const good = Array.from({ length: 100 }, (_, i) => `row${i},"multi\nline ${i}"`).join('\n');
    // 1 header line + 100 records of 2 lines each: the bad record starts on line 202.
    const bytes = Buffer.concat([Buffer.from(`id,name\n${good}\n`), Buffer.from('x,caf\xe9\n', 'latin1'), Buffer.from('y,ok\n')]);
    const e = formatError(() => parseCsv(bytes));
    assert.match(e.message, /not UTF-8/);
    assert.equal(e.line, 202);
    for (const size of [1, 3, 7, 64, 1000]) {
      const cuts: number[] = [];
      for (let c = size; c < bytes.length; c += size) cuts.push(c);
      const ce = formatError(() => parseChunked(bytes, cuts));
      assert.match(ce.message, /not UTF-8/, `chunk size ${size}`);
      assert.equal(ce.line, 202, `chunk size ${size}`);
    }
  });

  test('invalid UTF-8 on a last line without a line break', () => {
    const e = formatError(() => parseCsv(Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0xc3])])));
    assert.match(e.message, /not UTF-8/);
    assert.equal(e.line, 3);
  });

  test('valid multi-byte UTF-8 split across pushes is not an error', () => {
    const bytes = Buffer.from('id,name\n1,Zürich 東京 🎉\n');
    assert.deepEqual(parseChunked(bytes, everyByte(bytes)).map((r) => r.fields), [
      ['id', 'name'],
      ['1', 'Zürich 東京 🎉'],
    ]);
  });

  test('a record that keeps growing past maxRecordBytes across pushes is an error, not unbounded memory', () => {
    const p = new CsvParser(() => {}, { maxRecordBytes: 50 });
    p.push(Buffer.from('a\nok\n"'));
    const e = formatError(() => {
      for (let i = 0; i < 20; i++) p.push(Buffer.from('xxxxxxxxxx'));
    });
    assert.match(e.message, /longer than 50 bytes/);
    assert.equal(e.line, 3);
  });
});

describe('CsvParser: chunks and its working buffer', () => {
  /** Feed `bytes` in chunks through ONE caller buffer that is overwritten after every push. */
  function parseReusingChunk(bytes: Buffer, size: number): Parsed[] {
    const out: Parsed[] = [];
    const p = new CsvParser((r) => out.push({ line: r.line, fields: r.texts(), malformed: r.malformed }));
    const chunk = Buffer.alloc(size);
    for (let at = 0; at < bytes.length; at += size) {
      const n = bytes.copy(chunk, 0, at, at + size);
      p.push(chunk.subarray(0, n));
      chunk.fill(0x22); // quotes everywhere: any byte the parser kept a reference to would now lie
    }
    p.end();
    return out;
  }

  test('the caller may reuse its chunk buffer at once (the parser copies what it keeps)', () => {
    const bytes = Buffer.from('id,"name, quoted",n\n1,"multi\nline ""q""",3\n2,plain,4\n"3\r\n",x,5\r\nlast,"é€😀",6');
    const want = parseCsv(bytes);
    for (let size = 1; size <= bytes.length; size++) assert.deepEqual(parseReusingChunk(bytes, size), want, `chunk size ${size}`);
  });

  test('a record split at every byte position parses the same (two chunks)', () => {
    const bytes = Buffer.from('h1,h2,h3\n"a,""b""\nc",2,x\r\nplain,"",\n"é\n€",4,"5"\nend,6,7');
    const want = parseCsv(bytes);
    for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(parseChunked(bytes, [cut]), want, `cut at ${cut}`);
    for (let a = 0; a <= bytes.length; a += 3) for (let b = a; b <= bytes.length; b += 5) assert.deepEqual(parseChunked(bytes, [a, b]), want, `cuts at ${a}, ${b}`);
  });

  test('stale bytes left in the working buffer are never read as data', () => {
    // The first push leaves quotes in the working buffer beyond the carried-over "x"; the quote
    // opened in the second push is never closed, which must stay an error at the end.
    const p = new CsvParser(() => {});
    p.push(Buffer.from('h\n"' + 'a'.repeat(40) + '",1\nx'));
    p.push(Buffer.from(',"abc'));
    const e = formatError(() => p.end());
    assert.match(e.message, /unterminated quoted field/);
    assert.equal(e.line, 3);
  });

  test('a long record over many small pushes: carried over whole, checked once, right line numbers', () => {
    const long = 'y'.repeat(5000);
    const bytes = Buffer.from(`id,v\n1,"${long}\n${long}"\n2,ok\n`);
    const recs = parseChunked(bytes, Array.from({ length: Math.floor(bytes.length / 7) }, (_, i) => (i + 1) * 7));
    assert.deepEqual(
      recs.map((r) => [r.line, r.fields[0], r.fields[1].length]),
      [
        [1, 'id', 1],
        [2, '1', 10001],
        [4, '2', 2],
      ],
    );
  });

  test('invalid UTF-8 inside a carried-over record names the line it is on', () => {
    const bytes = Buffer.concat([Buffer.from('id,v\n1,"multi\nline\n'), Buffer.from([0xff]), Buffer.from('"\n2,x\n')]);
    for (let size = 1; size <= bytes.length; size++) {
      const cuts: number[] = [];
      for (let c = size; c < bytes.length; c += size) cuts.push(c);
      const e = formatError(() => parseChunked(bytes, cuts));
      assert.match(e.message, /not UTF-8/, `chunk size ${size}`);
      assert.equal(e.line, 4, `chunk size ${size}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property: any RFC 4180 table, serialised any valid way and fed in any chunking, parses to the
// table itself and to what csv-parse (the oracle) reads.

const special = fc.constantFrom(',', '"', '\n', '\r\n', '\r', ' ', '""', 'é', '€', '😀', '\u2028');
const piece = fc.oneof(special, fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: 'grapheme-ascii', maxLength: 6 }));
// NUL makes a file binary and a leading U+FEFF is a BOM: neither is CSV field content.
const field = fc.array(piece, { maxLength: 5 }).map((a) => a.join('').replaceAll('\0', '').replaceAll('\uFEFF', ''));
const table = fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 12, size: 'max' }));

const serialisation = fc.record({
  eol: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  trailingEol: fc.boolean(),
});

type Serialised = { bytes: Buffer; expected: Array<{ line: number; fields: string[] }> };

function serialise(rows: string[][], s: { eol: string; bom: boolean; quoteAll: boolean; trailingEol: boolean }): Serialised {
  const quote = (f: string) => (s.quoteAll || /[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
  const texts = rows.map((r) => r.map(quote).join(','));
  const expected: Serialised['expected'] = [];
  let line = 1;
  texts.forEach((t, i) => {
    // A row of one empty unquoted field is a blank line: skipped by both parsers.
    if (t !== '') expected.push({ line, fields: rows[i] });
    line += (t.match(/\n/g)?.length ?? 0) + 1;
  });
  let text = texts.join(s.eol);
  if (s.trailingEol && rows.length) text += s.eol;
  const body = Buffer.from(text, 'utf8');
  return { bytes: s.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body, expected };
}

const oracle = (bytes: Buffer) => oracleParse(bytes, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];

function checkAgainstOracle(ser: Serialised, cuts: number[]): void {
  const got = parseChunked(ser.bytes, cuts);
  assert.deepEqual(
    got.map((r) => r.fields),
    ser.expected.map((r) => r.fields),
    'parser vs generated table',
  );
  assert.deepEqual(
    got.map((r) => r.fields),
    oracle(ser.bytes),
    'parser vs csv-parse',
  );
  assert.deepEqual(
    got.map((r) => r.line),
    ser.expected.map((r) => r.line),
    'record line numbers',
  );
  assert.ok(got.every((r) => !r.malformed));
}

describe('CsvParser: properties against csv-parse', () => {
  test('random tables, random serialisation, split at random byte offsets', () => {
    fc.assert(
      fc.property(table, serialisation, fc.array(fc.nat(), { maxLength: 12, size: 'max' }), (rows, s, rawCuts) => {
        const ser = serialise(rows, s);
        const n = ser.bytes.length;
        const cuts = [...new Set(rawCuts.map((c) => (n ? c % (n + 1) : 0)))].sort((a, b) => a - b);
        checkAgainstOracle(ser, cuts);
      }),
      { numRuns: 1000 },
    );
  });

  test('random tables fed one byte at a time (every split inside UTF-8 sequences and CRLF)', () => {
    fc.assert(
      fc.property(table, serialisation, (rows, s) => {
        const ser = serialise(rows, s);
        checkAgainstOracle(ser, everyByte(ser.bytes));
      }),
      { numRuns: 500 },
    );
  });

  test('whole input in one push equals every chunking of it', () => {
    fc.assert(
      fc.property(table, serialisation, fc.integer({ min: 1, max: 16 }), (rows, s, size) => {
        const ser = serialise(rows, s);
        const cuts: number[] = [];
        for (let c = size; c < ser.bytes.length; c += size) cuts.push(c);
        assert.deepEqual(parseChunked(ser.bytes, cuts), parseCsv(ser.bytes));
      }),
      { numRuns: 500 },
    );
  });
});
