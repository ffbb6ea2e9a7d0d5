/**
 * The bad-input corpus: every folder under corpus/ is one case (input files + expected.json,
 * written by scripts/reliability/make-corpus.mjs from the data-format rules, not from a run).
 * For each case, on a workspace with a model in production: the file's outcome (accepted, rows
 * rejected with counts by reason, or file rejected) and its message; where nothing valid arrived,
 * the dataset and the production model are byte-for-byte unchanged after a full `run`; and the
 * rest of the batch (a good file beside it) still ingests.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { ingest, type IngestResult } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { score } from '../../src/model/score.ts';
import { deploy } from '../../src/model/deploy.ts';
import { predict } from '../../src/model/predict.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { createServer } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { HEADER, seedWorkspace } from '../helpers/workspace.ts';
import { capture, capturingLogger, sha256File, sqliteIntegrity, writeFigures } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const CORPUS = new URL('./corpus/', import.meta.url).pathname;

interface FileExpectation {
  outcome: 'accepted' | 'rows_rejected' | 'file_rejected' | 'not_a_data_file';
  status: 'ingested' | 'rejected' | 'absent';
  rowsRead?: number;
  rowsAccepted?: number;
  rowsRejected?: number;
  rejectedByReason?: Record<string, number>;
  rowsAdded?: number;
  duplicates?: number;
  missing?: Record<string, number>;
  reason?: string;
}
interface Case {
  name: string;
  title: string;
  expect: Record<string, FileExpectation>;
  generate?: string;
  rowLog?: { line: number; reason: string; column?: string };
  rejectLine?: number;
  roundTrip?: Record<string, string[]>;
  formula?: string[];
}

const cases: Case[] = readdirSync(CORPUS)
  .sort()
  .map((name) => ({ name, ...(JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as Omit<Case, 'name'>) }));

let base: string;
before(async () => {
  // A workspace with the seed's data ingested and a model in production: the state every case
  // starts from.
  const ws = seedWorkspace();
  const config = loadConfig(ws.config);
  const ctx = makeContext(config, await openStore(config));
  await ingest(ctx);
  const { version } = await train(ctx);
  await score(ctx, { model: version });
  await deploy(ctx, version);
  await ctx.store.close();
  base = ws.dir;
});

function copyBase(): string {
  const dir = join(tempDir('rw-corpus-'), 'ws');
  cpSync(base, dir, { recursive: true });
  return dir;
}

async function open(dir: string): Promise<{ ctx: Context; lines: Array<Record<string, unknown>> }> {
  const config = loadConfig(join(dir, 'config.json'));
  const { log, lines } = capturingLogger();
  return { ctx: makeContext(config, await openStore(config), log), lines };
}

const dataRows = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i},${i % 50},${(i * 7) % 900},${(i % 30) + 1},${i % 2}`);

/** Build the inputs of a generated case into the source folder. */
function generate(c: Case, source: string): void {
  switch (c.generate) {
    case 'gzip':
      writeFileSync(join(source, 'data.csv'), gzipSync(`${HEADER}\nrw-gz,1,2,3,0\n`));
      break;
    case 'zip':
      // A stored (uncompressed) zip entry: local header magic PK\x03\x04, then the CSV bytes.
      writeFileSync(join(source, 'data.csv'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x0a, 0, 0, 0, 0, 0]), Buffer.from(`${HEADER}\nrw-zip,1,2,3,0\n`)]));
      break;
    case 'directory':
      mkdirSync(join(source, 'x.csv'));
      writeFileSync(join(source, 'x.csv', 'inner.csv'), `${HEADER}\nrw-inner,1,2,3,0\n`);
      break;
    case 'field-1mb-id':
      writeFileSync(join(source, 'data.csv'), `${HEADER}\n${'i'.repeat(1 << 20)},1,2,3,0\nrw-after-1mb,1,2,3,1\n`);
      break;
    case 'field-1mb-number':
      writeFileSync(join(source, 'data.csv'), `${HEADER}\nrw-1mbn,${'9'.repeat(1 << 20)},2,3,0\nrw-after-1mbn,1,2,3,1\n`);
      break;
    case 'columns-10000': {
      // 9,995 extra columns around the five required ones (which sit at scattered positions).
      const names = Array.from({ length: 9995 }, (_, i) => `c${i}`);
      const req = HEADER.split(',');
      const at = [17, 2500, 5000, 7777, 9990];
      const header = [...names];
      at.forEach((p, k) => header.splice(p, 0, req[k]));
      const row = (id: string, vals: string[]) => {
        const cells = names.map(() => 'z');
        at.forEach((p, k) => cells.splice(p, 0, k === 0 ? id : vals[k - 1]));
        return cells.join(',');
      };
      writeFileSync(join(source, 'data.csv'), [header.join(','), row('rw-wide1', ['1', '2', '3', '0']), row('rw-wide2', ['4', '5', '6', '1'])].join('\n') + '\n');
      break;
    }
    case 'complete-later':
    case undefined:
      break;
    case 'growing':
      writeFileSync(join(source, 'growing.csv'), [HEADER, ...dataRows(300_000, 'rw-grow-')].join('\n') + '\n');
      break;
    default:
      throw new Error(`unknown generator ${c.generate}`);
  }
}

function fileOf(r: IngestResult, name: string) {
  return r.files.find((f) => f.name === name);
}

function datasetCells(dir: string): string[][] {
  return parse(readFileSync(join(dir, 'ingesteddata', 'finaldata.csv')), { bom: true }) as string[][];
}

const results: Array<{ name: string; passed: boolean }> = [];

for (const c of cases) {
  test(`corpus ${c.name}: ${c.title}`, async () => {
    let passed = false;
    try {
      await runCase(c);
      passed = true;
    } finally {
      results.push({ name: c.name, passed });
    }
  });
}

async function runCase(c: Case): Promise<void> {
  const dir = copyBase();
  const source = join(dir, 'sourcedata');
  for (const f of readdirSync(join(CORPUS, c.name))) if (f !== 'expected.json') cpSync(join(CORPUS, c.name, f), join(source, f));
  generate(c, source);
  const prodPath = join(dir, 'production_deployment', 'model.json');
  const datasetPath = join(dir, 'ingesteddata', 'finaldata.csv');
  const prodBefore = readFileSync(prodPath);
  const hashBefore = sha256File(datasetPath);
  const rowsBefore = datasetCells(dir).length - 1;

  const { ctx, lines } = await open(dir);
  let writer: ReturnType<typeof spawn> | undefined;
  try {
    if (c.generate === 'growing') {
      // Another process appends a row every millisecond while the file is read.
      const path = join(source, 'growing.csv');
      writer = spawn(process.execPath, ['-e', `const fs=require('fs');let i=0;setInterval(()=>fs.appendFileSync(${JSON.stringify(path)},'rw-late-'+(i++)+',1,2,3,0\\n'),1);`], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await ingest(ctx);
    if (writer) {
      writer.kill('SIGKILL');
      await new Promise((res) => writer!.on('exit', res));
    }
    capture('response', JSON.stringify(r));
    let added = 0;
    for (const [name, e] of Object.entries(c.expect)) {
      const f = fileOf(r, name);
      if (e.status === 'absent') {
        assert.equal(f, undefined, `${name} is not a data file`);
        continue;
      }
      assert.ok(f, `${name} in the result (have ${r.files.map((x) => x.name).join(', ')})`);
      assert.equal(f.status, e.status, `${name}: ${f.reason ?? ''}`);
      const outcome = f.status === 'rejected' ? 'file_rejected' : f.rowsRejected > 0 ? 'rows_rejected' : 'accepted';
      assert.equal(outcome, e.outcome, `${name} outcome`);
      for (const k of ['rowsRead', 'rowsAccepted', 'rowsRejected', 'rowsAdded', 'duplicates'] as const) if (e[k] !== undefined) assert.equal(f[k], e[k], `${name} ${k}`);
      if (e.rejectedByReason) assert.deepEqual(f.rejectedByReason, e.rejectedByReason, `${name} rejectedByReason`);
      if (e.missing) assert.deepEqual(f.missing, e.missing, `${name} missing`);
      if (e.reason) assert.match(f.reason ?? '', new RegExp(e.reason), `${name} reason`);
      else if (e.status === 'ingested') assert.equal(f.reason, undefined);
      if (e.status === 'rejected') {
        // One clear line in the log naming the file (and the line when known).
        const where = c.rejectLine ? ` \\(line ${c.rejectLine}\\)` : '';
        assert.ok(lines.some((l) => new RegExp(`^file rejected: ${name.replace('.', '\\.')}${where}`).test(String(l.msg))), `log names ${name}: ${JSON.stringify(lines.map((l) => l.msg))}`);
        if (c.rejectLine) assert.match(f.reason ?? '', new RegExp(`\\(line ${c.rejectLine}\\)$`));
      }
      added += f.rowsAdded;
    }
    if (c.rowLog) {
      const hit = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith(`row rejected: data.csv:${c.rowLog!.line}: `));
      assert.ok(hit, `row reject logged with file:line, have ${JSON.stringify(lines.map((l) => l.msg))}`);
      assert.equal(hit.reason, c.rowLog.reason);
      if (c.rowLog.column) assert.equal(hit.column, c.rowLog.column);
    }
    assert.equal(r.rowsAdded, added);
    assert.equal(r.rowsTotal, rowsBefore + added);
    assert.equal(r.files.filter((f) => f.status === 'rejected').length, Object.values(c.expect).filter((e) => e.status === 'rejected').length);

    if (added === 0) {
      // Nothing valid arrived: the dataset is byte-for-byte the same, and a full run keeps the
      // production model.
      assert.equal(sha256File(datasetPath), hashBefore, 'dataset unchanged');
      assert.equal(r.newData, false);
      // (Not for the growing file: the next run reads it once complete — checked below.)
      if (c.generate === 'growing') return await checkGrowingLater(ctx, dir, rowsBefore);
      const run = await runPipeline(ctx);
      assert.ok(['noop'].includes(run.status), `run after nothing valid: ${run.status} ${run.reason}`);
      assert.equal(run.deployed, null);
      assert.deepEqual(readFileSync(prodPath), prodBefore, 'production model unchanged');
    }

    if (c.roundTrip) {
      const cells = datasetCells(dir);
      for (const [id, row] of Object.entries(c.roundTrip)) {
        const found = cells.filter((x) => x[0] === id);
        assert.equal(found.length, 1, `row ${JSON.stringify(id)} once in finaldata.csv`);
        assert.deepEqual(found[0], row);
      }
    }
    if (c.generate === 'field-1mb-id') assert.ok(datasetCells(dir).some((x) => x[0] === 'i'.repeat(1 << 20)), 'the 1 MB id is kept exactly');
    if (c.formula) await checkFormulaNeutralised(ctx, dir, c.formula);

    // The rest of the batch: a good file beside the bad one still ingests.
    const good = dataRows(3, `rw-good-${c.name}-`);
    writeFileSync(join(source, 'zz-good.csv'), [HEADER, ...good].join('\n') + '\n');
    if (c.generate === 'complete-later') appendFileSync(join(source, 'data.csv'), ',6,0\n');
    const r2 = await ingest(ctx);
    const g = fileOf(r2, 'zz-good.csv');
    assert.equal(g?.status, 'ingested');
    assert.equal(g?.rowsAdded, 3);
    let more = 0;
    if (c.generate === 'growing') {
      // Not recorded when rejected: read in full now that the writer has stopped.
      const f = fileOf(r2, 'growing.csv')!;
      assert.equal(f.status, 'ingested');
      assert.ok(f.rowsAdded > 300_000, `whole file once complete: ${f.rowsAdded}`);
      more = f.rowsAdded;
    } else if (c.generate === 'complete-later') {
      const f = fileOf(r2, 'data.csv')!;
      assert.equal(f.status, 'ingested');
      assert.equal(f.rowsAdded, 1, 'the finished row arrives, the rest are duplicates');
      more = 1;
    } else {
      // Every other case file is unchanged: skipped, rejected ones with the reason they had.
      for (const [name, e] of Object.entries(c.expect)) {
        if (e.status === 'absent') continue;
        const f = fileOf(r2, name)!;
        if (c.generate === 'directory') {
          // Not a file, so nothing to record by hash: reported again each time, never read.
          assert.equal(f.status, 'rejected');
          assert.match(f.reason ?? '', /is a directory/);
          continue;
        }
        assert.equal(f.status, 'skipped', `${name} unchanged: skipped`);
        if (e.status === 'rejected') assert.match(f.reason ?? '', /^unchanged since it was rejected: /);
      }
    }
    assert.equal(r2.rowsTotal, rowsBefore + added + 3 + more);
    assert.deepEqual(sqliteIntegrity(dir), []);
  } finally {
    writer?.kill('SIGKILL');
    await ctx.store.close();
  }
}

/** The file rejected while growing is complete now: the next run reads all of it. */
async function checkGrowingLater(ctx: Context, dir: string, rowsBefore: number): Promise<void> {
  const run = await runPipeline(ctx);
  assert.equal(run.status, 'completed', run.reason);
  assert.equal(run.ingested?.filesRejected, 0);
  assert.ok((run.ingested?.rowsAdded ?? 0) > 300_000);
  assert.equal(datasetCells(dir).length - 1, rowsBefore + run.ingested!.rowsAdded);
  assert.deepEqual(sqliteIntegrity(dir), []);
}

/** Formula-looking ids: kept as data, neutralised in /risk CSV and in `predict --out`. */
async function checkFormulaNeutralised(ctx: Context, dir: string, ids: string[]): Promise<void> {
  const server = await createServer(ctx, { pollMs: 50 });
  try {
    const res = await server.app.inject({ method: 'GET', url: '/risk?top=1000', headers: { accept: 'text/csv' } });
    assert.equal(res.statusCode, 200);
    const rows = parse(res.body) as string[][];
    const shown = new Set(rows.slice(1).map((r) => r[1]));
    for (const id of ids) {
      assert.ok(shown.has(`'${id}`), `/risk CSV neutralises ${id}`);
      assert.ok(!shown.has(id));
    }
    for (const r of rows.slice(1)) assert.doesNotMatch(r[1], /^[=+\-@\t\r]/);
  } finally {
    await server.close();
  }
  const out = join(dir, 'predictions.csv');
  await predict(ctx, { data: join(dir, 'sourcedata', 'data.csv'), out });
  const rows = parse(readFileSync(out)) as string[][];
  for (const r of rows.slice(1)) assert.doesNotMatch(r[0], /^[=+\-@\t\r]/, `predict --out neutralises ${r[0]}`);
  for (const id of ids) assert.ok(rows.some((r) => r[0] === `'${id}`), `predict --out keeps ${id} as text`);
  assert.ok(existsSync(out));
}

test('corpus: at least 40 cases, every one passed', () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  const failed = results.filter((r) => !r.passed).map((r) => r.name);
  writeFigures('corpus', { cases: cases.length, passed: results.filter((r) => r.passed).length, failed });
  assert.deepEqual(failed, []);
  assert.equal(results.length, cases.length);
});
