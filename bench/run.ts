/**
 * riskwatch vs the Python stack (pandas / scikit-learn / numpy) on one generated file.
 *
 *   npm run bench                         # 1,000,000 rows
 *   npm run bench -- --rows 100000        # quick smoke check
 *
 * Options: --rows N (1000000)  --seed S (42)  --runs R (5, CLI and Python step repetitions)
 *          --warmup W (1, untimed CLI runs first)  --proba-runs P (25)  --no-build
 *          --skip-python  --skip-kernel
 *
 * What it does:
 *  1. copies src/ (with package.json, tsconfig.json) to $TMPDIR/riskwatch-bench/snapshot and builds it there
 *     (`node scripts/build.mjs`: tsc + the bundled CLI), unless --no-build: src/ may be edited while this runs, and the
 *     CLI runs and kernels must measure one version of it; the project's own dist/ is not touched;
 *  2. generates bench/out/clients-<N>-s<seed>.csv if absent (bench/generate.ts) and a 2,000-row
 *     test file;
 *  3. builds a fresh workspace bench/out/ws (config.json with the seed's keys, the N-row file in
 *     sourcedata/, the test file in testdata/);
 *  4. times whole CLI commands `node <snapshot>/dist/cli/riskwatch.mjs --config bench/out/ws/config.json <cmd> --json`
 *     under /usr/bin/time -v (wall clock measured here around the child, peak RSS from time -v):
 *     `--version` (process start + module loading only), `ingest` (fresh: ingesteddata/ and
 *     riskwatch.db removed before every run), `train`, then one untimed `deploy`, then
 *     `predict --data <N-row file> --out bench/out/ws/predictions.csv`;
 *  5. the Python side as whole processes (`python_side.py --only ingest`: interpreter start,
 *     imports, read_csv, drop_duplicates) and in-process (python_side.py);
 *  6. the in-process kernels (bench/kernel.ts, on the snapshot) on all rows, and the fit again on
 *     deduplicated rows;
 *  7. prints a table and writes bench/out/results.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { BENCH_DIR, OUT_DIR, defaultDataPath, generate } from './generate.ts';
import { workspaceConfig } from '../src/config/workspace-config.ts';
import { median } from './median.ts';

const ROOT = join(BENCH_DIR, '..');
/**
 * src/ is edited while benchmarks run, so everything measured here comes from one copy of it:
 * <tmpdir>/riskwatch-bench/snapshot/{src,package.json,tsconfig.json} (node_modules symlinked),
 * built into its dist/. The CLI runs and the in-process kernels use that same copy. It lives
 * outside the repository: under bench/ it would match test/tsconfig.json's include of every .ts
 * file below bench/ and be type-checked with the project.
 */
const SNAP = join(tmpdir(), 'riskwatch-bench', 'snapshot');
const CLI = join(SNAP, 'dist', 'cli', 'riskwatch.mjs');
const TIME = '/usr/bin/time';
const PYTHON = '/usr/bin/python3';

interface Args {
  rows: number;
  seed: number;
  runs: number;
  warmup: number;
  probaRuns: number;
  build: boolean;
  python: boolean;
  kernel: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, def: number) => {
    const i = argv.indexOf(name);
    if (i < 0) return def;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: expected a whole number, got ${argv[i + 1]}`);
    return v;
  };
  return {
    rows: get('--rows', 1_000_000),
    seed: get('--seed', 42),
    runs: Math.max(1, get('--runs', 5)),
    warmup: get('--warmup', 1),
    probaRuns: Math.max(1, get('--proba-runs', 25)),
    build: !argv.includes('--no-build'),
    python: !argv.includes('--skip-python'),
    kernel: !argv.includes('--skip-kernel'),
  };
}


interface Measured {
  wallMs: number;
  maxRssKb: number;
  stdout: string;
  stderr: string;
}

/** Run `cmd args` under /usr/bin/time -v; wall clock measured around the child here. */
function measure(cmd: string, args: string[], cwd = ROOT): Measured {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}\n${r.stderr.slice(-2000)}`);
  }
  return { wallMs, maxRssKb: m ? Number(m[1]) : Number.NaN, stdout: r.stdout, stderr: r.stderr };
}

interface StepResult {
  command: string;
  /** 1-minute load average before the first and after the last run (other work on the machine skews timings). */
  loadavg: [number, number];
  runs: number;
  warmup: number;
  wallMs: number[];
  medianMs: number;
  minMs: number;
  maxRssKb: number[];
  medianRssKb: number;
  peakRssKb: number;
  output?: unknown;
}

function repeat(label: string, cmd: string, args: string[], a: Args, before?: () => void): StepResult {
  const wall: number[] = [];
  const rss: number[] = [];
  let output: unknown;
  const load0 = loadavg()[0];
  for (let k = 0; k < a.warmup + a.runs; k++) {
    before?.();
    const m = measure(cmd, args);
    if (k >= a.warmup) {
      wall.push(m.wallMs);
      rss.push(m.maxRssKb);
    }
    const line = m.stdout.trim().split('\n').pop() ?? '';
    try {
      output = line ? JSON.parse(line) : undefined;
    } catch {
      output = line;
    }
    process.stderr.write(`  ${label} ${k < a.warmup ? 'warm-up' : `run ${k - a.warmup + 1}/${a.runs}`}: ${(m.wallMs / 1000).toFixed(3)} s, ${(m.maxRssKb / 1024).toFixed(0)} MB\n`);
  }
  return {
    command: [cmd === process.execPath ? 'node' : cmd, ...args.map((s) => s.replace(ROOT + '/', ''))].join(' '),
    loadavg: [+load0.toFixed(2), +loadavg()[0].toFixed(2)],
    runs: a.runs,
    warmup: a.warmup,
    wallMs: wall,
    medianMs: median(wall),
    minMs: Math.min(...wall),
    maxRssKb: rss,
    medianRssKb: median(rss),
    peakRssKb: Math.max(...rss),
    output,
  };
}

/** sha256 over src/ (paths and contents, sorted) plus the git state, so results name the code measured. */
function fingerprint(dir: string): { sha256: string; files: number; gitHead: string; dirty: boolean; changedFiles: string[] } {
  const h = createHash('sha256');
  const files: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else files.push(`${rel}${e.name}`);
    }
  };
  walk(dir, '');
  for (const f of files) {
    h.update(f + '\0');
    h.update(readFileSync(join(dir, f)));
    h.update('\0');
  }
  const changed = sh(`git -C ${JSON.stringify(ROOT)} status --porcelain -- src`).split('\n').filter(Boolean);
  return { sha256: h.digest('hex'), files: files.length, gitHead: sh(`git -C ${JSON.stringify(ROOT)} rev-parse HEAD`), dirty: changed.length > 0, changedFiles: changed };
}

function sh(cmd: string): string {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  return (r.stdout ?? '').trim();
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const meminfo = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '';
  const memKb = Number(/MemTotal:\s*(\d+)/.exec(meminfo)?.[1] ?? totalmem() / 1024);
  return {
    cpu: model,
    cores: cpus().length,
    memGiB: +(memKb / 1024 / 1024).toFixed(1),
    kernel: sh('uname -sr'),
    node: process.version,
    date: sh('date'),
  };
}

function fmtS(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(3)} s`;
}
function fmtRatio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`;
}
function fmtMb(kb: number | undefined): string {
  return kb === undefined || Number.isNaN(kb) ? '—' : `${Math.round(kb / 1024)} MB`;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  if (loadStart[0] > 0.5) process.stderr.write(`note: 1-minute load average is ${loadStart[0].toFixed(2)} on ${cpus().length} cores; other work will skew the timings\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  if (!existsSync(TIME)) throw new Error(`${TIME} not found (apt-get install -y time)`);

  let source: ReturnType<typeof fingerprint>;
  if (a.build) {
    rmSync(SNAP, { recursive: true, force: true });
    mkdirSync(SNAP, { recursive: true });
    cpSync(join(ROOT, 'src'), join(SNAP, 'src'), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json']) copyFileSync(join(ROOT, f), join(SNAP, f));
    cpSync(join(ROOT, 'scripts'), join(SNAP, 'scripts'), { recursive: true });
    // The one build step also builds the dashboard (and the report needs its font).
    for (const d of ['dashboard', 'assets']) cpSync(join(ROOT, d), join(SNAP, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(SNAP, 'node_modules'), 'dir');
    source = fingerprint(join(SNAP, 'src'));
    process.stderr.write(`snapshot of src/ (sha256 ${source.sha256.slice(0, 12)}…, git ${source.gitHead.slice(0, 10)}${source.dirty ? ' + uncommitted changes' : ''}) → building ${SNAP}/dist\n`);
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: SNAP, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build of the src/ snapshot failed (src/ may be mid-edit; try again)');
  } else {
    if (!existsSync(CLI)) throw new Error(`${CLI} not found; run without --no-build first`);
    source = fingerprint(join(SNAP, 'src'));
  }

  // Data.
  const dataPath = defaultDataPath(a.rows, a.seed);
  process.stderr.write(`data: ${dataPath}\n`);
  const gen = generate({ rows: a.rows, seed: a.seed, out: dataPath });
  const testPath = join(OUT_DIR, `test-2000-s${a.seed + 1}.csv`);
  generate({ rows: 2000, seed: a.seed + 1, out: testPath, idPrefix: 'test-' });
  const dataSha = sh(`sha256sum ${JSON.stringify(dataPath)} | cut -d' ' -f1`);

  // Fresh workspace.
  const ws = join(OUT_DIR, 'ws');
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(join(ws, 'sourcedata'), { recursive: true });
  mkdirSync(join(ws, 'testdata'), { recursive: true });
  const config = workspaceConfig();
  const configPath = join(ws, 'config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
  const wsData = join(ws, 'sourcedata', basename(dataPath));
  copyFileSync(dataPath, wsData);
  copyFileSync(testPath, join(ws, 'testdata', 'testdata.csv'));
  const predOut = join(ws, 'predictions.csv');
  const cli = (...rest: string[]) => [CLI, '--config', configPath, ...rest];
  const freshIngest = () => {
    rmSync(join(ws, 'ingesteddata'), { recursive: true, force: true });
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(join(ws, `riskwatch.db${suffix}`), { force: true });
  };

  process.stderr.write('riskwatch CLI\n');
  const startup = repeat('--version', process.execPath, [CLI, '--version'], a);
  const ingest = repeat('ingest', process.execPath, cli('ingest', '--json'), a, freshIngest);
  const train = repeat('train', process.execPath, cli('train', '--json'), a);
  measure(process.execPath, cli('deploy', '--json'));
  const predict = repeat('predict', process.execPath, cli('predict', '--data', wsData, '--out', predOut, '--json'), a);

  let pyIngest: StepResult | undefined;
  let py: Record<string, any> | undefined;
  if (a.python) {
    process.stderr.write('python\n');
    pyIngest = repeat('python read_csv+drop_duplicates (whole process)', PYTHON, [join(BENCH_DIR, 'python_side.py'), '--data', dataPath, '--only', 'ingest'], a);
    process.stderr.write('  python_side.py (in-process steps)…\n');
    const r = spawnSync(PYTHON, [join(BENCH_DIR, 'python_side.py'), '--data', dataPath, '--runs', String(a.runs), '--proba-runs', String(a.probaRuns)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`python_side.py failed:\n${r.stderr}`);
    py = JSON.parse(r.stdout.trim().split('\n').pop()!);
  }

  let kernel: Record<string, any> | undefined;
  let kernelDedup: Record<string, any> | undefined;
  if (a.kernel) {
    process.stderr.write('kernel (in-process)…\n');
    const run = (extra: string[]) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'kernel.ts'), '--src', join(SNAP, 'src'), '--data', dataPath, ...extra], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`kernel.ts failed:\n${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!);
    };
    kernel = run(['--runs', String(a.probaRuns), '--fit-runs', String(a.runs)]);
    kernelDedup = run(['--runs', '5', '--fit-runs', String(a.runs), '--dedup']);
  }

  // Python versions.
  const pyVersions = py?.versions ?? undefined;
  const m = { ...machine(), python: pyVersions };

  // Cells read "median (min)"; ratios are median / median. Python's in-process figures are seconds.
  const pyMs = (k: string) => (py ? (py[k].median_s as number) * 1000 : undefined);
  const pyMinMs = (k: string) => (py ? Math.min(...((py[k].runs_s as number[] | undefined) ?? [py[k].min_s as number])) * 1000 : undefined);
  const both = (med: number | undefined, min: number | undefined) => `${fmtS(med)} (${fmtS(min)})`;
  const pyReadDedupMs = py ? pyMs('read_csv')! + pyMs('drop_duplicates')! : undefined;
  const pyReadDedupMinMs = py ? pyMinMs('read_csv')! + pyMinMs('drop_duplicates')! : undefined;
  const rows: Array<[string, string, string, string, string]> = [];
  const row = (step: string, rw: string, pyText: string, ratio: string, note: string) => rows.push([step, rw, pyText, ratio, note]);
  row('process start: `--version`', both(startup.medianMs, startup.minMs), py ? `${fmtS((py.imports_s as number) * 1000)} (import numpy, pandas, sklearn; once)` : '—', '—', `RSS ${fmtMb(startup.medianRssKb)}`);
  row('ingest (whole command)', both(ingest.medianMs, ingest.minMs), py ? `${both(pyReadDedupMs, pyReadDedupMinMs)}: read_csv ${fmtS(pyMs('read_csv'))} + drop_duplicates ${fmtS(pyMs('drop_duplicates'))}, in-process` : '—', fmtRatio(ingest.medianMs, pyReadDedupMs), `peak RSS ${fmtMb(ingest.peakRssKb)}`);
  if (pyIngest) row('ingest vs a whole Python process', both(ingest.medianMs, ingest.minMs), `${both(pyIngest.medianMs, pyIngest.minMs)}: start + imports + read_csv + drop_duplicates`, fmtRatio(ingest.medianMs, pyIngest.medianMs), `peak RSS ${fmtMb(ingest.peakRssKb)} vs ${fmtMb(pyIngest.peakRssKb)}`);
  if (py) row('train (whole command)', both(train.medianMs, train.minMs), `${both(pyMs('fit_default'), pyMinMs('fit_default'))}: LogisticRegression().fit, in-process`, fmtRatio(train.medianMs, pyMs('fit_default')), `peak RSS ${fmtMb(train.peakRssKb)}`);
  if (py) row('train vs converged sklearn', both(train.medianMs, train.minMs), `${both(pyMs('fit_converged'), pyMinMs('fit_converged'))}: newton-cholesky, tol=1e-12`, fmtRatio(train.medianMs, pyMs('fit_converged')), '');
  if (kernel && py) row('predictProba kernel, in-process', both(kernel.predictProba.medianMs, kernel.predictProba.minMs), `${both(pyMs('predict_proba'), (py.predict_proba.min_s as number) * 1000)}: predict_proba`, fmtRatio(kernel.predictProba.medianMs, pyMs('predict_proba')), `plain numpy 1/(1+exp(-(Xw+b))): ${both(pyMs('numpy_sigmoid'), (py.numpy_sigmoid.min_s as number) * 1000)} → ${fmtRatio(kernel.predictProba.medianMs, pyMs('numpy_sigmoid'))}`);
  if (kernel && py && kernel.predictProbaReusedOut) row('predictProba kernel into a reused output array', both(kernel.predictProbaReusedOut.medianMs, kernel.predictProbaReusedOut.minMs), `${both(pyMs('predict_proba'), (py.predict_proba.min_s as number) * 1000)}: predict_proba`, fmtRatio(kernel.predictProbaReusedOut.medianMs, pyMs('predict_proba')), 'no fresh 8 MB output array (its page faults vary run to run here)');
  if (kernel && py) row('fitLogistic in-process, all rows', both(kernel.fit.medianMs, Math.min(...(kernel.fit.allMs as number[]))), `${both(pyMs('fit_converged_full'), pyMinMs('fit_converged_full'))}: newton-cholesky, tol=1e-12`, fmtRatio(kernel.fit.medianMs, pyMs('fit_converged_full')), `${kernel.fit.iterations} Newton iterations; first (cold) fit ${fmtS(kernel.fit.coldMs)}`);
  if (kernelDedup && py) row('fitLogistic in-process, dedup rows', both(kernelDedup.fit.medianMs, Math.min(...(kernelDedup.fit.allMs as number[]))), `${both(pyMs('fit_converged'), pyMinMs('fit_converged'))}: newton-cholesky, tol=1e-12`, fmtRatio(kernelDedup.fit.medianMs, pyMs('fit_converged')), `${kernelDedup.fit.iterations} Newton iterations; first (cold) fit ${fmtS(kernelDedup.fit.coldMs)}`);
  row('predict --out (whole command)', both(predict.medianMs, predict.minMs), py ? `${both(pyMs('read_csv'), pyMinMs('read_csv'))}: read_csv alone` : '—', py ? fmtRatio(predict.medianMs, pyMs('read_csv')) : '—', `peak RSS ${fmtMb(predict.peakRssKb)}${kernel ? `; riskwatch's CSV read alone, in-process: ${fmtS(kernel.loadMs)}` : ''}`);

  const header = ['step', 'riskwatch median (min)', 'Python median (min)', 'ratio rw/py (medians)', 'notes'];
  const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

  const results = {
    startedAt,
    finishedAt: new Date().toISOString(),
    loadavg: { start: loadStart, end: loadavg() },
    args: a,
    machine: m,
    source: { ...source, snapshot: SNAP, srcNowSha256: fingerprint(join(ROOT, 'src')).sha256 },
    data: { path: dataPath, sha256: dataSha, rows: a.rows, generated: gen },
    workspace: ws,
    cli: { startup, ingest, train, predict },
    python: py ? { ...py, wholeProcessIngest: pyIngest } : undefined,
    kernel,
    kernelDedup,
    checks: {
      rowsKeptRiskwatch: (ingest.output as { rowsTotal?: number } | undefined)?.rowsTotal,
      rowsKeptPandas: py?.rows_dedup,
      objectiveRiskwatchDedup: kernelDedup?.fit.objective,
      objectiveSklearnConverged: py?.fit_converged.objective,
      objectiveSklearnDefault: py?.fit_default.objective,
    },
    table,
  };
  const resultsPath = join(OUT_DIR, 'results.json');
  writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');

  const out = process.stdout;
  out.write(`\n${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}${pyVersions ? `, Python ${pyVersions.python}, pandas ${pyVersions.pandas}, scikit-learn ${pyVersions.sklearn}, numpy ${pyVersions.numpy}` : ''}\n`);
  out.write(`${a.rows.toLocaleString('en-US')} rows (${basename(dataPath)}, sha256 ${dataSha.slice(0, 12)}…); CLI: median of ${a.runs} runs after ${a.warmup} warm-up\n\n`);
  out.write(table + '\n\n');
  const ing = ingest.output as { rowsTotal?: number; duplicatesDropped?: number } | undefined;
  const tr = train.output as { iterations?: number; converged?: boolean; gradNorm?: number } | undefined;
  out.write(`ingest: ${ing?.rowsTotal} rows kept, ${ing?.duplicatesDropped} duplicates dropped${py ? ` (pandas: ${py.rows_dedup} kept)` : ''}\n`);
  if (py && ing?.rowsTotal !== py.rows_dedup) out.write(`WARNING: riskwatch and pandas disagree on the deduplicated row count (${ing?.rowsTotal} vs ${py.rows_dedup})\n`);
  out.write(`load average (1 min): ${loadStart[0].toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end, on ${cpus().length} cores\n`);
  out.write(`train: ${tr?.iterations} iterations, converged ${tr?.converged}, gradNorm ${tr?.gradNorm}\n`);
  if (py) out.write(`sklearn default fit: ${py.fit_default.n_iter} lbfgs iterations, ConvergenceWarning: ${py.fit_default.convergence_warning ?? 'none'}\n`);
  if (py && kernelDedup) out.write(`objective on dedup rows: riskwatch fitLogistic ${kernelDedup.fit.objective}, sklearn newton-cholesky ${py.fit_converged.objective}, sklearn default ${py.fit_default.objective}\n`);
  const now = fingerprint(join(ROOT, 'src')).sha256;
  out.write(`code measured: snapshot of src/ sha256 ${source.sha256.slice(0, 12)}… (git ${source.gitHead.slice(0, 10)}${source.dirty ? ' + uncommitted changes' : ''})${now !== source.sha256 ? '; src/ has changed since' : ''}\n`);
  out.write(`results: ${resultsPath}\n`);
}

await main();
