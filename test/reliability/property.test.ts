/**
 * Property-based tests (fast-check): generated CSV files through ingest and generated bodies
 * through the API. Never a crash or an unhandled rejection; every row the rules accept is in the
 * dataset exactly as written (read back with an independent CSV parser); every rejected row is
 * counted under the reason the data format names.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { createServer, type RiskwatchServer } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { makeContext, type Context } from '../../src/context.ts';
import { openStore } from '../../src/store/open.ts';
import { HEADER, makeWorkspace, seedWorkspace } from '../helpers/workspace.ts';
import { writeFigures } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

let unhandled = 0;
const onUnhandled = () => unhandled++;
process.on('unhandledRejection', onUnhandled);
after(() => process.off('unhandledRejection', onUnhandled));

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** One CSV field, quoted when it must be (RFC 4180), as a careful writer would. */
const field = (s: string) => (/[",\r\n]/.test(s) || /^[ \t]|[ \t]$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

// Cells: mostly valid, sometimes each kind of invalid.
const countCell = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map(String) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(String(MAX_SAFE), '0', '007') },
  { weight: 1, arbitrary: fc.constantFrom('-1', '1.5', 'abc', 'NaN', 'Infinity', '1e3', '99999999999999999999', ' 12 ', '0x1') },
);
const labelCell = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('0', '1') }, { weight: 1, arbitrary: fc.constantFrom('', '2', '-1', 'yes', ' 1 ', '0.0') });
const idCell = fc.oneof(
  { weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '=cmd|x', 'a,b', 'q"q', 'line\nbreak', ' pad ', '+1', '@x') },
);
const row = fc.record({ id: idCell, f: fc.tuple(countCell, countCell, countCell), y: labelCell });

/** The data-format rules, written independently of the parser: the reason a row is rejected, or null. */
function expectedReject(r: { id: string; f: string[]; y: string }): string | null {
  for (const c of r.f) {
    const t = c.replace(/^[ \t]+|[ \t]+$/g, '');
    if (t === '') continue;
    if (/^\d+$/.test(t)) {
      if (Number(t) > MAX_SAFE) return 'too_large';
      continue;
    }
    if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return 'not_finite';
    if (/^-/.test(t) && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return 'negative';
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return 'decimal';
    return 'not_a_number';
  }
  const y = r.y.replace(/^[ \t]+|[ \t]+$/g, '');
  if (y === '') return 'missing_label';
  if (y !== '0' && y !== '1') return 'invalid_label';
  if (r.id === '') return 'missing_id';
  return null;
}
/** How the accepted row reads back from finaldata.csv: numbers normalised, empty stays empty. */
const normal = (r: { id: string; f: string[]; y: string }) => [r.id, ...r.f.map((c) => (c.trim() === '' ? '' : String(Number(c.trim())))), r.y.trim()];

let empty: string;
before(() => {
  empty = makeWorkspace().dir;
});

let csvRuns = 0;
let csvRows = 0;
test('generated CSV files: ingest never throws; accepted rows round-trip exactly; rejects counted by reason', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.boolean(), fc.boolean(), async (rows, crlf, bom) => {
      const dir = join(tempDir('rw-prop-'), 'ws');
      cpSync(empty, dir, { recursive: true });
      const eol = crlf ? '\r\n' : '\n';
      const text = (bom ? '\ufeff' : '') + [HEADER, ...rows.map((r) => [field(r.id), ...r.f.map(field), field(r.y)].join(','))].join(eol) + eol;
      writeFileSync(join(dir, 'sourcedata', 'gen.csv'), text);
      const config = loadConfig(join(dir, 'config.json'));
      const ctx = makeContext(config, await openStore(config));
      try {
        const res = await ingest(ctx);
        const f = res.files[0];
        const reasons: Record<string, number> = {};
        const accepted: string[][] = [];
        for (const r of rows) {
          const why = expectedReject(r);
          if (why) reasons[why] = (reasons[why] ?? 0) + 1;
          else accepted.push(normal(r));
        }
        assert.equal(f.status, 'ingested');
        assert.equal(f.rowsRead, rows.length);
        assert.deepEqual(f.rejectedByReason, reasons);
        assert.equal(f.rowsAccepted, accepted.length);
        // Duplicates (equal id, features and label) keep their first occurrence.
        const seen = new Set<string>();
        const unique = accepted.filter((a) => !seen.has(JSON.stringify(a)) && (seen.add(JSON.stringify(a)), true));
        if (unique.length) {
          const back = parse(readFileSync(join(dir, 'ingesteddata', 'finaldata.csv')), { bom: true }) as string[][];
          assert.deepEqual(back.slice(1), unique);
        }
        csvRuns++;
        csvRows += rows.length;
      } finally {
        await ctx.store.close();
        rmSync(join(dir, '..'), { recursive: true, force: true });
      }
    }),
    { numRuns: 60 },
  );
});

test('arbitrary bytes named .csv: ingest never throws; the file is rejected or read, the store stays consistent', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 300 }).map((s) => Buffer.from(`${HEADER}\n${s}`))), async (bytes) => {
      const dir = join(tempDir('rw-prop-'), 'ws');
      cpSync(empty, dir, { recursive: true });
      writeFileSync(join(dir, 'sourcedata', 'junk.csv'), bytes);
      const config = loadConfig(join(dir, 'config.json'));
      const ctx = makeContext(config, await openStore(config));
      try {
        const res = await ingest(ctx);
        const f = res.files[0];
        assert.ok(f.status === 'rejected' ? typeof f.reason === 'string' && f.reason.length > 0 && !f.reason.includes('\n') : f.rowsAccepted + f.rowsRejected === f.rowsRead);
        assert.equal(res.rowsTotal, f.status === 'ingested' ? f.rowsAdded : 0);
      } finally {
        await ctx.store.close();
        rmSync(join(dir, '..'), { recursive: true, force: true });
      }
    }),
    { numRuns: 60 },
  );
});

let server: RiskwatchServer;
let ctx: Context;
before(async () => {
  const ws = seedWorkspace();
  const config = loadConfig(ws.config);
  ctx = makeContext(config, await openStore(config));
  await ingest(ctx);
  await deploy(ctx, (await train(ctx)).version);
  server = await createServer(ctx, { pollMs: 1000 });
});
after(async () => {
  await server?.close();
  await ctx?.store.close();
});

let apiBodies = 0;
test('generated API bodies: never a 5xx; valid records always answered with their ids back exactly', async () => {
  const features = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
  const validRecord = fc.record({ corporation: fc.string({ maxLength: 20 }), lastmonth_activity: fc.option(fc.nat(), { nil: null }), lastyear_activity: fc.option(fc.nat()), number_of_employees: fc.nat() }, { requiredKeys: ['corporation'] });
  await fc.assert(
    fc.asyncProperty(fc.array(validRecord, { minLength: 1, maxLength: 30 }), async (records) => {
      const res = await server.app.inject({ method: 'POST', url: '/prediction', payload: { records } });
      assert.equal(res.statusCode, 200, res.body);
      const body = JSON.parse(res.body) as { predictions: Array<{ id: string; probability: number; prediction: number }> };
      assert.equal(body.predictions.length, records.length);
      records.forEach((r, i) => {
        if (r.corporation !== '') assert.equal(body.predictions[i].id, r.corporation, 'the id comes back exactly');
      });
      for (const p of body.predictions) assert.ok(p.probability >= 0 && p.probability <= 1 && (p.prediction === 0 || p.prediction === 1));
      // The same records as MLflow dataframe_split: the same probabilities.
      const inv = await server.app.inject({ method: 'POST', url: '/invocations', payload: { dataframe_split: { columns: features, data: records.map((r) => features.map((f) => (r as Record<string, unknown>)[f] ?? null)) } } });
      assert.equal(inv.statusCode, 200, inv.body);
      assert.deepEqual((JSON.parse(inv.body) as { predictions: number[] }).predictions, body.predictions.map((p) => p.probability));
      apiBodies += 2;
    }),
    { numRuns: 100 },
  );
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ records: fc.array(fc.dictionary(fc.constantFrom('corporation', ...features, 'x'), fc.jsonValue()), { maxLength: 5 }) })), fc.constantFrom('/prediction', '/invocations'), async (payload, url) => {
      const res = await server.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      assert.ok([200, 400].includes(res.statusCode), `${url} ${JSON.stringify(payload).slice(0, 200)} → ${res.statusCode} ${res.body}`);
      assert.doesNotMatch(res.body, /\n\s+at /);
      apiBodies++;
    }),
    { numRuns: 300 },
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 300 }), fc.constantFrom('/prediction', '/invocations'), async (text, url) => {
      const res = await server.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/csv' }, payload: text });
      assert.ok([200, 400].includes(res.statusCode), `${url} CSV ${JSON.stringify(text)} → ${res.statusCode} ${res.body}`);
      apiBodies++;
    }),
    { numRuns: 200 },
  );
});

test('no unhandled rejection during the property runs', () => {
  assert.equal(unhandled, 0);
  writeFigures('property', { csvFiles: csvRuns, csvRows, byteFiles: 60, apiBodies });
});
