import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { ingest, type IngestResult } from '../../src/ingest/ingest.ts';
// The CLI cases run the built bin in dist/ (npm test builds it first).
import { cli, context, makeWorkspace, seedWorkspace, HEADER } from '../helpers/workspace.ts';

type Ws = ReturnType<typeof makeWorkspace>;

const HEAD = HEADER.split(',');
const finalCsv = (ws: Ws) => join(ws.dir, 'ingesteddata', 'finaldata.csv');
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
const put = (ws: Ws, name: string, content: string | Buffer) => writeFileSync(join(ws.source, name), content);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** finaldata.csv as cells, read back with an independent parser; the header is checked. */
function datasetRows(ws: Ws): string[][] {
  const cells = parse(readFileSync(finalCsv(ws)), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  assert.deepEqual(cells[0], HEAD, 'finaldata.csv header');
  return cells.slice(1);
}

const cells = (...lines: string[]) => lines.map((l) => l.split(','));

async function run(ws: Ws): Promise<IngestResult> {
  const ctx = await context(ws.config);
  try {
    return await ingest(ctx);
  } finally {
    await ctx.store.close();
  }
}

function file(r: IngestResult, name: string) {
  const f = r.files.find((x) => x.name === name);
  assert.ok(f, `${name} in result (have ${r.files.map((x) => x.name).join(', ')})`);
  return f;
}

/** The CLI's one JSON object and its JSON-lines log. */
function cliIngest(ws: Ws): { status: number; out: any; logs: any[]; stderr: string } {
  const r = cli(['--config', ws.config, 'ingest', '--json']);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON object on stdout, got: ${r.stdout}`);
  const logs = r.stderr
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        assert.fail(`stderr line is not JSON: ${l}`);
      }
    });
  return { status: r.status, out: JSON.parse(lines[0]), logs, stderr: r.stderr };
}

const BASE = ['base1,1,2,3,0', 'base2,4,5,6,1', 'base3,0,0,0,1'];

/** A workspace whose dataset already holds BASE (ingested from a_base.csv). */
async function withBase(config: Record<string, unknown> = {}): Promise<Ws> {
  const ws = makeWorkspace(config);
  put(ws, 'a_base.csv', csv(...BASE));
  const r = await run(ws);
  assert.equal(file(r, 'a_base.csv').status, 'ingested');
  assert.deepEqual(datasetRows(ws), cells(...BASE));
  return ws;
}

describe('row-level rejects', () => {
  test('each bad row is rejected, counted under its reason and logged with file and line; good rows kept (CLI)', async () => {
    const ws = await withBase();
    const lines: Array<[string, string | null]> = [
      ['ok1,1,2,3,0', null], // line 2
      ['t,abc,2,3,0', 'not_a_number'],
      ['d,1.5,2,3,0', 'decimal'],
      ['n,1,-3,3,0', 'negative'],
      ['nan,NaN,2,3,0', 'not_finite'],
      ['inf,1,2,Infinity,0', 'not_finite'],
      ['short,1,2,3', 'field_count'],
      ['long,1,2,3,0,9', 'field_count'],
      ['lab,1,2,3,2', 'invalid_label'],
      ['elab,1,2,3,', 'missing_label'],
      [',1,2,3,0', 'missing_id'],
      ['q,"1"x,2,3,0', 'malformed_quotes'],
      ['big,1,99999999999999999999,3,1', 'too_large'],
      ['ok2,4,5,6,1', null],
    ];
    put(ws, 'b_rows.csv', csv(...lines.map(([l]) => l)));
    const { status, out, logs } = cliIngest(ws);
    assert.equal(status, 0);
    const f = out.files.find((x: any) => x.name === 'b_rows.csv');
    const bad = lines.filter(([, r]) => r);
    assert.equal(f.status, 'ingested');
    assert.equal(f.rowsRead, lines.length);
    assert.equal(f.rowsRejected, bad.length);
    assert.equal(f.rowsAccepted, 2);
    assert.equal(f.duplicates, 0);
    const byReason: Record<string, number> = {};
    for (const [, r] of bad) byReason[r!] = (byReason[r!] ?? 0) + 1;
    assert.deepEqual(f.rejectedByReason, byReason);
    assert.equal(out.rowsRejected, bad.length);
    assert.equal(out.rowsTotal, BASE.length + 2);

    // One warning per rejected row naming file, line and reason.
    const rejects = logs.filter((l) => l.file === 'b_rows.csv' && l.reason);
    const want = lines.map(([, r], i) => [i + 2, r] as const).filter(([, r]) => r);
    assert.deepEqual(
      rejects.map((l) => [l.line, l.reason]),
      want,
    );
    const textCell = rejects.find((l) => l.line === 3);
    assert.equal(textCell.column, 'lastmonth_activity');
    assert.equal(textCell.value, 'abc');
    assert.ok(rejects.every((l) => l.level === 40), 'warn level');

    assert.deepEqual(datasetRows(ws), cells(...BASE, 'ok1,1,2,3,0', 'ok2,4,5,6,1'));
  });

  test('rejected rows beyond the log limit are still counted', async () => {
    const ws = await withBase();
    const bad = Array.from({ length: 60 }, (_, i) => `x${i},1,2,3,7`);
    put(ws, 'b.csv', csv(...bad, 'fine,9,9,9,1'));
    const { out, logs } = cliIngest(ws);
    const f = out.files.find((x: any) => x.name === 'b.csv');
    assert.equal(f.rowsRejected, 60);
    assert.deepEqual(f.rejectedByReason, { invalid_label: 60 });
    const logged = logs.filter((l) => l.file === 'b.csv' && l.reason === 'invalid_label').length;
    assert.ok(logged > 0 && logged < 60, `logged ${logged} of 60`);
    assert.deepEqual(datasetRows(ws), cells(...BASE, 'fine,9,9,9,1'));
  });

  test('an empty feature cell is kept as missing and counted per feature', async () => {
    const ws = await withBase();
    put(ws, 'b.csv', csv('m1,,2,3,0', 'm2,1,,,1', 'm3, ,5,6,0', 'm4,7,8,9,1'));
    const r = await run(ws);
    const f = file(r, 'b.csv');
    assert.equal(f.status, 'ingested');
    assert.equal(f.rowsAccepted, 4);
    assert.equal(f.rowsRejected, 0);
    assert.deepEqual(f.missing, { lastmonth_activity: 2, lastyear_activity: 1, number_of_employees: 1 });
    assert.deepEqual(datasetRows(ws), cells(...BASE, 'm1,,2,3,0', 'm2,1,,,1', 'm3,,5,6,0', 'm4,7,8,9,1'));
  });
});

describe('accepted file forms', () => {
  test('columns in any order and extra columns (ignored, with a warning) (CLI)', async () => {
    const ws = await withBase();
    put(ws, 'b.csv', 'region,exited,number_of_employees,corporation,notes,lastyear_activity,lastmonth_activity\nnorth,1,30,acme,"x, y",20,10\nsouth,0,3,beta,,2,1\n');
    const { status, out, logs } = cliIngest(ws);
    assert.equal(status, 0);
    const f = out.files.find((x: any) => x.name === 'b.csv');
    assert.equal(f.status, 'ingested');
    assert.equal(f.rowsAccepted, 2);
    assert.match(f.reason, /ignored extra columns: region, notes/);
    const warn = logs.find((l) => l.file === 'b.csv' && Array.isArray(l.columns));
    assert.ok(warn, 'a warning about the extra columns');
    assert.deepEqual(warn.columns, ['region', 'notes']);
    assert.equal(warn.level, 40);
    assert.deepEqual(datasetRows(ws), cells(...BASE, 'acme,10,20,30,1', 'beta,1,2,3,0'));
  });

  test('BOM, CRLF, quoted ids with commas, quotes and line breaks, spaces around numbers, no final line break', async () => {
    const ws = await withBase();
    const body = [HEADER, '"Smith, ""Jr"" & Co\r\nLtd",1,2,3,1', '"plain",4,5,6,0', 'spaced, 7 ,\t8, 009 ,1', '"=cmd|\' /C calc\'!A0",1,1,1,0'].join('\r\n');
    put(ws, 'b.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
    const r = await run(ws);
    const f = file(r, 'b.csv');
    assert.equal(f.status, 'ingested');
    assert.equal(f.rowsRead, 4);
    assert.equal(f.rowsAccepted, 4);
    assert.deepEqual(datasetRows(ws), [
      ...cells(...BASE),
      ['Smith, "Jr" & Co\r\nLtd', '1', '2', '3', '1'],
      ['plain', '4', '5', '6', '0'],
      ['spaced', '7', '8', '9', '1'],
      ["=cmd|' /C calc'!A0", '1', '1', '1', '0'],
    ]);
  });

  test('a header-only file is ingested with 0 rows and changes nothing', async () => {
    const ws = await withBase();
    const before = readFileSync(finalCsv(ws));
    put(ws, 'b.csv', HEADER + '\n');
    const r = await run(ws);
    const f = file(r, 'b.csv');
    assert.equal(f.status, 'ingested');
    assert.equal(f.rowsRead, 0);
    assert.equal(f.rowsAccepted, 0);
    assert.equal(r.newData, false);
    assert.equal(r.rowsTotal, BASE.length);
    assert.deepEqual(readFileSync(finalCsv(ws)), before);
  });
});

describe('file-level rejects: status "rejected", other files still ingest, earlier data kept', () => {
  const GOOD = ['z1,1,1,1,0', 'z2,2,2,2,1'];
  const latin1Big = () =>
    Buffer.concat([
      // Past the reader's 1 MiB chunk, so rows are parsed and added before the bad bytes are met.
      Buffer.from([HEADER, ...Array.from({ length: 80_000 }, (_, i) => (i === 5 ? GOOD[0] : `l${i},${i},1,2,0`))].join('\n') + '\n'),
      Buffer.from('caf\xe9,1,2,3,0\n', 'latin1'),
    ]);
  const cases: Array<{ name: string; content: () => string | Buffer | 'dir'; reason: RegExp; recorded?: boolean; config?: Record<string, unknown> }> = [
    { name: 'required column missing', content: () => 'corporation,lastmonth_activity,lastyear_activity,exited\na,1,2,0\n', reason: /required column "number_of_employees" is missing/ },
    { name: 'duplicated column', content: () => 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited,lastyear_activity\na,1,2,3,0,2\n', reason: /column "lastyear_activity" appears 2 times/ },
    { name: 'empty file (0 bytes)', content: () => '', reason: /file is empty/ },
    { name: 'only blank lines', content: () => '\n\r\n\n', reason: /no header row/ },
    { name: 'binary with NUL bytes (an SQLite file)', content: () => Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(84, 0), Buffer.from('\n\x01\x02')]), reason: /binary data \(NUL bytes\).*\(line 1\)/ },
    { name: 'gzip-compressed bytes named .csv', content: () => gzipSync(Buffer.from(csv(...GOOD))), reason: /gzip-compressed/ },
    // input_encoding "utf-8" (strict); "auto", the default, reads it as Windows-1252 (test/data/encodings.test.ts).
    { name: 'latin-1 bytes (after a MiB of good rows), input_encoding "utf-8"', content: latin1Big, reason: /not UTF-8.*\(line 80002\)/, config: { input_encoding: 'utf-8' } },
    { name: 'unterminated quote (after good rows)', content: () => csv(...GOOD, 'ok,1,1,1,0', '"never closed,1,1,1,0', 'x,1,1,1,0'), reason: /unterminated quoted field.*\(line 5\)/ },
    { name: 'a directory named x.csv', content: () => 'dir', reason: /is a directory/, recorded: false },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const ws = await withBase(c.config);
      const content = c.content();
      if (content === 'dir') mkdirSync(join(ws.source, 'm_bad.csv'));
      else put(ws, 'm_bad.csv', content);
      // Sorted after the bad file and repeating rows it held: they must be added, not duplicates.
      put(ws, 'z_good.csv', csv(...GOOD));
      const r = await run(ws);
      const bad = file(r, 'm_bad.csv');
      assert.equal(bad.status, 'rejected');
      assert.match(bad.reason ?? '', c.reason);
      assert.equal(bad.rowsAccepted, 0);
      assert.equal(bad.rowsAdded, 0);
      const good = file(r, 'z_good.csv');
      assert.equal(good.status, 'ingested');
      assert.equal(good.rowsAdded, 2);
      assert.equal(good.duplicates, 0);
      assert.equal(r.rowsTotal, BASE.length + 2);
      assert.equal(r.newData, true);
      assert.deepEqual(datasetRows(ws), cells(...BASE, ...GOOD));

      // Unchanged → skipped next time, still with the reason; nothing changes.
      const again = await run(ws);
      if (c.recorded === false) assert.equal(file(again, 'm_bad.csv').status, 'rejected');
      else {
        assert.equal(file(again, 'm_bad.csv').status, 'skipped');
        assert.match(file(again, 'm_bad.csv').reason ?? '', /unchanged since it was rejected/);
      }
      assert.equal(again.newData, false);
      assert.deepEqual(datasetRows(ws), cells(...BASE, ...GOOD));
    });
  }

  test('a rejected file that is fixed (same name) is read again', async () => {
    const ws = await withBase();
    put(ws, 'b.csv', 'corporation,exited\nfix,1\n');
    assert.equal(file(await run(ws), 'b.csv').status, 'rejected');
    put(ws, 'b.csv', csv('fix,1,2,3,1'));
    const r = await run(ws);
    assert.equal(file(r, 'b.csv').status, 'ingested');
    assert.deepEqual(datasetRows(ws), cells(...BASE, 'fix,1,2,3,1'));
  });

  test('via the CLI: exit code 0, the rejection is in --json and in the log', async () => {
    const ws = await withBase();
    put(ws, 'b.csv', gzipSync(Buffer.from(csv('g,1,2,3,0'))));
    const { status, out, logs } = cliIngest(ws);
    assert.equal(status, 0);
    const f = out.files.find((x: any) => x.name === 'b.csv');
    assert.equal(f.status, 'rejected');
    assert.match(f.reason, /gzip/);
    assert.ok(logs.some((l) => l.file === 'b.csv' && /gzip/.test(l.reason ?? '') && l.level === 40));
    assert.deepEqual(datasetRows(ws), cells(...BASE));
  });
});

describe('duplicates', () => {
  test('dropped within and across files, first occurrence kept in order; empty cells take part in equality', async () => {
    const ws = makeWorkspace();
    put(ws, 'a.csv', csv('p,1,,3,0', 'p,1,0,3,0', 'q,5,5,5,1', 'q,5,5,5,1', 'r,,,,0'));
    put(ws, 'b.csv', csv('s,9,9,9,0', 'p,1,,3,0', 'p,1,0,3,0', 'p,1,,3,1', 'r,,,,0', 'r,0,,,0', 'q,5,5,5,1', 'Q,5,5,5,1', 'p,01,,3,0'));
    const r = await run(ws);
    const a = file(r, 'a.csv');
    const b = file(r, 'b.csv');
    assert.deepEqual([a.rowsRead, a.rowsAccepted, a.duplicates, a.rowsAdded], [5, 5, 1, 4]);
    // p,1,,3,0 / p,1,0,3,0 / r,,,,0 / q,5,5,5,1 / p,01,,3,0 (01 is 1) repeat earlier rows.
    assert.deepEqual([b.rowsRead, b.rowsAccepted, b.duplicates, b.rowsAdded], [9, 9, 5, 4]);
    assert.equal(r.duplicatesDropped, 6);
    assert.equal(r.rowsTotal, 8);
    assert.deepEqual(datasetRows(ws), cells('p,1,,3,0', 'p,1,0,3,0', 'q,5,5,5,1', 'r,,,,0', 's,9,9,9,0', 'p,1,,3,1', 'r,0,,,0', 'Q,5,5,5,1'));
  });

  test('files are read in name order whatever order they were created in: the first by name keeps the row', async () => {
    const ws = makeWorkspace();
    const names = Array.from({ length: 12 }, (_, i) => `f${String.fromCharCode(108 - i)}.csv`); // fl.csv … fa.csv
    for (const n of names) put(ws, n, csv('same,1,1,1,1', `${n},2,2,2,0`));
    const r = await run(ws);
    const sorted = [...names].sort();
    assert.deepEqual(
      r.files.map((f) => f.name),
      sorted,
    );
    assert.deepEqual(
      r.files.map((f) => f.duplicates),
      sorted.map((_, i) => (i === 0 ? 0 : 1)),
    );
    assert.deepEqual(datasetRows(ws), cells('same,1,1,1,1', ...sorted.map((n) => `${n},2,2,2,0`)));
  });

  test('new files repeating rows of the dataset on disk are duplicates (across ingest runs)', async () => {
    const ws = await withBase();
    put(ws, 'b.csv', csv(BASE[1], 'new,1,1,1,1', BASE[0]));
    const r = await run(ws);
    const b = file(r, 'b.csv');
    assert.equal(b.duplicates, 2);
    assert.equal(b.rowsAdded, 1);
    assert.deepEqual(datasetRows(ws), cells(...BASE, 'new,1,1,1,1'));
  });
});

describe('re-runs', () => {
  test('no change → every file skipped, newData false, dataset hash and bytes unchanged', async () => {
    const ws = await withBase();
    put(ws, 'b.csv', csv('b1,1,1,1,1'));
    const first = await run(ws);
    const bytes = readFileSync(finalCsv(ws));
    const r = await run(ws);
    assert.deepEqual(
      r.files.map((f) => [f.name, f.status]),
      [
        ['a_base.csv', 'skipped'],
        ['b.csv', 'skipped'],
      ],
    );
    assert.ok(r.files.every((f) => f.reason === 'unchanged since last ingest'));
    assert.equal(r.newData, false);
    assert.equal(r.datasetHash, first.datasetHash);
    assert.equal(r.datasetHash, sha256(bytes));
    assert.equal(r.rowsTotal, BASE.length + 1);
    assert.deepEqual(readFileSync(finalCsv(ws)), bytes);
  });

  test('a file whose content changed (same name) is read again; rows it had before stay', async () => {
    const ws = await withBase();
    put(ws, 'a_base.csv', csv(BASE[0], 'added,7,7,7,0', BASE[2]));
    const r = await run(ws);
    const f = file(r, 'a_base.csv');
    assert.equal(f.status, 'ingested');
    assert.equal(f.rowsRead, 3);
    assert.equal(f.duplicates, 2);
    assert.equal(f.rowsAdded, 1);
    assert.equal(r.newData, true);
    // base2 is no longer in the file, but ingested data is never lost.
    assert.deepEqual(datasetRows(ws), cells(...BASE, 'added,7,7,7,0'));
  });

  test('a new file is read; the unchanged one is skipped', async () => {
    const ws = await withBase();
    const before = (await run(ws)).datasetHash;
    put(ws, 'c.csv', csv('c1,3,3,3,1'));
    const r = await run(ws);
    assert.equal(file(r, 'a_base.csv').status, 'skipped');
    assert.equal(file(r, 'c.csv').status, 'ingested');
    assert.equal(r.newData, true);
    assert.notEqual(r.datasetHash, before);
    assert.equal(r.datasetHash, sha256(readFileSync(finalCsv(ws))));
    assert.deepEqual(datasetRows(ws), cells(...BASE, 'c1,3,3,3,1'));
  });
});

describe('the seed sample data', () => {
  test('ingests to the row count pandas drop_duplicates gives', async () => {
    const ws = seedWorkspace();
    const names = readdirSync(ws.source).filter((n) => n.endsWith('.csv')).sort();
    assert.ok(names.length >= 2);
    // pandas: read every file, concat, drop_duplicates on the parsed values.
    const keys = new Set<string>();
    let dataRows = 0;
    for (const n of names) {
      const text = readFileSync(join(ws.source, n), 'utf8');
      assert.ok(!text.includes('"'), 'seed files need no CSV quoting, so a split is a faithful parse');
      const [head, ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
      const cols = head.split(',');
      for (const l of lines) {
        const v = l.split(',');
        const row = HEAD.map((h) => v[cols.indexOf(h)]);
        keys.add(JSON.stringify([row[0], ...row.slice(1).map(Number)]));
        dataRows++;
      }
    }
    const r = await run(ws);
    assert.equal(r.rowsTotal, keys.size);
    assert.equal(r.rowsTotal + r.duplicatesDropped, dataRows);
    assert.equal(r.rowsRejected, 0);
    assert.equal(datasetRows(ws).length, keys.size);
  });
});

describe('CLI contract', () => {
  test('ingest --json shape and exit code 0', async () => {
    const ws = makeWorkspace();
    put(ws, 'a.csv', csv('a,1,2,3,0', 'a,1,2,3,0', 'b,x,2,3,1'));
    put(ws, 'b.csv', 'nonsense\n1\n');
    const { status, out } = cliIngest(ws);
    assert.equal(status, 0);
    for (const k of ['files', 'rowsTotal', 'duplicatesDropped', 'rowsRejected', 'newData']) assert.ok(k in out, k);
    assert.equal(typeof out.rowsTotal, 'number');
    assert.equal(typeof out.newData, 'boolean');
    assert.deepEqual(
      out.files.map((f: any) => f.name),
      ['a.csv', 'b.csv'],
    );
    for (const f of out.files) {
      for (const k of ['name', 'status', 'rowsRead', 'rowsAccepted', 'rowsRejected', 'duplicates']) assert.ok(k in f, `${f.name}.${k}`);
    }
    const [a, b] = out.files;
    assert.deepEqual(
      { status: a.status, rowsRead: a.rowsRead, rowsAccepted: a.rowsAccepted, rowsRejected: a.rowsRejected, duplicates: a.duplicates },
      { status: 'ingested', rowsRead: 3, rowsAccepted: 2, rowsRejected: 1, duplicates: 1 },
    );
    assert.equal(b.status, 'rejected');
    assert.equal(typeof b.reason, 'string');
    assert.deepEqual([out.rowsTotal, out.duplicatesDropped, out.rowsRejected, out.newData], [1, 1, 1, true]);
  });

  test('a config error → exit 1, one line on stderr, no stack trace', () => {
    const ws = makeWorkspace();
    const bad = join(ws.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), input_folder_path: 'no-such-folder' }));
    for (const config of [bad, join(ws.dir, 'missing.json')]) {
      const r = cli(['--config', config, 'ingest', '--json']);
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^riskwatch: /);
      assert.doesNotMatch(r.stderr, /\n\s+at |Error:/);
    }
    assert.ok(!existsSync(join(ws.dir, 'ingesteddata', 'finaldata.csv')));
  });
});

describe('store', () => {
  test('each file read is recorded by name, size and sha256 (rejected ones too)', async () => {
    const ws = makeWorkspace();
    const a = Buffer.from(csv('a,1,2,3,0'));
    const b = Buffer.from('corporation\nx\n');
    put(ws, 'a.csv', a);
    put(ws, 'b.csv', b);
    const ctx = await context(ws.config);
    try {
      await ingest(ctx);
      const recs = await ctx.store.latestFileRecords();
      assert.deepEqual(
        recs.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256, status: f.status })),
        [
          { name: 'a.csv', size: a.length, sha256: sha256(a), status: 'ingested' },
          { name: 'b.csv', size: b.length, sha256: sha256(b), status: 'rejected' },
        ],
      );
      assert.equal(recs[0].rowsRead, 1);
      assert.match(recs[1].reason ?? '', /required column/);
      // A changed file gets a new record with the new size and hash.
      const a2 = Buffer.from(csv('a,1,2,3,0', 'a2,4,5,6,1'));
      put(ws, 'a.csv', a2);
      await ingest(ctx);
      const a2rec = (await ctx.store.latestFileRecords()).find((f) => f.name === 'a.csv');
      assert.deepEqual([a2rec?.size, a2rec?.sha256, a2rec?.rowsRead, a2rec?.duplicates], [a2.length, sha256(a2), 2, 1]);
    } finally {
      await ctx.store.close();
    }
    // The seed's compatibility list names the ingested files only.
    assert.deepEqual(JSON.parse(readFileSync(join(ws.dir, 'ingesteddata', 'ingestedfiles.json'), 'utf8')), ['a.csv']);
  });
});

describe('a large file', () => {
  test('200,000 rows over many read chunks: planted duplicates and rejects counted exactly', async () => {
    const ws = await withBase();
    const N = 200_000;
    const UNIQUE = 185_000;
    const lines: string[] = [];
    const added: string[][] = [];
    const seen = new Set<number>();
    let rejects = 0;
    let dups = 0;
    for (let i = 0; i < N; i++) {
      if (i % 20_011 === 17) {
        lines.push(`bad${i},1,oops,3,0`);
        rejects++;
        continue;
      }
      // Rows from UNIQUE on repeat earlier ones (planted duplicates).
      const k = i % UNIQUE;
      const row = [k % 997 === 0 ? `client, ${k}` : `client-${k}`, String(k % 1000), String((k * 7) % 5000), k % 3 === 0 ? '' : String(k % 300), String(k % 2)];
      lines.push([k % 997 === 0 ? `"${row[0]}"` : row[0], ...row.slice(1)].join(','));
      if (seen.has(k)) dups++;
      else {
        seen.add(k);
        added.push(row);
      }
    }
    lines.push(BASE[1]); // a repeat of the dataset on disk
    dups++;
    put(ws, 'big.csv', [HEADER, ...lines].join('\n') + '\n');
    // Planted: N - rejects - UNIQUE repeats within the file (a rejected first occurrence makes the later one count as new).
    assert.ok(dups > 10_000);
    const r = await run(ws);
    const f = file(r, 'big.csv');
    assert.equal(f.status, 'ingested');
    assert.equal(f.rowsRead, N + 1);
    assert.equal(f.rowsRejected, rejects);
    assert.deepEqual(f.rejectedByReason, { not_a_number: rejects });
    assert.equal(f.duplicates, dups);
    assert.equal(f.rowsAdded, added.length);
    assert.equal(r.duplicatesDropped, dups);
    assert.equal(r.rowsTotal, BASE.length + added.length);
    const rows = datasetRows(ws);
    assert.equal(rows.length, BASE.length + added.length);
    assert.deepEqual(rows, [...cells(...BASE), ...added]);
  });
});
