/**
 * The API server under load: riskwatch's POST /prediction against a bare fastify route (the
 * framework's ceiling) and against a Flask + gunicorn (2 workers) service with a scikit-learn
 * model (bench/python_server.py; gthread workers, 4 threads each), side by side in one run; memory over
 * 1,000,000 requests; a 10,000-record batch.
 *
 *   npm run bench:server                       # everything (about 5 minutes)
 *   npm run bench:server -- --duration 5 --million 100000 --skip-python   # quick check
 *
 * Options: --duration S (10, seconds per measurement)  --connections C (32)  --rounds R (2)
 *          --million N (1000000, requests of the memory run; 0 skips it)  --skip-python  --no-build
 *          --baseline DIR (another checkout of riskwatch, built: its `serve` is loaded too, round by
 *          round beside this one, so a change is compared under the same machine load)
 *
 * Every server runs in its own process and is loaded one at a time by autocannon (in this
 * process: the load generator shares the 2 cores, as the issue asks). riskwatch runs as users
 * run it: `node dist/cli/riskwatch.mjs serve` (built first unless --no-build) with
 * --log-level warn (no per-request log line; the cost of info-level request logging is measured
 * separately). The workspace is the demo's data: 10,000 generated clients, one `run` (v1 deployed).
 * Results: a table on stdout and bench/out/server-results.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { OUT_DIR, BENCH_DIR } from './generate.ts';
import { simulate } from '../src/simulate/generate.ts';
import { runPipeline } from '../src/pipeline/run.ts';
import { context } from '../test/helpers/workspace.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROOT = join(BENCH_DIR, '..');
const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const DURATION = opt('duration', 10);
const CONNECTIONS = opt('connections', 32);
const ROUNDS = opt('rounds', 2);
const MILLION = opt('million', 1_000_000);
const SKIP_PYTHON = args.includes('--skip-python');
const BASELINE = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : undefined;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(url: string, child: ChildProcess, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start within ${ms} ms`);
}

/** Resident set size of a process (kB → MB), from /proc. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** User + system CPU time of a process so far (s), from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const children: ChildProcess[] = [];
function start(cmd: string, argv: string[], env: Record<string, string> = {}): ChildProcess {
  const c = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, cwd: ROOT });
  let err = '';
  c.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  c.on('exit', (code) => {
    if (code && code !== 0 && !stopping) process.stderr.write(`${cmd} exited ${code}: ${err}\n`);
  });
  children.push(c);
  return c;
}
let stopping = false;
function stopAll(): void {
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.pid) c.kill('SIGTERM');
}
process.on('exit', stopAll);

const oneRecord = JSON.stringify({ records: [{ corporation: 'acme', lastmonth_activity: 120, lastyear_activity: 1800, number_of_employees: 25 }] });

async function load(url: string, seconds: number, body = oneRecord): Promise<AutocannonResult> {
  return autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: seconds });
}

function summary(r: AutocannonResult) {
  return { reqPerSec: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, maxMs: r.latency.max, errors: r.errors + r.timeouts + r.non2xx, connectionErrors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, total: r.requests.total };
}

async function main() {
  const startedAt = new Date().toISOString();
  const load0 = loadavg()[0];
  if (!args.includes('--no-build')) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', 'src', 'bench'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '';

  // The workspace: the demo's 10,000 clients, one run (v1 deployed).
  const ws = join(OUT_DIR, 'server-ws');
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  simulate({ out: ws, clients: 10_000, months: 12, seed: 42 });
  const ctx = await context(join(ws, 'config.json'));
  const run = await runPipeline(ctx);
  await ctx.store.close();
  const data = join(ws, 'ingesteddata', 'finaldata.csv');
  console.log(`workspace ${ws}: ${run.status}, deployed ${run.deployed}`);

  const rwPort = await freePort();
  // RW_SERVER_NODE_FLAGS: node flags for the riskwatch server (e.g. V8 heap sizing experiments).
  const nodeFlags = (process.env.RW_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const rw = start(process.execPath, [...nodeFlags, join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', join(ws, 'config.json'), 'serve', '--port', String(rwPort), '--log-level', 'warn']);
  await waitFor(`http://127.0.0.1:${rwPort}/ready`, rw, 'riskwatch serve');
  let basePort = 0;
  let basePid: number | undefined;
  if (BASELINE) {
    basePort = await freePort();
    const base = start(process.execPath, [...nodeFlags, join(BASELINE, 'dist', 'cli', 'riskwatch.mjs'), '--config', join(ws, 'config.json'), 'serve', '--port', String(basePort), '--log-level', 'warn']);
    await waitFor(`http://127.0.0.1:${basePort}/ready`, base, 'riskwatch serve (baseline)');
    basePid = base.pid;
  }
  const barePort = await freePort();
  const bare = start(process.execPath, [join(BENCH_DIR, 'bare-fastify.mjs'), String(barePort)]);
  await waitFor(`http://127.0.0.1:${barePort}/bare`, bare, 'bare fastify');
  let pyPort = 0;
  if (!SKIP_PYTHON) {
    pyPort = await freePort();
    // gthread workers keep connections alive (as behind a proxy); the default sync workers close
    // every connection, which autocannon counts as errors with ~1 s reconnect stalls (see BENCHMARKS.md).
    const py = start('/usr/bin/gunicorn', ['-w', '2', '-k', 'gthread', '--threads', '4', '-b', `127.0.0.1:${pyPort}`, '--chdir', BENCH_DIR, '--log-level', 'warning', 'python_server:app'], { RW_DATA: data });
    await waitFor(`http://127.0.0.1:${pyPort}/health`, py, 'gunicorn');
  }
  // The node servers' pids, for their CPU time per request (see cpuSeconds).
  const pids: Record<string, number | undefined> = { 'bare fastify route': bare.pid, 'riskwatch POST /prediction': rw.pid };
  if (basePid) pids['riskwatch baseline POST /prediction'] = basePid;
  const targets: Array<[string, string]> = [
    ['bare fastify route', `http://127.0.0.1:${barePort}/bare`],
    ['riskwatch POST /prediction', `http://127.0.0.1:${rwPort}/prediction`],
    ...(BASELINE ? ([['riskwatch baseline POST /prediction', `http://127.0.0.1:${basePort}/prediction`]] as Array<[string, string]>) : []),
    ...(SKIP_PYTHON ? [] : ([['Flask + gunicorn (2 workers)', `http://127.0.0.1:${pyPort}/prediction`]] as Array<[string, string]>)),
  ];
  // Check every side answers the record before loading it.
  for (const [name, url] of targets) {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: oneRecord });
    if (r.status !== 200) throw new Error(`${name}: ${r.status} ${await r.text()}`);
  }

  const single: Record<string, Array<ReturnType<typeof summary> & { cpuUsPerRequest: number | null }>> = {};
  for (const [name, url] of targets) await load(url, 2); // warm-up (JIT, gunicorn workers)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, url] of targets) {
      const pid = pids[name];
      const cpu0 = pid ? cpuSeconds(pid) : Number.NaN;
      const a = await load(url, DURATION);
      // CPU time the server spent per request: unlike req/s it hardly moves with the machine's
      // load (other processes take turns on the cores, not this process's instructions).
      const cpuUsPerRequest = pid ? +(((cpuSeconds(pid) - cpu0) / a.requests.total) * 1e6).toFixed(1) : null;
      const r = { ...summary(a), cpuUsPerRequest };
      (single[name] ??= []).push(r);
      console.log(`round ${round + 1} ${name}: ${r.reqPerSec} req/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, errors ${r.errors} (connection ${r.connectionErrors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx})${cpuUsPerRequest === null ? '' : `, server CPU ${cpuUsPerRequest} µs/request`}, load ${loadavg()[0].toFixed(1)}`);
    }
  }

  // Memory over MILLION single-record requests (RSS of the riskwatch process).
  let memory = null;
  if (MILLION > 0) {
    // RSS once the process has served a first 100,000 requests (JIT, pools and heap grown), then
    // over MILLION more.
    await autocannon({ url: `http://127.0.0.1:${rwPort}/prediction`, method: 'POST', headers: { 'content-type': 'application/json' }, body: oneRecord, connections: CONNECTIONS, amount: 100_000 });
    await new Promise((res) => setTimeout(res, 3000));
    const before = rssMb(rw.pid!);
    let peak = before;
    const samples: number[] = [];
    // V8 heap used, from the server's /metrics: its floor (the lowest values, just after
    // collections) rises only if something is kept per request.
    const heap: number[] = [];
    const heapNow = async () => {
      const text = await (await fetch(`http://127.0.0.1:${rwPort}/metrics`)).text();
      return Number(/^nodejs_heap_size_used_bytes (\d+)/m.exec(text)?.[1]) / 2 ** 20;
    };
    const timer = setInterval(() => {
      const v = rssMb(rw.pid!);
      samples.push(v);
      peak = Math.max(peak, v);
      heapNow().then((h) => heap.push(h), () => undefined);
    }, 1000);
    const t0 = Date.now();
    const r = await autocannon({ url: `http://127.0.0.1:${rwPort}/prediction`, method: 'POST', headers: { 'content-type': 'application/json' }, body: oneRecord, connections: CONNECTIONS, amount: MILLION });
    clearInterval(timer);
    const seconds = (Date.now() - t0) / 1000;
    const after = rssMb(rw.pid!);
    await new Promise((res) => setTimeout(res, 3000));
    const settled = rssMb(rw.pid!);
    const tenth = Math.max(1, Math.floor(heap.length / 10));
    const floor = (xs: number[]) => +Math.min(...xs).toFixed(1);
    const heapFloor = { firstTenthMb: floor(heap.slice(0, tenth)), lastTenthMb: floor(heap.slice(-tenth)), samples: heap.length, min: floor(heap), max: +Math.max(...heap).toFixed(1) };
    console.log(`heap used floor: first tenth of the run ${heapFloor.firstTenthMb} MB, last tenth ${heapFloor.lastTenthMb} MB (${heap.length} samples, range ${heapFloor.min}–${heapFloor.max} MB)`);
    memory = { heapFloor, requests: r.requests.total, seconds: +seconds.toFixed(1), errors: r.errors + r.timeouts + r.non2xx, rssBeforeMb: +before.toFixed(1), rssAfterMb: +after.toFixed(1), rssSettledMb: +settled.toFixed(1), rssPeakMb: +peak.toFixed(1), changePct: +(((after - before) / before) * 100).toFixed(1), reqPerSec: Math.round(r.requests.average), p99ms: r.latency.p99, samples: samples.map((s) => +s.toFixed(1)) };
    console.log(`memory over ${r.requests.total} requests (${memory.seconds} s): RSS ${memory.rssBeforeMb} → ${memory.rssAfterMb} MB (${memory.changePct}%), peak ${memory.rssPeakMb} MB, errors ${memory.errors}`);
  }

  // A 10,000-record batch, one request at a time.
  const lines = readFileSync(data, 'utf8').trim().split('\n').slice(1, 10_001);
  const records = lines.map((l) => {
    const [corporation, a, b, c] = l.split(',');
    const n = (s: string) => (s === '' ? null : Number(s));
    return { corporation, lastmonth_activity: n(a), lastyear_activity: n(b), number_of_employees: n(c) };
  });
  const batchBody = JSON.stringify({ records });
  const batch = async (url: string, runs: number) => {
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batchBody });
      const body = (await r.json()) as { predictions: unknown[] };
      const ms = performance.now() - t0;
      if (r.status !== 200 || body.predictions.length !== 10_000) throw new Error(`batch: ${r.status}`);
      if (i >= 3) times.push(ms);
    }
    times.sort((a, b) => a - b);
    return { medianMs: +times[Math.floor(times.length / 2)].toFixed(1), p95Ms: +times[Math.floor(times.length * 0.95)].toFixed(1), maxMs: +times[times.length - 1].toFixed(1), runs, bodyBytes: batchBody.length };
  };
  const batchRw = await batch(`http://127.0.0.1:${rwPort}/prediction`, 30);
  console.log(`10,000-record batch, riskwatch: median ${batchRw.medianMs} ms, p95 ${batchRw.p95Ms} ms`);
  const batchPy = SKIP_PYTHON ? null : await batch(`http://127.0.0.1:${pyPort}/prediction`, 10);
  if (batchPy) console.log(`10,000-record batch, Flask: median ${batchPy.medianMs} ms, p95 ${batchPy.p95Ms} ms`);

  // Cost of per-request logging: the same server at --log-level info, log lines to a pipe.
  rw.kill('SIGTERM');
  const infoPort = await freePort();
  const rwInfo = start(process.execPath, [join(ROOT, 'dist', 'cli', 'riskwatch.mjs'), '--config', join(ws, 'config.json'), 'serve', '--port', String(infoPort), '--log-level', 'info']);
  await waitFor(`http://127.0.0.1:${infoPort}/ready`, rwInfo, 'riskwatch serve (info)');
  await load(`http://127.0.0.1:${infoPort}/prediction`, 2);
  const withLogging = summary(await load(`http://127.0.0.1:${infoPort}/prediction`, DURATION));
  console.log(`riskwatch with info request logs: ${withLogging.reqPerSec} req/s, p99 ${withLogging.p99ms} ms`);

  stopAll();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rps = (name: string) => mean(single[name].map((s) => s.reqPerSec));
  const cpu = (name: string) => mean(single[name].map((s) => s.cpuUsPerRequest ?? Number.NaN));
  const rwName = 'riskwatch POST /prediction';
  const result = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, loadavg1Start: load0, loadavg1End: loadavg()[0] },
    code: { git, dirty, baseline: BASELINE ? { dir: BASELINE, git: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BASELINE, encoding: 'utf8' }).stdout.trim() } : null },
    settings: { durationS: DURATION, connections: CONNECTIONS, rounds: ROUNDS, serverNodeFlags: nodeFlags },
    single,
    ratios: {
      riskwatchOverFlask: SKIP_PYTHON ? null : +(rps(rwName) / rps('Flask + gunicorn (2 workers)')).toFixed(2),
      riskwatchOverBare: +(rps(rwName) / rps('bare fastify route')).toFixed(2),
      riskwatchOverBaseline: BASELINE ? +(rps(rwName) / rps('riskwatch baseline POST /prediction')).toFixed(3) : null,
      cpuPerRequestOverBaseline: BASELINE ? +(cpu(rwName) / cpu('riskwatch baseline POST /prediction')).toFixed(3) : null,
    },
    batch: { riskwatch: batchRw, flask: batchPy },
    memory,
    withLogging,
  };
  writeFileSync(join(OUT_DIR, 'server-results.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify({ ratios: result.ratios, machine: result.machine, code: result.code }, null, 2));
  if (!existsSync(join(OUT_DIR, 'server-results.json'))) throw new Error('results not written');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:server: ${err.message}\n`);
    stopAll();
    process.exit(1);
  },
);
