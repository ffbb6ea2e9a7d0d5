import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// The CLI cases run the built bin in dist/ (npm test builds it first).
import { cli, makeWorkspace, HEADER } from '../helpers/workspace.ts';

// `riskwatch ingest` reads a large file in two parts on two threads (readDataFile). The split
// size comes down to 0 bytes here (RISKWATCH_PARALLEL_READ_BYTES) so that small files take that
// path, and every output must equal the one-pass ingest's, byte for byte.

type Ws = ReturnType<typeof makeWorkspace>;

/** Row i: valid rows that repeat every 3,000 (duplicates across the split), rejects mixed in (7 per `every` rows). */
function row(i: number, every: number): string {
  const k = i % 3000;
  switch (i % every) {
    case 7: return `c${i},1,2`; // field_count
    case 19: return `c${i},x,2,3,1`; // not_a_number
    case 31: return `c${i},1,2,3,5`; // invalid_label
    case 43: return `,1,2,3,0`; // missing_id
    case 59: return `"c${i}, ""Ltd"""x,1,2,3,0`; // malformed_quotes
    case 61: return `"c${k}, ""Ltd""",${k % 13},,${k % 5},1`; // quoted id, a missing cell
    case 73: return '';
    default: return `c${k},${k % 7},${k % 11},${k % 17},${k % 2}`;
  }
}

function fileOf(n: number, every: number, extra?: { at: number; text: string }): string {
  const lines = [HEADER];
  for (let i = 0; i < n; i++) {
    lines.push(row(i, every));
    if (extra && i === extra.at) lines.push(extra.text);
  }
  return lines.join('\n') + '\n';
}

const FILES: Record<string, string> = {
  // A quoted multi-line id early on: the second part's line numbers must count its lines. Few
  // rejects: the 20 logged come from both parts.
  'a_big.csv': fileOf(12_000, 2399, { at: 50, text: '"multi\nline\nco",1,2,3,1' }),
  // A quoted field whose lines cover the middle of the file: this one is read in one pass.
  'b_across.csv': fileOf(4000, 89, { at: 1800, text: `"${Array.from({ length: 3000 }, (_, k) => `l${k}`).join('\n')}",1,2,3,0` }),
};
const LATER = { 'c_more.csv': fileOf(9000, 89).replaceAll('\nc', '\nd') + 'c1,1,1,1,1\n' };

function ingestCli(ws: Ws, splitBytes: string): { out: string; rejects: string[]; debug: string[]; csvLines: string; compacted: string } {
  const r = cli(['--config', ws.config, '--log-level', 'debug', 'ingest', '--json'], { env: { RISKWATCH_PARALLEL_READ_BYTES: splitBytes } });
  assert.equal(r.status, 0, r.stderr);
  const logs = r.stderr.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const rejects = logs.filter((l) => l.reason && l.line).map((l) => JSON.stringify([l.file, l.line, l.reason, l.column, l.value, l.msg]));
  const debug = logs.filter((l) => / in (one|two) parts?\b/.test(l.msg)).map((l) => l.msg as string);
  // Whether finaldata.csv's lines were copied from those the two threads formatted while parsing.
  const csvLines = logs.find((l) => l.msg === 'dataset written')?.csvLines;
  // Whether the parse worker compacted the shared columns alongside this thread.
  const compacted = logs.find((l) => l.msg === 'dataset written')?.compacted;
  // The workspace path differs between the two workspaces; nothing else may.
  return { out: r.stdout.replaceAll(ws.dir, '<ws>'), rejects, debug, csvLines, compacted };
}

function datasetFiles(ws: Ws): Record<string, Buffer> {
  const d = join(ws.dir, 'ingesteddata');
  return Object.fromEntries(readdirSync(d).filter((n) => n.startsWith('finaldata')).sort().map((n) => [n, readFileSync(join(d, n))]));
}

describe('ingest of files read in two parts (CLI)', () => {
  test('finaldata.csv, finaldata.bin, --json counts and reject log lines equal the one-pass ingest, first ingest and append', () => {
    const two = makeWorkspace();
    const one = makeWorkspace();
    for (const ws of [two, one]) for (const [name, text] of Object.entries(FILES)) writeFileSync(join(ws.source, name), text);

    const a = ingestCli(two, '0');
    const b = ingestCli(one, '1000000000000');
    assert.ok(a.debug.includes('read a_big.csv in two parts'), a.debug.join('; '));
    assert.ok(a.debug.includes('read b_across.csv in one part: split inside a quoted field'), a.debug.join('; '));
    assert.deepEqual(b.debug, []);
    assert.equal(a.csvLines, 'formatted', 'b_across.csv came without formatted lines');
    assert.equal(a.out, b.out);
    const out = JSON.parse(a.out);
    assert.ok(out.duplicatesDropped > 1000 && out.rowsRejected > 200, `a real mix: ${a.out}`);
    const big = a.rejects.map((r) => JSON.parse(r)).filter((r) => r[0] === 'a_big.csv');
    assert.ok(big.length === 20 && big.some((r) => r[1] < 6000) && big.some((r) => r[1] > 6100), `logged reject lines from both parts: ${big.map((r) => r[1])}`);
    assert.deepEqual(a.rejects, b.rejects);
    assert.deepEqual(datasetFiles(two), datasetFiles(one));

    // Then an append (new segment, dedup against the stored rows' hashes).
    for (const ws of [two, one]) for (const [name, text] of Object.entries(LATER)) writeFileSync(join(ws.source, name), text);
    const c = ingestCli(two, '0');
    const d = ingestCli(one, '1000000000000');
    assert.ok(c.debug.includes('read c_more.csv in two parts'), c.debug.join('; '));
    assert.equal(c.csvLines, 'copied');
    assert.equal(d.csvLines, 'formatted');
    assert.equal(c.compacted, 'two threads');
    assert.equal(d.compacted, 'one thread');
    assert.equal(c.out, d.out);
    assert.ok(JSON.parse(c.out).duplicatesDropped > 0);
    assert.deepEqual(c.rejects, d.rejects);
    const files = datasetFiles(two);
    assert.ok('finaldata.bin.1' in files, `appended as a segment: ${Object.keys(files).join(', ')}`);
    assert.deepEqual(files, datasetFiles(one));
  });

  test('a first ingest of one file read in two parts: the columns compacted on two threads, the same files', () => {
    const two = makeWorkspace();
    const one = makeWorkspace();
    for (const ws of [two, one]) writeFileSync(join(ws.source, 'a_big.csv'), FILES['a_big.csv']);
    const a = ingestCli(two, '0');
    const b = ingestCli(one, '1000000000000');
    assert.ok(a.debug.includes('read a_big.csv in two parts'), a.debug.join('; '));
    assert.equal(a.csvLines, 'copied');
    assert.equal(a.compacted, 'two threads');
    assert.equal(b.compacted, 'one thread');
    assert.equal(a.out, b.out);
    assert.ok(JSON.parse(a.out).duplicatesDropped > 1000);
    assert.deepEqual(datasetFiles(two), datasetFiles(one));
  });
});
