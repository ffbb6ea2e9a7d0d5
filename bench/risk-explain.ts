/**
 * GET /risk?explain=3 for 10,000 current clients (issue 17, Performance: ≤ 1 s the first time, then
 * served from cache), for a logistic and a gbdt production model (100 trees of up to 31 leaves),
 * side by side in one run.
 *
 *   npm run build && node --import tsx bench/risk-explain.ts [--clients N] [--repeat R] [--before DIR]
 *
 * --before DIR: a built checkout of other code (the code before a change) served on the same
 * workspaces in the same run, first; the bench says whether both answered byte for byte the same.
 *
 * The workspace: the tests' generated CRM table (4 counts/numbers, 3 categories), 10,000 labelled
 * rows to train on and a population file of N unlabelled current clients (`population` config).
 * riskwatch runs as users run it (`node dist/cli/riskwatch.mjs serve --log-level warn`) in its
 * own process, started afresh for each family; the first request is sent as soon as /ready
 * answers, so it pays for whatever the server has not done yet (ranking the list if the start-up
 * warm-up has not finished, the contributions of every client, the reason texts). Then R more
 * requests of the same URL (served from the cached list). Wall time per request as this process
 * sees it (fetch until the whole body is read), and the server's CPU seconds (/proc/PID/stat,
 * all its threads: the TreeSHAP threads' too).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/ingest/ingest.ts';
import { train } from '../src/model/train.ts';
import { deploy } from '../src/model/deploy.ts';
import { context, makeWorkspace, ROOT } from '../test/helpers/workspace.ts';
import { crmConfig, crmCsv, crmRows } from '../test/helpers/crm-table.ts';
import { median } from './median.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
const CLIENTS = opt('clients', 10_000);
const REPEAT = opt('repeat', 5);
// --before DIR: another riskwatch checkout, built (e.g. the code before a change), served on the
// same workspaces in the same run, before this one; its answers must be byte for byte the same.
const BEFORE = args.includes('--before') ? args[args.indexOf('--before') + 1] : undefined;
const builds: [string, string][] = [...(BEFORE ? ([['before', BEFORE]] as [string, string][]) : []), [BEFORE ? 'after' : '', ROOT]];

async function serve(root: string, config: string, port: number) {
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'riskwatch.mjs'), '--config', config, '--log-level', 'warn', 'serve', '--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  for (let k = 0; k < 600; k++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('server did not start');
}

/** The server process's CPU seconds so far (user + sys, /proc/PID/stat fields 14 and 15; Linux, 100 ticks/s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function timed(url: string): Promise<{ ms: number; rows: number; reasons: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  const ms = performance.now() - t0;
  const body = JSON.parse(text) as { rows?: { reasons?: unknown[] }[] };
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  const rows = body.rows ?? [];
  return { ms, rows: rows.length, reasons: rows.filter((r) => Array.isArray(r.reasons) && r.reasons.length > 0).length, text };
}

const lines: string[] = [];
const results: Record<string, unknown>[] = [];
for (const [family, model] of [
  ['logistic', { standardize: true }],
  ['gbdt', { family: 'gbdt', gbdt: { max_leaves: 31, max_iter: 100, min_samples_leaf: 20 } }],
] as const) {
  const ws = makeWorkspace({ ...crmConfig(model), population: 'population.csv' });
  writeFileSync(join(ws.source, 'clients.csv'), crmCsv(crmRows(10_000, 1)));
  writeFileSync(join(ws.test, 'test.csv'), crmCsv(crmRows(500, 2, { prefix: 't' })));
  writeFileSync(join(ws.dir, 'population.csv'), crmCsv(crmRows(CLIENTS, 3, { prefix: 'p' }), { label: false }));
  const ctx = await context(ws.config);
  await ingest(ctx);
  const trained = await train(ctx);
  await deploy(ctx, trained.version);
  await ctx.store.close();
  const answers: string[] = [];
  for (const [build, root] of builds) {
    const port = 18_000 + Math.floor(Math.random() * 1000);
    const child = await serve(root, ws.config, port);
    try {
      const url = `http://127.0.0.1:${port}/risk?explain=3&top=${CLIENTS}`;
      const cpu0 = cpuSeconds(child.pid!);
      const first = await timed(url);
      const cpuFirst = cpuSeconds(child.pid!) - cpu0;
      // Since the process started: start-up, its warm-up, the first answer.
      const cpuSinceStart = cpuSeconds(child.pid!);
      const again: number[] = [];
      const cpu1 = cpuSeconds(child.pid!);
      for (let i = 0; i < REPEAT; i++) again.push((await timed(url)).ms);
      const cpuAgain = (cpuSeconds(child.pid!) - cpu1) / REPEAT;
      answers.push(first.text);
      const trees = (trained as { trees?: number | null }).trees ?? null;
      lines.push(
        `${family.padEnd(9)} ${build.padEnd(6)} ${trees === null ? '' : `${trees} trees `}first ${first.ms.toFixed(0)} ms (server CPU ${cpuFirst.toFixed(2)} s, ${cpuSinceStart.toFixed(2)} s since it started; ${first.rows} rows, ${first.reasons} with reasons)  then median ${median(again).toFixed(0)} ms (${again.map((m) => m.toFixed(0)).join(', ')}; server CPU ${(cpuAgain * 1000).toFixed(0)} ms each)`,
      );
      results.push({ family, build, trees, clients: CLIENTS, firstMs: first.ms, firstServerCpuS: cpuFirst, serverCpuSinceStartS: cpuSinceStart, cachedServerCpuS: cpuAgain, rows: first.rows, rowsWithReasons: first.reasons, cachedMs: again });
    } finally {
      child.kill();
    }
  }
  if (answers.length > 1) lines.push(`${family.padEnd(9)} answers before and after ${answers.every((a) => a === answers[0]) ? 'byte for byte the same' : 'DIFFER'} (${answers[0].length} bytes)`);
  rmSync(ws.dir, { recursive: true, force: true });
}
console.log(lines.join('\n'));
console.log(`${CLIENTS} clients, explain=3; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(JSON.stringify({ date: new Date().toISOString(), results }));
