import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import { ingest, type IngestResult } from '../../../src/ingest/ingest.ts';
import { cli, context, makeWorkspace, HEADER } from '../../helpers/workspace.ts';
import { pgSchema, PG_URL } from '../../helpers/postgres.ts';

type Ws = ReturnType<typeof makeWorkspace>;
let db: Awaited<ReturnType<typeof pgSchema>>;
before(async () => {
  db = await pgSchema('rw_src');
});
after(async () => {
  await db.drop();
});

/** A table shaped like the seed's files plus a serial watermark and a column riskwatch does not read. */
async function makeTable(name: string): Promise<string> {
  const t = `${db.schema}.${name}`;
  await db.client.query(`CREATE TABLE ${t} (id bigserial PRIMARY KEY, corporation text, lastmonth_activity integer, lastyear_activity bigint, number_of_employees numeric, exited smallint, note text)`);
  return t;
}

async function insert(t: string, rows: Array<[string | null, number | null, number | null, number | string | null, number | null]>, client = db.client): Promise<void> {
  for (const r of rows) await client.query(`INSERT INTO ${t} (corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited, note) VALUES ($1, $2, $3, $4, $5, 'x')`, r);
}

const rowsOf = (n: number, from = 0) => Array.from({ length: n }, (_, i) => [`c${from + i}`, from + i, (from + i) * 10, i % 7, i % 2] as [string, number, number, number, number]);

async function run(ws: Ws): Promise<IngestResult> {
  const ctx = await context(ws.config);
  try {
    return await ingest(ctx);
  } finally {
    await ctx.store.close();
  }
}

const source = (r: IngestResult, name: string) => {
  const s = r.sources.find((x) => x.name === name);
  assert.ok(s, `${name} in ${r.sources.map((x) => x.name).join(', ')}`);
  return s;
};

const dataset = (ws: Ws) => (parse(readFileSync(join(ws.dir, 'ingesteddata', 'finaldata.csv'))) as string[][]).slice(1);

describe('postgres source', () => {
  test('incremental ingest reads exactly the rows past the watermark, streamed through COPY', async () => {
    const t = await makeTable('incr');
    const ws = makeWorkspace({ sources: [{ type: 'postgres', name: 'crm', url: PG_URL, table: t, watermark: 'id' }] } as never);
    await insert(t, rowsOf(100));
    const first = await run(ws);
    assert.equal(source(first, 'crm').status, 'ingested');
    assert.equal(source(first, 'crm').rowsRead, 100);
    assert.equal(source(first, 'crm').watermark, '100');
    assert.equal(first.rowsTotal, 100);

    await insert(t, rowsOf(37, 100));
    const second = await run(ws);
    assert.equal(source(second, 'crm').rowsRead, 37, 'only the new rows are read');
    assert.equal(source(second, 'crm').rowsAdded, 37);
    assert.equal(source(second, 'crm').watermark, '137');
    assert.equal(second.rowsTotal, 137);
    assert.deepEqual(dataset(ws).map((r) => r[0]).sort(), rowsOf(137).map((r) => r[0]).sort());

    const third = await run(ws);
    assert.equal(source(third, 'crm').status, 'unchanged');
    assert.equal(source(third, 'crm').rowsRead, 0);
    assert.equal(third.newData, false);
  });

  test('dedup looks at the dataset columns only: the same row inserted twice (two ids) is one row', async () => {
    const t = await makeTable('dups');
    const ws = makeWorkspace({ sources: [{ type: 'postgres', url: PG_URL, table: t, watermark: 'id' }] } as never);
    await insert(t, [['a', 1, 2, 3, 0], ['a', 1, 2, 3, 0], ['b', 1, 2, 3, 1]]);
    const r = await run(ws);
    const s = source(r, `postgres:${t}`);
    assert.equal(s.rowsRead, 3);
    assert.equal(s.duplicates, 1);
    assert.equal(s.rowsAdded, 2);
    assert.deepEqual(dataset(ws), [['a', '1', '2', '3', '0'], ['b', '1', '2', '3', '1']]);
  });

  test('bad rows are rejected and counted by reason, exactly as in a CSV file; NULL features are missing', async () => {
    const t = await makeTable('bad');
    const ws = makeWorkspace({ sources: [{ type: 'postgres', name: 'crm', url: PG_URL, table: t, watermark: 'id' }] } as never);
    await insert(t, [
      ['ok1', 1, 2, 3, 0],
      ['neg', -1, 2, 3, 0],
      ['nolabel', 1, 2, 3, null],
      [null, 1, 2, 3, 1],
      ['dec', 1, 2, '2.5', 1],
      ['badlabel', 1, 2, 3, 7],
      ['miss', null, 2, null, 1],
    ]);
    const s = source(await run(ws), 'crm');
    assert.equal(s.rowsRead, 7);
    assert.equal(s.rowsRejected, 5);
    assert.deepEqual(s.rejectedByReason, { negative: 1, missing_label: 1, missing_id: 1, decimal: 1, invalid_label: 1 });
    assert.equal(s.rowsAdded, 2);
    assert.deepEqual(s.missing, { lastmonth_activity: 1, lastyear_activity: 0, number_of_employees: 1 });
    assert.deepEqual(dataset(ws), [['ok1', '1', '2', '3', '0'], ['miss', '', '2', '', '1']]);
  });

  test('without a watermark the whole table is read and compared by content hash', async () => {
    const t = await makeTable('whole');
    const ws = makeWorkspace({ sources: [{ type: 'postgres', name: 'crm', url: PG_URL, query: `SELECT corporation, lastmonth_activity, lastyear_activity, number_of_employees, exited FROM ${t} ORDER BY id` }] } as never);
    await insert(t, rowsOf(20));
    assert.equal(source(await run(ws), 'crm').rowsAdded, 20);
    const same = source(await run(ws), 'crm');
    assert.equal(same.status, 'unchanged');
    assert.equal(same.rowsRead, 0);
    await insert(t, rowsOf(5, 20));
    const more = source(await run(ws), 'crm');
    assert.equal(more.status, 'ingested');
    assert.equal(more.rowsRead, 25);
    assert.equal(more.rowsAdded, 5, 'rows already ingested are duplicates');
  });

  test('rows committed while an ingest runs are not lost: an id committed out of order is waited for', async () => {
    const t = await makeTable('race');
    const ws = makeWorkspace({ sources: [{ type: 'postgres', name: 'crm', url: PG_URL, table: t, watermark: 'id', timeout_ms: 5000 }] } as never);
    await insert(t, rowsOf(10));
    assert.equal((await run(ws)).rowsTotal, 10);
    // Transaction A takes id 11 and stays open; B takes id 12 and commits. A reader that trusted
    // max(id) = 12 would record 12 and never see 11.
    const a = await db.connect();
    await a.query('BEGIN');
    await insert(t, [['late', 1, 1, 1, 0]], a);
    await insert(t, [['early', 2, 2, 2, 1]]);
    const running = run(ws);
    await new Promise((r) => setTimeout(r, 300));
    await a.query('COMMIT');
    const r = await running;
    const s = source(r, 'crm');
    assert.equal(s.status, 'ingested');
    assert.equal(s.rowsAdded, 2, 'both the early and the late commit');
    assert.equal(s.watermark, '12');
    assert.deepEqual(dataset(ws).map((x) => x[0]).slice(-2).sort(), ['early', 'late']);
  });

  test('a view or a query source waits for writers on any table of the database', async () => {
    const t = await makeTable('viewed');
    await db.client.query(`CREATE VIEW ${db.schema}.viewed_v AS SELECT * FROM ${t}`);
    const ws = makeWorkspace({
      sources: [
        { type: 'postgres', name: 'view', url: PG_URL, table: `${db.schema}.viewed_v`, watermark: 'id', timeout_ms: 5000 },
        { type: 'postgres', name: 'query', url: PG_URL, query: `SELECT * FROM ${t}`, watermark: 'id', timeout_ms: 5000 },
      ],
    } as never);
    const a = await db.connect();
    await a.query('BEGIN');
    await insert(t, [['late', 1, 1, 1, 0]], a);
    await insert(t, [['early', 2, 2, 2, 1]]);
    const running = run(ws);
    await new Promise((r) => setTimeout(r, 300));
    await a.query('COMMIT');
    const r = await running;
    assert.equal(source(r, 'view').rowsRead, 2);
    assert.equal(source(r, 'query').rowsRead, 2);
    assert.equal(source(r, 'view').watermark, '2');
  });

  test('a writer that does not finish in timeout_ms fails the read; its rows and the others come next time', async () => {
    const t = await makeTable('race2');
    const ws = makeWorkspace({ sources: [{ type: 'postgres', name: 'crm', url: PG_URL, table: t, watermark: 'id', timeout_ms: 300 }] } as never);
    const a = await db.connect();
    await a.query('BEGIN');
    await insert(t, [['late', 1, 1, 1, 0]], a);
    await insert(t, [['early', 2, 2, 2, 1]]);
    const first = source(await run(ws), 'crm');
    assert.equal(first.status, 'failed');
    assert.match(first.error!, /source "crm": .*did not finish within 300 ms/);
    await a.query('COMMIT');
    const second = source(await run(ws), 'crm');
    assert.equal(second.rowsAdded, 2);
  });

  test('a source that is down, slow or misconfigured fails alone; the others ingest; the failure is recorded', async () => {
    const t = await makeTable('iso');
    await insert(t, rowsOf(5));
    const ws = makeWorkspace({
      sources: [
        { type: 'folder', path: 'sourcedata' },
        { type: 'postgres', name: 'down', url: 'postgres://postgres@127.0.0.1:1/test', table: t, timeout_ms: 2000 },
        { type: 'postgres', name: 'slow', url: PG_URL, query: `SELECT * FROM ${t} WHERE pg_sleep(2) IS NOT NULL`, timeout_ms: 300 },
        { type: 'postgres', name: 'nosuchtable', url: PG_URL, table: `${db.schema}.missing` },
        { type: 'postgres', name: 'json', url: PG_URL, query: `SELECT corporation, '{}'::jsonb AS lastmonth_activity, lastyear_activity, number_of_employees, exited FROM ${t}` },
        { type: 'postgres', name: 'ok', url: PG_URL, table: t, watermark: 'id' },
      ],
    } as never);
    writeFileSync(join(ws.source, 'a.csv'), `${HEADER}\nfilerow,1,2,3,0\n`);
    const r = await run(ws);
    assert.equal(source(r, 'folder').status, 'ingested');
    assert.equal(source(r, 'ok').rowsAdded, 5);
    assert.equal(r.rowsTotal, 6);
    assert.equal(r.sourcesFailed, 4);
    assert.match(source(r, 'down').error!, /^source "down": cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/test table .*ECONNREFUSED/);
    assert.match(source(r, 'slow').error!, /^source "slow": reading rows: no data for 300 ms \(timeout_ms\)$/);
    assert.match(source(r, 'nosuchtable').error!, /^source "nosuchtable": reading the columns: relation .* does not exist/);
    assert.match(source(r, 'json').error!, /^source "json": column "lastmonth_activity" has type jsonb, which riskwatch cannot map/);
    const store = new Database(join(ws.dir, 'riskwatch.db'), { readonly: true });
    const recorded = store.prepare("SELECT source, status, error FROM source_reads ORDER BY id").all() as Array<{ source: string; status: string; error: string | null }>;
    store.close();
    assert.deepEqual(recorded.map((x) => [x.source, x.status]), [['folder', 'ingested'], ['down', 'failed'], ['slow', 'failed'], ['nosuchtable', 'failed'], ['json', 'failed'], ['ok', 'ingested']]);
  });

  test('credentials from url_env never show: not in errors, --json, stdout or logs', async () => {
    const t = await makeTable('secret');
    await insert(t, rowsOf(3));
    const secret = 'Hunter2-S3cret';
    const ws = makeWorkspace({
      sources: [
        { type: 'postgres', name: 'wronguser', url_env: 'RW_TEST_PG_BAD', table: t },
        { type: 'postgres', name: 'unreachable', url_env: 'RW_TEST_PG_DOWN', table: t, timeout_ms: 1000 },
        { type: 'postgres', name: 'unset', url_env: 'RW_TEST_PG_UNSET', table: t },
        { type: 'postgres', name: 'good', url_env: 'RW_TEST_PG_GOOD', table: t, watermark: 'id' },
      ],
    } as never);
    const env = {
      RW_TEST_PG_BAD: `postgres://no_such_role:${secret}@127.0.0.1:5432/test`,
      RW_TEST_PG_DOWN: `postgres://postgres:${encodeURIComponent(secret + '@/')}@10.255.255.1:5432/test`,
      RW_TEST_PG_GOOD: PG_URL.replace('postgres@', `postgres:${secret}@`),
    };
    const r = cli(['--config', ws.config, '--json', '--log-level', 'debug', 'ingest'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the password appears nowhere');
    assert.ok(!r.stdout.includes('Hunter2') && !r.stderr.includes('Hunter2'));
    const out = JSON.parse(r.stdout) as IngestResult;
    assert.match(source(out, 'wronguser').error!, /role "no_such_role" does not exist/);
    assert.match(source(out, 'wronguser').location, /^postgres:\/\/no_such_role:\*\*\*@127\.0\.0\.1:5432\/test \(from \$RW_TEST_PG_BAD\)/);
    assert.match(source(out, 'unreachable').error!, /^source "unreachable": cannot connect to postgres:\/\/postgres:\*\*\*@10\.255\.255\.1:5432\/test/);
    assert.match(source(out, 'unset').error!, /environment variable RW_TEST_PG_UNSET is not set/);
    assert.equal(source(out, 'good').rowsAdded, 3);
    assert.equal(out.sourcesFailed, 3);
  });
  test('keyword/value connection strings (libpq form) connect, and their passwords never show: not in --json, logs, source_reads, run records or runs', async (t) => {
    const table = await makeTable('kvsecret');
    await insert(table, rowsOf(3));
    const plain = 'PgS3cretKV';
    const quoted = "a b'PgS3cretQ";
    const ssl = 'PgS3cretSSL';
    const ws = makeWorkspace({
      sources: [
        { type: 'postgres', name: 'kv', url_env: 'RW_TEST_PG_KV', table: table, watermark: 'id' },
        { type: 'postgres', name: 'kvquoted', url_env: 'RW_TEST_PG_KVQ', table: table },
        { type: 'postgres', name: 'kvssl', url_env: 'RW_TEST_PG_KVSSL', table: table, timeout_ms: 2000 },
      ],
    } as never);
    const env = {
      RW_TEST_PG_KV: `host=127.0.0.1 port=5432 user=postgres password=${plain} dbname=test`,
      RW_TEST_PG_KVQ: `host=127.0.0.1 user = rw_no_such_role password = 'a b\\'PgS3cretQ' dbname=test`,
      RW_TEST_PG_KVSSL: `host=127.0.0.1 port=1 user=postgres sslpassword=${ssl} dbname=test`,
    };
    t.after(() => rmSync(ws.dir, { recursive: true, force: true }));
    const secrets = [plain, quoted, ssl, 'PgS3cret'];
    const clean = (what: string, text: string) => {
      for (const s of secrets) assert.ok(!text.includes(s), `${what} shows ${s}: ${text.slice(0, 2000)}`);
    };
    const r = cli(['--config', ws.config, '--json', '--log-level', 'debug', 'ingest'], { env });
    assert.equal(r.status, 0, r.stderr);
    clean('ingest stdout', r.stdout);
    clean('ingest stderr', r.stderr);
    const out = JSON.parse(r.stdout) as IngestResult;
    assert.equal(source(out, 'kv').rowsAdded, 3, 'the keyword/value form connects');
    assert.equal(source(out, 'kv').location, `host=127.0.0.1 port=5432 user=postgres password=*** dbname=test (from $RW_TEST_PG_KV) table ${table}`);
    assert.match(source(out, 'kvquoted').location, /^host=127\.0\.0\.1 user = rw_no_such_role password = \*\*\* dbname=test \(from/);
    assert.match(source(out, 'kvquoted').error!, /role "rw_no_such_role" does not exist/);
    assert.match(source(out, 'kvssl').location, /sslpassword=\*\*\* dbname=test/);
    assert.match(source(out, 'kvssl').error!, /^source "kvssl": cannot connect to host=127\.0\.0\.1 port=1 user=postgres sslpassword=\*\*\*/);
    // The pipeline's run record and the runs listing (what GET /runs answers) carry the locations too.
    const run = cli(['--config', ws.config, '--json', '--log-level', 'debug', 'run'], { env });
    clean('run stdout', run.stdout);
    clean('run stderr', run.stderr);
    const runs = cli(['--config', ws.config, '--json', 'runs'], { env });
    assert.equal(runs.status, 0, runs.stderr);
    assert.ok((JSON.parse(runs.stdout) as { runs: unknown[] }).runs.length >= 2);
    clean('runs --json', runs.stdout);
    const store = new Database(join(ws.dir, 'riskwatch.db'), { readonly: true });
    try {
      const reads = store.prepare('SELECT * FROM source_reads').all();
      const records = store.prepare('SELECT * FROM runs').all();
      assert.ok(reads.length >= 3 && records.length >= 2);
      clean('source_reads', JSON.stringify(reads));
      clean('runs table', JSON.stringify(records));
    } finally {
      store.close();
    }
  });
});
