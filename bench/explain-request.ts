/**
 * POST /prediction with ?explain=3 against the same request without it (issue 17: single record,
 * p99 ≤ 10 ms), for a logistic and a gbdt production model, side by side in one run.
 *
 *   npm run build && node --import tsx bench/explain-request.ts [--duration S] [--connections C]
 *
 * The workspace: the tests' generated CRM table (4 counts/numbers, 3 categories), 3,000 clients;
 * gbdt with 100 trees of up to 31 leaves. riskwatch runs as users run it (`node dist/cli/riskwatch.mjs
 * serve --log-level warn`) in its own process; autocannon loads it from this one, one record per
 * request. Prints a table (p50/p99/mean latency, requests/s) and the load average.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/ingest/ingest.ts';
import { train } from '../src/model/train.ts';
import { deploy } from '../src/model/deploy.ts';
import { context, makeWorkspace, ROOT } from '../test/helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../test/helpers/crm-table.ts';

type Result = { latency: { p50: number; p99: number; average: number }; requests: { average: number }; non2xx: number; errors: number };
const autocannon = createRequire(import.meta.url)('autocannon') as (o: Record<string, unknown>) => Promise<Result>;
const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
const DURATION = opt('duration', 8);
const CONNECTIONS = opt('connections', 1);

const record = { id: 'x1', tenure: 3, logins: 2, seats: 30, fee: 180.5, plan: 'Basic', contract: 'Monthly', region: 'North' };

async function serve(config: string, port: number) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', config, '--log-level', 'warn', 'serve', '--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  for (let k = 0; k < 200; k++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

/** The server process's CPU seconds so far (user + sys, /proc/PID/stat fields 14 and 15; Linux, 100 ticks/s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const rows: string[] = [];
for (const [family, model] of [
  ['logistic', { standardize: true }],
  ['gbdt', { family: 'gbdt', gbdt: { max_leaves: 31, max_iter: 100, min_samples_leaf: 20 } }],
] as const) {
  const ws = makeWorkspace(crmConfig(model));
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(3000, 1)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(500, 2, { prefix: 't' })));
  const ctx = await context(ws.config);
  await ingest(ctx);
  await deploy(ctx, (await train(ctx)).version);
  await ctx.store.close();
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const child = await serve(ws.config, port);
  try {
    for (const q of ['', '?explain=3']) {
      const body = JSON.stringify({ records: [record] });
      const opts = { url: `http://127.0.0.1:${port}/prediction${q}`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS };
      await autocannon({ ...opts, duration: 2 }); // warm-up
      const cpu0 = cpuSeconds(child.pid!);
      const r = await autocannon({ ...opts, duration: DURATION });
      const cpu = cpuSeconds(child.pid!) - cpu0;
      const total = r.requests.average * DURATION;
      rows.push(`${family.padEnd(9)} ${(q || '(no explain)').padEnd(13)} p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  mean ${r.latency.average.toFixed(2)} ms  ${Math.round(r.requests.average)} req/s  server CPU ${cpu.toFixed(2)} s (${((cpu / total) * 1e6).toFixed(0)} µs/request)  non-2xx ${r.non2xx} errors ${r.errors}`);
    }
  } finally {
    child.kill();
    rmSync(ws.dir, { recursive: true, force: true });
  }
}
console.log(rows.join('\n'));
console.log(`connections ${CONNECTIONS}, ${DURATION} s each; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
