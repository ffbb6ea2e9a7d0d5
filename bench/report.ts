/**
 * The reporting issue's figures, as whole CLI commands (process start included), median of 3:
 *  - `riskwatch report` for 10,000 clients (the simulator's workspace after its first run);
 *  - `riskwatch report` for 1,000,000 rows: a 1M-row dataset (one ingestion, so the drift batch
 *    is all of it) and 1M rows of test data (every curve from 1M scored rows);
 * with the size of what each writes; and a completed `run` on 10,000 clients with and without its
 * report (interleaved, 5 each): wall, CPU, and the run's own timings.report / timings.total. The registry checks are excluded (--no-dependencies), as in
 * the diagnose figure.
 * Run: npm run bench:report   (generates bench/out/clients-1000000-s42.csv and -s43 if missing).
 * Prints JSON.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../src/simulate/generate.ts';
import { workspaceConfig } from '../src/config/workspace-config.ts';
import { generate } from './generate.ts';
import { median } from './median.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist', 'cli', 'riskwatch.mjs');
const OUT = join(ROOT, 'bench', 'out', 'report');

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [BIN, ...args, '--log-level', 'warn'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

/**
 * Wall and CPU (user + sys) seconds per run, through /usr/bin/time: on a machine shared with other
 * work, wall time mostly measures the neighbours; CPU time is what the command costs.
 */
function time(args: string[], runs = 3): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, BIN, ...args, '--log-level', 'warn'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr)!;
    wall.push(Number(m[1]));
    cpu.push(Math.round((Number(m[2]) + Number(m[3])) * 100) / 100);
  }
  return { wall, cpu };
}

function sizes(dir: string): { totalBytes: number; pdfBytes: number; largestSvgBytes: number; largestPngBytes: number; files: number } {
  const files = readdirSync(dir).map((f) => ({ f, bytes: statSync(join(dir, f)).size }));
  const max = (ext: string) => Math.max(0, ...files.filter((x) => x.f.endsWith(ext)).map((x) => x.bytes));
  return { totalBytes: files.reduce((s, x) => s + x.bytes, 0), pdfBytes: max('.pdf'), largestSvgBytes: max('.svg'), largestPngBytes: max('.png'), files: files.length };
}


rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// 10,000 clients: the simulator's workspace after one run (which writes its own report too).
const small = join(OUT, 'small');
simulate({ out: small });
cli(['--config', join(small, 'config.json'), 'run']);
const smallTimes = time(['--config', join(small, 'config.json'), 'report', '--no-dependencies', '--out', join(small, 'bench-report')]);
const smallSizes = sizes(join(small, 'bench-report'));

// A completed `run` on 10,000 clients, with and without its report (report.enabled false),
// interleaved on fresh copies of the simulator's workspace: what the report adds to a run.
const fresh = join(OUT, 'fresh');
simulate({ out: fresh });
const runTimes: Record<'on' | 'off', { wall: number[]; cpu: number[]; report: number[]; steps: number[] }> = { on: { wall: [], cpu: [], report: [], steps: [] }, off: { wall: [], cpu: [], report: [], steps: [] } };
for (let i = 0; i < 5; i++) {
  for (const mode of ['on', 'off'] as const) {
    const ws = join(OUT, `run-${mode}`);
    rmSync(ws, { recursive: true, force: true });
    cpSync(fresh, ws, { recursive: true });
    if (mode === 'off') writeFileSync(join(ws, 'config.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(ws, 'config.json'), 'utf8')), report: { enabled: false } }));
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, BIN, '--config', join(ws, 'config.json'), 'run', '--json', '--log-level', 'warn'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`run: ${r.stderr}`);
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr)!;
    const out = JSON.parse(r.stdout) as { status: string; timings: Record<string, number> };
    if (out.status !== 'completed') throw new Error(`run: ${out.status}`);
    runTimes[mode].wall.push(Number(m[1]));
    runTimes[mode].cpu.push(Math.round((Number(m[2]) + Number(m[3])) * 100) / 100);
    runTimes[mode].report.push(out.timings.report ?? 0);
    runTimes[mode].steps.push(out.timings.total);
  }
}

// 1,000,000 rows.
const data = generate({ rows: 1_000_000, seed: 42 }).path;
const test = generate({ rows: 1_000_000, seed: 43, idPrefix: 'test-' }).path;
const big = join(OUT, 'big');
mkdirSync(join(big, 'sourcedata'), { recursive: true });
mkdirSync(join(big, 'testdata'), { recursive: true });
cpSync(data, join(big, 'sourcedata', 'clients.csv'));
cpSync(test, join(big, 'testdata', 'testdata.csv'));
writeFileSync(join(big, 'config.json'), JSON.stringify(workspaceConfig()));
const bc = ['--config', join(big, 'config.json')];
for (const cmd of ['ingest', 'train', 'score', 'deploy']) cli([...bc, cmd]);
const bigTimes = time([...bc, 'report', '--no-dependencies', '--out', join(big, 'bench-report')]);
const bigSizes = sizes(join(big, 'bench-report'));

const load = (await import('node:os')).loadavg().map((v) => Math.round(v * 10) / 10);
const fig = (t: { wall: number[]; cpu: number[] }) => ({ wallSeconds: median(t.wall), cpuSeconds: median(t.cpu), wall: t.wall, cpu: t.cpu });
const runFig = (t: (typeof runTimes)['on']) => ({ wallSeconds: median(t.wall), wallMin: Math.min(...t.wall), cpuSeconds: median(t.cpu), reportSeconds: median(t.report), reportMin: Math.min(...t.report), stepsSeconds: median(t.steps), ...t });
console.log(JSON.stringify({ loadAverage: load, run10kClients: { withReport: runFig(runTimes.on), withoutReport: runFig(runTimes.off) }, report10kClients: { ...fig(smallTimes), ...smallSizes }, report1MRows: { ...fig(bigTimes), ...bigSizes } }, null, 2));
