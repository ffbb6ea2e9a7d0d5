/**
 * Issue 15's performance figures: riskwatch on a client table with categories, side by side with
 * pandas / scikit-learn in the same run, same machine, same files.
 *
 *   npm run bench:categories                       # 1,000,000 rows, 800,000 to train on
 *   npm run bench:categories -- --rows 100000 --train-rows 80000 --runs 1   # quick check
 *
 * Options: --rows N (1000000)  --train-rows T (800000)  --runs R (3)  --warmup W (1)
 *          --only ingest,train,drift  --no-build  --skip-python  --direct  --compare-direct
 * --compare-direct: ingest and train also run as `bin/riskwatch` and as `node …/riskwatch.mjs`
 * alternately, run for run (the launcher's effect, measured in one stretch of time).
 *
 * Data (bench/crm-table.ts, generated once into bench/out/): the N-row table (id, 4 count and 4
 * number columns, 5 text categories, label Yes/No, 1% empty cells, 2% exact duplicate rows;
 * ~79 MB at 1M rows), its first T rows, and N rows of a shifted population (seed 43: moved
 * numbers, another category mix, a region the reference never had) for `drift`.
 *
 * Measured (CLI: `<snapshot>/bin/riskwatch --config … <cmd> --json`, the package's bin as users run
 * it — or `node <snapshot>/dist/cli/riskwatch.mjs …` with --direct, without the launcher's settings — under
 * /usr/bin/time -v — wall clock around the child, user + sys CPU and peak RSS from time -v;
 * R runs after W untimed warm-ups; the 1-minute load average before and after each step):
 *  - ingest of the N rows, whole command, from an empty workspace every run; against pandas'
 *    read_csv of the same file in-process (bench/categories_python.py: wall and process CPU);
 *    then the same with the file read in one part on one thread (RISKWATCH_PARALLEL_READ_BYTES=1e15;
 *    by default ingest reads it in two parts);
 *  - train on the T rows (ingested once, untimed; the workspace restored before every run so
 *    each trains anew), whole command, the one-hot fit alone in-process, and the pipeline's work
 *    in-process on one thread — medians, one-hot, standardize, Newton (bench/categories-inprocess.ts
 *    fit, then pipeline, each in a process of its own); against scikit-learn's pipeline fitted on
 *    the same rows in-process;
 *  - drift of the N shifted rows against a model trained on the N rows (its reference: N rows,
 *    deduplicated), whole command (`drift --data FILE`), and in-process: the read of the file and
 *    analyseDrift alone (bench/categories-inprocess.ts drift).
 * The CLI and the in-process parts run a snapshot of src/ built in $TMPDIR/riskwatch-bench/
 * snapshot-categories (as bench/run.ts does), unless --no-build. Prints a table; writes
 * bench/out/categories-results.json.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CRM_CATEGORIES, CRM_COUNTS, CRM_FEATURES, CRM_NUMBERS, crmTablePath, generateCrmTable } from './crm-table.ts';
import { workspaceConfig } from '../src/config/workspace-config.ts';
import { median } from './median.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
const SNAP = join(tmpdir(), 'riskwatch-bench', 'snapshot-categories');
const CLI_BUNDLE = join(SNAP, 'dist', 'cli', 'riskwatch.mjs');
const CLI_BIN = join(SNAP, 'bin', 'riskwatch');
const PYTHON = '/usr/bin/python3';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'train-rows': { type: 'string', default: '800000' },
    runs: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    only: { type: 'string', default: 'ingest,train,drift' },
    'no-build': { type: 'boolean', default: false },
    'skip-python': { type: 'boolean', default: false },
    direct: { type: 'boolean', default: false },
    'compare-direct': { type: 'boolean', default: false },
  },
});
const N = Number(values.rows);
const T = Number(values['train-rows']);
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);
const only = new Set(values.only!.split(','));

const sh = (cmd: string) => (spawnSync('sh', ['-c', cmd], { encoding: 'utf8' }).stdout ?? '').trim();
const load1 = () => +loadavg()[0].toFixed(2);

interface Run {
  wallS: number;
  cpuS: number;
  userS: number;
  sysS: number;
  maxRssMb: number;
  stdout: string;
}

/** One command (its program and arguments) under /usr/bin/time -v. */
function measure(args: string[], env?: Record<string, string>): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: env ? { ...process.env, ...env } : process.env });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}\n${r.stderr.slice(-3000)}`);
  const num = (re: RegExp) => Number(re.exec(r.stderr)?.[1] ?? Number.NaN);
  const userS = num(/User time \(seconds\): ([\d.]+)/);
  const sysS = num(/System time \(seconds\): ([\d.]+)/);
  return { wallS, userS, sysS, cpuS: userS + sysS, maxRssMb: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024, stdout: r.stdout };
}

interface Step {
  label: string;
  load: [number, number];
  runs: Run[];
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  output: unknown;
}

function repeat(label: string, args: string[], before?: () => void, env?: Record<string, string>): Step {
  const load0 = load1();
  const runs: Run[] = [];
  for (let k = 0; k < WARMUP + RUNS; k++) {
    before?.();
    const m = measure(args, env);
    process.stderr.write(`  ${label} ${k < WARMUP ? 'warm-up' : `run ${k - WARMUP + 1}/${RUNS}`}: ${m.wallS.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU, ${m.maxRssMb.toFixed(0)} MB (load ${load1()})\n`);
    if (k >= WARMUP) runs.push(m);
  }
  const last = runs[runs.length - 1].stdout.trim().split('\n').pop() ?? '';
  let output: unknown = last;
  try {
    output = JSON.parse(last);
  } catch {
    /* not JSON */
  }
  return { label, load: [load0, load1()], runs: runs.map((r) => ({ ...r, stdout: '' })), wallS: median(runs.map((r) => r.wallS)), cpuS: median(runs.map((r) => r.cpuS)), peakRssMb: Math.max(...runs.map((r) => r.maxRssMb)), output };
}

function buildSnapshot(): { gitHead: string; dirty: boolean } {
  const gitHead = sh(`git -C ${JSON.stringify(ROOT)} rev-parse HEAD`);
  const dirty = sh(`git -C ${JSON.stringify(ROOT)} status --porcelain -- src`) !== '';
  if (values['no-build']) {
    if (!existsSync(CLI_BUNDLE) || !existsSync(CLI_BIN)) throw new Error(`${CLI_BUNDLE} or ${CLI_BIN} not found; run without --no-build first`);
    return JSON.parse(readFileSync(join(SNAP, 'source.json'), 'utf8'));
  }
  rmSync(SNAP, { recursive: true, force: true });
  mkdirSync(SNAP, { recursive: true });
  for (const d of ['src', 'scripts', 'dashboard', 'assets', 'bin']) cpSync(join(ROOT, d), join(SNAP, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) copyFileSync(join(ROOT, f), join(SNAP, f));
  symlinkSync(join(ROOT, 'node_modules'), join(SNAP, 'node_modules'), 'dir');
  process.stderr.write(`snapshot of src/ (git ${gitHead.slice(0, 10)}${dirty ? ' + uncommitted changes' : ''}) → building ${SNAP}/dist\n`);
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: SNAP, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) throw new Error('build of the src/ snapshot failed');
  const source = { gitHead, dirty };
  writeFileSync(join(SNAP, 'source.json'), JSON.stringify(source));
  return source;
}

/** The first `rows` data rows of `from` (and its header) into `to`, once. */
async function head(from: string, to: string, rows: number): Promise<void> {
  if (existsSync(to)) return;
  const out = createWriteStream(`${to}.tmp`);
  let n = -1;
  for await (const line of createInterface({ input: createReadStream(from) })) {
    if (n++ >= rows) break;
    if (!out.write(line + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
  sh(`mv ${JSON.stringify(`${to}.tmp`)} ${JSON.stringify(to)}`);
}

/** A workspace with the client table's config and `data` in sourcedata/. */
function workspace(name: string, data: string): { dir: string; config: string; fresh: () => void } {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'sourcedata'), { recursive: true });
  mkdirSync(join(dir, 'testdata'), { recursive: true });
  const featureTypes = Object.fromEntries([...CRM_COUNTS.map((f) => [f, 'count']), ...CRM_NUMBERS.map((f) => [f, 'number']), ...CRM_CATEGORIES.map((f) => [f, 'category'])]);
  const config = workspaceConfig({ id_column: 'client_id', target_column: 'churned', target_positive: 'Yes', target_negative: 'No', features: [...CRM_FEATURES], feature_types: featureTypes, model: { standardize: true } } as never);
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
  symlinkSync(data, join(dir, 'sourcedata', 'clients.csv'));
  // Test data: the first 2,000 rows of the shifted table (only `run` and `score` read it).
  copyFileSync(join(OUT, 'crm-test-2000.csv'), join(dir, 'testdata', 'testdata.csv'));
  const fresh = () => {
    for (const d of ['ingesteddata', 'models', 'production_deployment']) rmSync(join(dir, d), { recursive: true, force: true });
    for (const s of ['', '-wal', '-shm', '-journal']) rmSync(join(dir, `riskwatch.db${s}`), { force: true });
  };
  return { dir, config: configPath, fresh };
}

const started = new Date().toISOString();
const loadStart = loadavg();
const source = buildSnapshot();
mkdirSync(OUT, { recursive: true });
const ref = generateCrmTable({ rows: N, seed: 42 });
const cur = generateCrmTable({ rows: N, seed: 43, shift: 1 });
const trainFile = join(OUT, `crm-${N}-s42-head${T}.csv`);
await head(ref.path, trainFile, T);
await head(cur.path, join(OUT, 'crm-test-2000.csv'), 2000);
process.stderr.write(`data: ${ref.path} (${(ref.bytes / 1e6).toFixed(1)} MB), ${cur.path}, ${trainFile}\n`);

const results: Record<string, unknown> = { started, launcher: values.direct ? 'node dist/cli/riskwatch.mjs' : 'bin/riskwatch', rows: N, trainRows: T, runs: RUNS, warmup: WARMUP, source, machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, kernel: sh('uname -sr') }, files: { reference: ref, current: cur.path, train: trainFile } };
const cli = (config: string, ...rest: string[]) => [...(values.direct ? [process.execPath, CLI_BUNDLE] : [CLI_BIN]), '--config', config, ...rest];
const inproc = (...rest: string[]) => ['--import', 'tsx', join(ROOT, 'bench', 'categories-inprocess.ts'), ...rest, '--src', join(SNAP, 'src')];

let py: Record<string, any> | null = null;
const python = (skipFit: boolean) => {
  if (values['skip-python']) return null;
  process.stderr.write(`python (${skipFit ? 'read_csv' : 'read_csv and the pipeline fit'}, in-process)…\n`);
  const load0 = load1();
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', 'categories_python.py'), '--data', ref.path, '--train', trainFile, '--runs', String(RUNS), ...(skipFit ? ['--skip-fit'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`categories_python.py failed:\n${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), load: [load0, load1()] };
};
py = python(!only.has('train'));
results.python = py;

/** `bin/riskwatch …` and `node dist/cli/riskwatch.mjs …` alternately, `before` each: [bin, direct]. */
function launcherPairs(label: string, rest: string[], before?: () => void): [Step, Step] {
  const load0 = load1();
  const runs: [Run[], Run[]] = [[], []];
  for (let k = 0; k < WARMUP + RUNS; k++) {
    for (const v of [0, 1] as const) {
      before?.();
      const m = measure([...(v === 0 ? [CLI_BIN] : [process.execPath, CLI_BUNDLE]), ...rest]);
      process.stderr.write(`  ${label} ${v === 0 ? 'bin/riskwatch' : 'node riskwatch.mjs'} ${k < WARMUP ? 'warm-up' : `run ${k - WARMUP + 1}/${RUNS}`}: ${m.wallS.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU (load ${load1()})\n`);
      if (k >= WARMUP) runs[v].push(m);
    }
  }
  const step = (v: 0 | 1): Step => ({ label: `${label} ${v === 0 ? 'bin' : 'direct'}`, load: [load0, load1()], runs: runs[v].map((r) => ({ ...r, stdout: '' })), wallS: median(runs[v].map((r) => r.wallS)), cpuS: median(runs[v].map((r) => r.cpuS)), peakRssMb: Math.max(...runs[v].map((r) => r.maxRssMb)), output: null });
  return [step(0), step(1)];
}
const pairRow = (what: string, [bin, direct]: [Step, Step]) =>
  `| … ${what}: \`bin/riskwatch\` and \`node dist/cli/riskwatch.mjs\` run for run (--compare-direct) | bin ${bin.wallS.toFixed(2)} s wall, ${bin.cpuS.toFixed(2)} s CPU; node ${direct.wallS.toFixed(2)} s wall, ${direct.cpuS.toFixed(2)} s CPU | | launcher ${(bin.wallS / direct.wallS).toFixed(2)}× by wall, ${(bin.cpuS / direct.cpuS).toFixed(2)}× by CPU |`;

const lines: string[] = [];
const cell = (s: Step) => `${s.wallS.toFixed(2)} s wall, **${s.cpuS.toFixed(2)} s CPU** (load ${s.load[0]}→${s.load[1]})`;
const ms = (t: { wallMs: number; cpuMs: number }) => `${(t.wallMs / 1000).toFixed(3)} s wall, ${(t.cpuMs / 1000).toFixed(3)} s CPU`;

if (only.has('ingest')) {
  process.stderr.write('ingest (whole command)…\n');
  const ws = workspace('ws-categories', ref.path);
  const ingest = repeat('ingest', cli(ws.config, 'ingest', '--json'), ws.fresh);
  results.ingest = ingest;
  const pr = py?.read_csv;
  lines.push(`| ingest ${N.toLocaleString('en-US')} rows, whole command | ${cell(ingest)}; peak RSS ${ingest.peakRssMb.toFixed(0)} MB | ${pr ? `read_csv in-process: ${pr.median_wall_s.toFixed(2)} s wall, **${pr.median_cpu_s.toFixed(2)} s CPU** (load ${py!.load[0]}→${py!.load[1]})` : '—'} | ${pr ? `${(ingest.cpuS / pr.median_cpu_s).toFixed(2)}× by CPU, ${(ingest.wallS / pr.median_wall_s).toFixed(2)}× by wall` : '—'} |`);
  // The same with the file read in one part on one thread (ingest reads files >= 32 MiB in two
  // parts by default: faster when the second core is idle, not when it is busy — see BENCHMARKS.md).
  const one = repeat('ingest, one-part read', cli(ws.config, 'ingest', '--json'), ws.fresh, { RISKWATCH_PARALLEL_READ_BYTES: '1000000000000000' });
  results.ingestOnePart = one;
  lines.push(`| … the same, read in one part (RISKWATCH_PARALLEL_READ_BYTES=1e15) | ${cell(one)}; peak RSS ${one.peakRssMb.toFixed(0)} MB | | ${pr ? `${(one.cpuS / pr.median_cpu_s).toFixed(2)}× by CPU, ${(one.wallS / pr.median_wall_s).toFixed(2)}× by wall` : '—'} |`);
  if (values['compare-direct']) {
    const pair = launcherPairs('ingest', ['--config', ws.config, 'ingest', '--json'], ws.fresh);
    results.ingestLauncher = pair;
    lines.push(pairRow('ingest', pair));
  }
}

if (only.has('train')) {
  process.stderr.write('train (whole command; the workspace restored before each run)…\n');
  const ws = workspace('ws-categories-train', trainFile);
  ws.fresh();
  measure(cli(ws.config, 'ingest', '--json'));
  const saved = join(OUT, 'ws-categories-train.saved');
  rmSync(saved, { recursive: true, force: true });
  mkdirSync(saved);
  for (const s of ['riskwatch.db', 'ingesteddata']) if (existsSync(join(ws.dir, s))) cpSync(join(ws.dir, s), join(saved, s), { recursive: true });
  // The restored files are written to disk before the timed run (`sync`), as ingest leaves them
  // (it fsyncs what it writes): else the kernel writes the copy's ~150 MB back during the run
  // (3 interleaved pairs without it: 0.03–0.17 s more system time per train).
  const restore = () => {
    ws.fresh();
    for (const s of ['riskwatch.db', 'ingesteddata']) if (existsSync(join(saved, s))) cpSync(join(saved, s), join(ws.dir, s), { recursive: true });
    spawnSync('sync');
  };
  const train = repeat('train', cli(ws.config, 'train', '--json'), restore);
  results.train = train;
  const trainPair = values['compare-direct'] ? launcherPairs('train', ['--config', ws.config, 'train', '--json'], restore) : undefined;
  if (trainPair) results.trainLauncher = trainPair;
  process.stderr.write('fit alone (in-process)…\n');
  const f = spawnSync(process.execPath, inproc('fit', '--config', ws.config, '--runs', String(RUNS)), { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (f.status !== 0) throw new Error(`categories-inprocess fit failed:\n${f.stderr}`);
  const fit = JSON.parse(f.stdout.trim().split('\n').pop()!);
  results.fit = fit;
  process.stderr.write("the pipeline's work (in-process, one thread)…\n");
  const g = spawnSync(process.execPath, inproc('pipeline', '--config', ws.config, '--runs', String(RUNS)), { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (g.status !== 0) throw new Error(`categories-inprocess pipeline failed:\n${g.stderr}`);
  const pipeline = JSON.parse(g.stdout.trim().split('\n').pop()!);
  results.pipeline = pipeline;
  if (pipeline.intercept !== fit.intercept) throw new Error(`the pipeline's work and the fit differ: intercept ${pipeline.intercept} vs ${fit.intercept}`);
  const pf = py?.fit;
  const tr = train.output as { trainingRows?: number; iterations?: number; intercept?: number };
  lines.push(`| train on ${T.toLocaleString('en-US')} rows (${tr.trainingRows} after dedup), whole command | ${cell(train)}; peak RSS ${train.peakRssMb.toFixed(0)} MB | ${pf ? `pipeline fit in-process: ${pf.median_wall_s.toFixed(2)} s wall, **${pf.median_cpu_s.toFixed(2)} s CPU**` : '—'} | ${pf ? `${(train.cpuS / pf.median_cpu_s).toFixed(2)}× by CPU, ${(train.wallS / pf.median_wall_s).toFixed(2)}× by wall` : '—'} |`);
  if (trainPair) lines.push(pairRow('train', trainPair));
  const warmCpu = median(fit.warm.map((t: { cpuMs: number }) => t.cpuMs)) / 1000;
  const warmWall = median(fit.warm.map((t: { wallMs: number }) => t.wallMs)) / 1000;
  lines.push(`| one-hot fit alone, in-process (${fit.iterations} Newton iterations + ${fit.warmIterations} on a subsample) | cold ${ms(fit.cold)}; warm ${warmWall.toFixed(3)} s wall, ${warmCpu.toFixed(3)} s CPU | ${pf ? `${pf.median_cpu_s.toFixed(2)} s CPU (${py!.fit_n_iter} lbfgs iterations${py!.fit_convergence_warning ? ', ConvergenceWarning' : ''})` : '—'} | ${pf ? `${(fit.cold.cpuMs / 1000 / pf.median_cpu_s).toFixed(3)}× (cold) by CPU` : '—'} |`);
  const pipeCpu = median(pipeline.warm.map((t: { cpuMs: number }) => t.cpuMs)) / 1000;
  const pipeWall = median(pipeline.warm.map((t: { wallMs: number }) => t.wallMs)) / 1000;
  lines.push(`| the pipeline's work in-process, one thread: medians + categories one-hot + standardize + Newton | cold ${ms(pipeline.cold)}; warm ${pipeWall.toFixed(3)} s wall, ${pipeCpu.toFixed(3)} s CPU | ${pf ? `Pipeline.fit ${pf.median_wall_s.toFixed(2)} s wall, ${pf.median_cpu_s.toFixed(2)} s CPU` : '—'} | ${pf ? `${(pipeline.cold.cpuMs / 1000 / pf.median_cpu_s).toFixed(3)}× (cold) by CPU, ${(pipeline.cold.wallMs / 1000 / pf.median_wall_s).toFixed(3)}× (cold) by wall` : '—'} |`);
  results.interceptRiskwatch = tr.intercept;
}

if (only.has('drift')) {
  process.stderr.write('drift: ingest, train and deploy on the reference (untimed)…\n');
  const ws = workspace('ws-categories-drift', ref.path);
  ws.fresh();
  measure(cli(ws.config, 'ingest', '--json'));
  measure(cli(ws.config, 'train', '--json'));
  measure(cli(ws.config, 'deploy', '--json'));
  const drift = repeat('drift', cli(ws.config, 'drift', '--data', cur.path, '--json'));
  results.drift = drift;
  const d = spawnSync(process.execPath, inproc('drift', '--config', ws.config, '--data', cur.path, '--runs', String(RUNS)), { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (d.status !== 0) throw new Error(`categories-inprocess drift failed:\n${d.stderr}`);
  const dp = JSON.parse(d.stdout.trim().split('\n').pop()!);
  results.driftInProcess = dp;
  const out = drift.output as { reference?: { rows: number }; driftedFeatures?: string[] };
  lines.push(`| drift of ${N.toLocaleString('en-US')} new rows vs a ${out.reference?.rows?.toLocaleString('en-US')}-row reference, whole command | ${cell(drift)}; peak RSS ${drift.peakRssMb.toFixed(0)} MB | — | bar 1.5 s |`);
  lines.push(`| … in-process: reading the file / analyseDrift alone | read ${ms(dp.read)}; analyseDrift cold ${ms(dp.cold)}, warm ${ms(dp.warm[dp.warm.length - 1])} | — | drifted: ${(dp.driftedFeatures as string[]).join(', ') || 'none'} |`);
}

results.finished = new Date().toISOString();
results.loadavg = { start: loadStart, end: loadavg() };
writeFileSync(join(OUT, 'categories-results.json'), JSON.stringify(results, null, 2) + '\n');
const out = process.stdout;
out.write(`\n${results.machine && (results.machine as { cpu: string }).cpu}, ${cpus().length} cores, Node ${process.version}${py ? `, pandas ${py.versions.pandas}, scikit-learn ${py.versions.sklearn}, numpy ${py.versions.numpy}` : ''}\n`);
out.write(`started ${started}, git ${source.gitHead.slice(0, 10)}${source.dirty ? ' + uncommitted changes' : ''}; commands run as ${values.direct ? '`node dist/cli/riskwatch.mjs` (--direct)' : '`bin/riskwatch`'}; medians of ${RUNS} runs after ${WARMUP} warm-up; load average ${loadStart.map((v) => v.toFixed(2)).join(' ')} → ${loadavg().map((v) => v.toFixed(2)).join(' ')}\n\n`);
out.write('| step | riskwatch | Python (same run) | ratio |\n|---|---|---|---|\n' + lines.join('\n') + '\n');
out.write(`\nresults: ${join(OUT, 'categories-results.json')}\n`);
