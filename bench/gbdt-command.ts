/**
 * `riskwatch train` and `riskwatch predict` as whole commands on a tree model, side by side with
 * LightGBM's and scikit-learn HistGradientBoosting's in-process fit and predict_proba on the same
 * rows, in the same run (issue 16, Performance):
 *
 *   npm run bench:gbdt-command -- [--rows 1000000] [--seed 42] [--python /work/venv-NAME/bin/python]
 *
 * Data: scripts/fixtures/gbdt_data.py (13 features, 5 categorical, interactions, missing values),
 * as bench/gbdt.ts generates it (bench/out/gbdt-N-sS.f64), written once as a CSV with the
 * categories as texts into a workspace under bench/out/ (model.family "gbdt", reports off) and
 * ingested (untimed). Timed, each as a child process under /usr/bin/time (wall, user and system
 * CPU, peak RSS): `riskwatch train --json` (reads the dataset, fits, writes the document and the
 * drift reference, records the version) and `riskwatch predict --data FILE --out FILE` of the same
 * N rows. Python side (--python: an interpreter with lightgbm and scikit-learn): fit and
 * predict_proba inside one process, wall (perf_counter) and CPU (process_time, all threads), 2
 * threads. Prints a table and writes bench/out/gbdt-command-results.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { once } from 'node:events';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' }, python: { type: 'string', default: '/usr/bin/python3' } } });
const N = Number(values.rows);
const SEED = Number(values.seed);
const root = join(import.meta.dirname, '..');
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const dataFile = join(out, `gbdt-${N}-s${SEED}.f64`);
const holdoutFile = join(out, `gbdt-holdout-s${SEED + 1}.f64`);
const NUMERIC = ['tenure', 'logins', 'seats', 'fee', 'discount', 'tickets', 'satisfaction', 'delay'];
const CATEGORICAL = ['plan', 'contract', 'region', 'channel', 'industry'];
const FEATURES = [...NUMERIC, ...CATEGORICAL];
const P = FEATURES.length;

const gen = spawnSync('/usr/bin/python3', [join(root, 'bench', 'gbdt_python.py'), '--rows', String(N), '--seed', String(SEED), '--data', dataFile, '--holdout', holdoutFile, '--generate-only'], { encoding: 'utf8' });
if (gen.status !== 0) throw new Error(`data generation failed: ${gen.stderr}`);

// The workspace: one CSV of the N rows (categories as texts, as a client export has them).
const ws = join(out, `gbdt-command-${N}-s${SEED}`);
const csv = join(ws, 'sourcedata', 'clients.csv');
const predictCsv = join(ws, 'predict-me.csv');
const config = join(ws, 'config.json');
if (!existsSync(join(ws, 'ingested.ok'))) {
  rmSync(ws, { recursive: true, force: true });
  for (const d of ['sourcedata', 'testdata']) mkdirSync(join(ws, d), { recursive: true });
  const buf = readFileSync(dataFile);
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const col = (f: number) => all.subarray(f * N, (f + 1) * N);
  const cols = FEATURES.map((_, f) => col(f));
  const y = all.subarray(P * N);
  const cell = (f: number, v: number) => (v !== v ? '' : f >= NUMERIC.length ? `${FEATURES[f]}_${v}` : String(v));
  for (const [path, label] of [[csv, true], [predictCsv, false]] as const) {
    const w = createWriteStream(path);
    w.write(['id', ...FEATURES, ...(label ? ['churned'] : [])].join(',') + '\n');
    let chunk = '';
    for (let i = 0; i < N; i++) {
      chunk += `c${i},${cols.map((c, f) => cell(f, c[i])).join(',')}${label ? `,${y[i]}` : ''}\n`;
      if (chunk.length > 1 << 20) {
        if (!w.write(chunk)) await once(w, 'drain');
        chunk = '';
      }
    }
    w.end(chunk);
    await once(w, 'finish');
  }
  writeFileSync(join(ws, 'testdata', 'test.csv'), readFileSync(csv, 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');
  writeFileSync(
    config,
    JSON.stringify({
      input_folder_path: 'sourcedata',
      output_folder_path: 'ingesteddata',
      test_data_path: 'testdata',
      output_model_path: 'models',
      prod_deployment_path: 'production_deployment',
      features: FEATURES,
      feature_types: Object.fromEntries(FEATURES.map((f, j) => [f, j >= NUMERIC.length ? 'category' : 'number'])),
      target_column: 'churned',
      id_column: 'id',
      model: { family: 'gbdt' },
      report: { enabled: false },
      log_level: 'warn',
    }),
  );
  const ing = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'riskwatch.mjs'), '--config', config, 'ingest', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (ing.status !== 0) throw new Error(`ingest failed: ${ing.stderr}`);
  writeFileSync(join(ws, 'ingested.ok'), ing.stdout);
}

/** A command under /usr/bin/time: wall, user and system CPU seconds, peak RSS. */
function timed(args: string[]) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, join(root, 'dist', 'cli', 'riskwatch.mjs'), '--config', config, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`riskwatch ${args.join(' ')} failed: ${r.stderr}`);
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr)!;
  return { wall_s: Number(m[1]), user_s: Number(m[2]), sys_s: Number(m[3]), cpu_s: Number(m[2]) + Number(m[3]), maxRssMb: Math.round(Number(m[4]) / 1024), stdout: r.stdout };
}

const load0 = loadavg();
const started = new Date().toISOString();
// Each train is a new version: the models and store of a previous run are removed first.
rmSync(join(ws, 'models'), { recursive: true, force: true });
rmSync(join(ws, 'riskwatch.db'), { force: true });
const train = timed(['train', '--json']);
const trained = JSON.parse(train.stdout);
const docBytes = readFileSync(trained.path).length;
const predictOut = join(ws, 'predictions.csv');
const predict = timed(['predict', '--data', predictCsv, '--out', predictOut, '--model', trained.version, '--json']);
const loadMid = loadavg();

const py = spawnSync(values.python!, [join(root, 'bench', 'gbdt_command_python.py'), '--rows', String(N), '--data', dataFile, '--threads', '2'], { encoding: 'utf8', maxBuffer: 1 << 24 });
if (py.status !== 0) throw new Error(`python side failed: ${py.stderr}`);
const python = JSON.parse(py.stdout);
const results = {
  started,
  rows: N,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  node: process.version,
  loadavg: { start: load0, afterRiskwatch: loadMid, end: loadavg() },
  riskwatch: { train: { ...train, stdout: undefined, trees: trained.trees, documentBytes: docBytes }, predict: { ...predict, stdout: undefined } },
  python,
};
writeFileSync(join(out, 'gbdt-command-results.json'), JSON.stringify(results, null, 1));
const f = (v: number) => v.toFixed(2);
console.log(`${N} rows x ${P} features (5 categorical), load average ${load0.map((v) => v.toFixed(1)).join(' ')} -> ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
console.log('| | wall s | CPU s (user+sys) | peak RSS MB | trees |');
console.log('|---|---|---|---|---|');
console.log(`| riskwatch train (whole command, 2 threads) | ${f(train.wall_s)} | ${f(train.cpu_s)} | ${train.maxRssMb} | ${trained.trees} |`);
for (const [name, r] of Object.entries(python.fit) as [string, { wall_s: number; cpu_s: number; trees: number }][]) console.log(`| ${name} fit (in-process, 2 threads) | ${f(r.wall_s)} | ${f(r.cpu_s)} | | ${r.trees} |`);
console.log(`| riskwatch predict --out (whole command: CSV in and out) | ${f(predict.wall_s)} | ${f(predict.cpu_s)} | ${predict.maxRssMb} | |`);
for (const [name, r] of Object.entries(python.predict) as [string, { wall_s: number; cpu_s: number }][]) console.log(`| ${name} predict_proba (in-process) | ${f(r.wall_s)} | ${f(r.cpu_s)} | | |`);
console.log(`model document: ${docBytes} bytes`);
