import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ingest } from '../../src/ingest/ingest.ts';
import { train } from '../../src/model/train.ts';
import { deploy } from '../../src/model/deploy.ts';
import { startServer } from '../../src/server/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { collectReportData } from '../../src/report/data.ts';
import { report } from '../../src/report/report.ts';
import type { Context } from '../../src/context.ts';
import { context, makeWorkspace, HEADER } from '../helpers/workspace.ts';
import { rng } from '../helpers/random.ts';
import { PG_URL, pgSchema } from '../helpers/postgres.ts';

// The call list ranks the clients one can still call: per client its latest row, and not at all
// when that row says the client left. A workspace where most of the highest-risk rows are of
// clients who left, several clients have two rows, and some came back after a "left" row.

type Row = { id: string; month: number; last: number; year: number; emp: number; exited: 0 | 1 };
type RiskBody = { version: string; datasetHash: string; population: { source: string; description: string; clients: number; rows: number; left: number }; rows: Array<{ rank: number; id: string; probability: number; value: number | null; expectedLoss: number | null }> };

let ws: ReturnType<typeof makeWorkspace>;
let ctx: Context;
let server: Awaited<ReturnType<typeof startServer>>;
const rows: Row[] = [];

const line = (r: Pick<Row, 'id' | 'last' | 'year' | 'emp'> & { exited?: 0 | 1 }) => `${r.id},${r.last},${r.year},${r.emp}${r.exited === undefined ? '' : `,${r.exited}`}`;

before(async () => {
  ws = makeWorkspace();
  const rand = rng(13);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  const leaves = (last: number) => (rand() < 1 / (1 + Math.exp(-(2 - last / 120))) ? 1 : 0);
  const client = (i: number) => `c${String(i).padStart(3, '0')}`;
  for (let i = 0; i < 300; i++) {
    // 150..169 left in January (low activity) and came back in February.
    const last = i >= 150 && i < 170 ? int(0, 40) : int(0, 1000);
    rows.push({ id: client(i), month: 1, last, year: int(0, 5000), emp: int(1, 500), exited: i >= 150 && i < 170 ? 1 : leaves(last) });
  }
  for (let i = 0; i < 170; i++) {
    // 0..79: their newest row says they left, with the lowest activity of all: the top-risk rows.
    if (i < 80) rows.push({ id: client(i), month: 2, last: int(0, 30), year: int(0, 5000), emp: int(1, 500), exited: 1 });
    else rows.push({ id: client(i), month: 2, last: int(100, 1000), year: int(0, 5000), emp: int(1, 500), exited: 0 });
  }
  for (const m of [1, 2]) writeFileSync(join(ws.source, `2026-0${m}.csv`), [HEADER, ...rows.filter((r) => r.month === m).map(line)].join('\n') + '\n');
  const test = Array.from({ length: 300 }, (_, i) => {
    const last = int(0, 1000);
    return line({ id: `t${i}`, last, year: int(0, 5000), emp: int(1, 500), exited: leaves(last) });
  });
  writeFileSync(join(ws.test, 'test.csv'), [HEADER, ...test].join('\n') + '\n');
  ctx = await context(ws.config);
  await ingest(ctx);
  await deploy(ctx, (await train(ctx)).version);
  server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await ctx?.store.close();
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
});

/** Each client's latest row (file order: January, then February), as the test computes it. */
function latestRows(): Map<string, Row> {
  const latest = new Map<string, Row>();
  for (const r of rows) latest.set(r.id, r);
  return latest;
}

async function risk(base: string, top: number): Promise<RiskBody> {
  const r = await fetch(`${base}/risk?top=${top}`);
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as RiskBody;
}

/** The production model's probability for each row, through POST /prediction. */
async function predicted(base: string, rs: Array<Pick<Row, 'id' | 'last' | 'year' | 'emp'>>): Promise<Map<string, number>> {
  const records = rs.map((r) => ({ corporation: r.id, lastmonth_activity: r.last, lastyear_activity: r.year, number_of_employees: r.emp }));
  const res = await fetch(`${base}/prediction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
  assert.equal(res.status, 200);
  return new Map(((await res.json()) as { predictions: Array<{ id: string; probability: number }> }).predictions.map((p) => [p.id, p.probability]));
}

test('GET /risk ranks each current client once, by its latest row; clients whose latest row says they left are not on it', async () => {
  const latest = latestRows();
  const current = [...latest.values()].filter((r) => r.exited === 0);
  // The workspace is what the issue describes: most of the top-risk rows are of clients who left.
  const allRows = await predicted(server.url, rows.map((r, i) => ({ ...r, id: `${r.id}#${i}` })));
  const top100 = [...allRows.entries()].sort((a, b) => b[1] - a[1]).slice(0, 100);
  const leftInTop = top100.filter(([k]) => rows[Number(k.split('#')[1])].exited === 1).length;
  assert.ok(leftInTop > 70, `${leftInTop} of the 100 highest-risk rows say the client left`);

  const body = await risk(server.url, 1000);
  const ids = body.rows.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'each client once');
  for (const id of ids) assert.equal(latest.get(id)?.exited, 0, `${id} has left and is on the call list`);
  assert.deepEqual(new Set(ids), new Set(current.map((r) => r.id)));
  assert.equal(body.rows.length, current.length);
  assert.deepEqual(body.population, {
    source: 'dataset',
    description: `Current clients of the ingested dataset: each client's latest row, unless it says the client left (${current.length} of 300 clients; ${300 - current.length} have left).`,
    clients: current.length,
    rows: rows.length,
    left: 300 - current.length,
  });
  // Each client is scored on its latest row (the clients who came back: on the February row).
  const expected = await predicted(server.url, current);
  for (const r of body.rows) assert.equal(r.probability, expected.get(r.id), r.id);
  assert.ok(ids.includes('c150') && ids.includes('c100'));
  body.rows.forEach((r, k) => {
    assert.equal(r.rank, k + 1);
    if (k) assert.ok(r.probability <= body.rows[k - 1].probability);
  });
  // The default size, the CSV and the dashboard's population all read the same list.
  const dflt = await risk(server.url, ctx.config.topK);
  assert.deepEqual(dflt.rows, body.rows.slice(0, ctx.config.topK));
  const csv = await fetch(`${server.url}/risk?top=1000`, { headers: { accept: 'text/csv' } });
  assert.equal(csv.headers.get('x-population-clients'), String(current.length));
  assert.equal(csv.headers.get('x-population-source'), 'dataset');
  assert.deepEqual((await csv.text()).trimEnd().split('\n').slice(1).map((l) => l.split(',')[1]), ids);
  const pop = (await (await fetch(`${server.url}/population`)).json()) as { rows: number; population: RiskBody['population']; aboveThreshold: number; threshold: number };
  assert.equal(pop.rows, current.length);
  assert.deepEqual(pop.population, body.population);
  assert.equal(pop.aboveThreshold, body.rows.filter((r) => r.probability > pop.threshold).length);
  // The OpenAPI document gives the answer's shape, population included.
  type Schema = { required: string[]; properties: Record<string, Schema> };
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, { get: { responses: { '200': { content: Record<string, { schema: Schema }> } } } }> };
  const schema = doc.paths['/risk'].get.responses['200'].content['application/json'].schema;
  assert.deepEqual(Object.keys(body).sort(), [...schema.required].sort());
  assert.deepEqual(Object.keys(body.population).sort(), [...schema.properties.population.required].sort());
});

test('the report\'s highest-risk clients are the top of the same call list, and its PDF says what was ranked', async () => {
  const body = await risk(server.url, 20);
  const data = await collectReportData(ctx, { dependencies: false });
  assert.deepEqual(data.topClients.map((c) => ({ rank: c.rank, id: c.id, probability: c.probability, value: c.value, expectedLoss: c.expectedLoss })), body.rows);
  assert.deepEqual(data.population, body.population);
  const latest = latestRows();
  for (const c of data.topClients) assert.deepEqual(c.features, { lastmonth_activity: latest.get(c.id)!.last, lastyear_activity: latest.get(c.id)!.year, number_of_employees: latest.get(c.id)!.emp });

  const out = join(ws.dir, 'report');
  const r = await report(ctx, { out, dependencies: false });
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(r.pdf)), useSystemFonts: false, isEvalSupported: false }).promise;
  const page = await doc.getPage(r.pages.indexOf('Highest-risk clients') + 1); // pages after it explain the clients
  const text = (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' ');
  await doc.destroy();
  assert.ok(text.includes('Highest-risk clients'), text);
  assert.ok(text.includes(`Current clients of the ingested dataset`) && text.includes(`${body.population.clients} of 300 clients`), text);
  const listed = text.match(/c\d{3}/g) ?? [];
  assert.deepEqual(listed, body.rows.map((x) => x.id));
  const summary = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { population: unknown };
  assert.deepEqual(summary.population, body.population);
});

/** A server over the same workspace with config `population` set (the config file as a user writes it). */
async function withPopulation(population: unknown, fn: (base: string, c: Context) => Promise<void>): Promise<void> {
  const file = join(ws.dir, 'config-population.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), population }));
  const c: Context = { ...ctx, config: loadConfig(file) };
  const s = await startServer(c, { host: '127.0.0.1', port: 0 });
  try {
    await fn(s.url, c);
  } finally {
    await s.close();
    rmSync(file, { force: true });
  }
}

test('config population (a file without labels): the call list ranks exactly its clients, each by its latest row', async () => {
  const file = join(ws.dir, 'current.csv');
  const listed = [
    { id: 'p1', last: 900, year: 10, emp: 5 },
    { id: 'p2', last: 5, year: 10, emp: 5 },
    { id: 'p3', last: 300, year: 100, emp: 50 },
    { id: 'p1', last: 2, year: 10, emp: 5 }, // p1's latest row: now the highest risk
    { id: 'c000', last: 50, year: 10, emp: 5 }, // left according to the dataset, current according to the company's list
  ];
  writeFileSync(file, ['corporation,lastmonth_activity,lastyear_activity,number_of_employees,segment', ...listed.map((r) => `${line(r)},x`)].join('\n') + '\n');
  try {
    await withPopulation('current.csv', async (base, c) => {
      const body = await risk(base, 100);
      const latest = new Map(listed.map((r) => [r.id, r]));
      assert.deepEqual(new Set(body.rows.map((r) => r.id)), new Set(latest.keys()));
      assert.equal(body.rows.length, 4);
      assert.equal(body.rows[0].id, 'p1');
      const expected = await predicted(base, [...latest.values()]);
      for (const r of body.rows) assert.equal(r.probability, expected.get(r.id), r.id);
      assert.deepEqual(body.population, { source: 'configured', description: 'Current clients listed in current.csv (config "population"): 4 clients, each client\'s latest row (1 older row not ranked).', clients: 4, rows: 5, left: 0 });
      const data = await collectReportData(c, { dependencies: false });
      assert.deepEqual(data.topClients.map((x) => x.id), body.rows.map((x) => x.id));
      assert.deepEqual(data.population, body.population);
    });
  } finally {
    rmSync(file, { force: true });
  }
});

test('config population as a folder and as a SQLite table; an unusable one is an error naming it', async () => {
  const folder = join(ws.dir, 'current');
  mkdirSync(folder);
  const dbFile = join(ws.dir, 'crm.db');
  try {
    writeFileSync(join(folder, 'a.csv'), `corporation,lastmonth_activity,lastyear_activity,number_of_employees\n${line({ id: 'f1', last: 10, year: 1, emp: 1 })}\n${line({ id: 'f2', last: 20, year: 1, emp: 1 })}\n`);
    writeFileSync(join(folder, 'b.csv'), `corporation,lastmonth_activity,lastyear_activity,number_of_employees\n${line({ id: 'f1', last: 800, year: 1, emp: 1 })}\n`);
    await withPopulation('current', async (base) => {
      const body = await risk(base, 10);
      assert.deepEqual(body.rows.map((r) => r.id), ['f2', 'f1']); // f1 by its row in b.csv
      assert.equal(body.population.clients, 2);
      assert.match(body.population.description, /^Current clients listed in current \(config "population"\): 2 clients/);
    });

    const db = new Database(dbFile);
    db.exec('CREATE TABLE clients (corporation TEXT, lastmonth_activity INTEGER, lastyear_activity INTEGER, number_of_employees INTEGER, exited INTEGER)');
    const insert = db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?, ?)');
    insert.run('s1', 10, 1, 1, null);
    insert.run('s2', 5, 1, 1, 0);
    insert.run('s3', 1, 1, 1, 1); // this client's row says it left
    db.close();
    await withPopulation({ type: 'sqlite', path: 'crm.db', table: 'clients' }, async (base) => {
      const body = await risk(base, 10);
      assert.deepEqual(body.rows.map((r) => r.id), ['s2', 's1']);
      assert.deepEqual({ ...body.population, description: '' }, { source: 'configured', description: '', clients: 2, rows: 3, left: 1 });
      assert.match(body.population.description, /^Current clients listed in crm\.db table clients \(config "population"\): 2 clients; 1 whose latest row says they left are left out\.$/);
    });

    writeFileSync(join(ws.dir, 'broken.csv'), 'corporation,lastmonth_activity\np9,1\n');
    await withPopulation('broken.csv', async (base, c) => {
      const r = await fetch(`${base}/risk`);
      assert.equal(r.status, 500);
      const message = ((await r.json()) as { error: { message: string } }).error.message;
      assert.match(message, /^config "population": broken\.csv:1: required column "lastyear_activity" is missing/);
      // The report is still written; its highest-risk page says why it lists no one.
      const data = await collectReportData(c, { dependencies: false });
      assert.equal(data.population, null);
      assert.deepEqual(data.topClients, []);
      assert.equal(data.populationProblem, message);
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
    rmSync(dbFile, { force: true });
    rmSync(join(ws.dir, 'broken.csv'), { force: true });
  }
});

test('config population as a PostgreSQL table (url_env), the password never shown', async () => {
  const pgdb = await pgSchema('rw_population');
  const env = 'RW_TEST_POPULATION_URL';
  try {
    await pgdb.client.query(`CREATE TABLE ${pgdb.schema}.clients (corporation text, lastmonth_activity integer, lastyear_activity integer, number_of_employees integer)`);
    await pgdb.client.query(`INSERT INTO ${pgdb.schema}.clients VALUES ('g1', 900, 1, 1), ('g2', 3, 1, 1), ('g1', 1, 1, 1)`);
    const url = new URL(PG_URL);
    url.password = 'S3cretPopulation';
    process.env[env] = url.toString();
    await withPopulation({ type: 'postgres', url_env: env, table: `${pgdb.schema}.clients` }, async (base) => {
      const r = await fetch(`${base}/risk?top=10`);
      const text = await r.text();
      assert.equal(r.status, 200, text);
      assert.ok(!text.includes('S3cretPopulation'));
      const body = JSON.parse(text) as RiskBody;
      assert.deepEqual(body.rows.map((x) => x.id), ['g1', 'g2'].sort((a, b) => (body.rows.find((x) => x.id === b)!.probability - body.rows.find((x) => x.id === a)!.probability)));
      assert.deepEqual({ ...body.population, description: '' }, { source: 'configured', description: '', clients: 2, rows: 3, left: 0 });
      assert.match(body.population.description, new RegExp(`^Current clients listed in the PostgreSQL table ${pgdb.schema}\\.clients \\(config "population"\\): 2 clients, each client's latest row \\(1 older row not ranked\\)\\.$`));
      const expected = await predicted(base, [{ id: 'g1', last: 1, year: 1, emp: 1 }, { id: 'g2', last: 3, year: 1, emp: 1 }]);
      for (const x of body.rows) assert.equal(x.probability, expected.get(x.id), x.id);
    });
  } finally {
    delete process.env[env];
    await pgdb.drop();
  }
});
