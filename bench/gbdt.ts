/**
 * Gradient-boosted trees (src/model/gbdt/) side by side with scikit-learn's
 * HistGradientBoostingClassifier (and LightGBM when importable), same machine, same run, same rows:
 *
 *   npm run bench:gbdt -- [--rows 1000000] [--runs 3] [--seed 42] [--skip-python] [--python PATH]
 *   (--python: a Python with scikit-learn and, for the LightGBM row, lightgbm — e.g. a venv; default /usr/bin/python3)
 *
 * Data: scripts/fixtures/gbdt_data.py (13 features, 5 categorical, interactions, missing values),
 * written once by bench/gbdt_python.py to bench/out/ as raw float64 (N rows to fit on, 200,000
 * held-out rows of the next seed for ROC AUC). riskwatch's fit and predict run in this process on
 * the columns in memory (no file I/O timed), as the Python side times sklearn's fit/predict_proba
 * inside its process. Each: --runs runs, median and minimum reported. Figures go to stdout and
 * bench/out/gbdt-results.json; BENCHMARKS.md records them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitGbdt, GbdtPredictor, type GbdtParams } from '../src/model/gbdt/index.ts';
import { computeMetrics } from '../src/model/metrics.ts';
import { median } from './median.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '42' }, 'skip-python': { type: 'boolean', default: false }, python: { type: 'string', default: '/usr/bin/python3' } } });
const N = Number(values.rows);
const RUNS = Number(values.runs);
const SEED = Number(values.seed);
const HOLDOUT = 200_000;
const P = 13;
const CATEGORICAL = Array.from({ length: P }, (_, f) => f >= 8);
const root = join(import.meta.dirname, '..');
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const dataFile = join(out, `gbdt-${N}-s${SEED}.f64`);
const holdoutFile = join(out, `gbdt-holdout-s${SEED + 1}.f64`);
const python = (...args: string[]) => spawnSync(values.python, [join(root, 'bench', 'gbdt_python.py'), '--rows', String(N), '--seed', String(SEED), '--data', dataFile, '--holdout', holdoutFile, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });

const gen = python('--generate-only');
if (gen.status !== 0) throw new Error(`data generation failed: ${gen.stderr}`);

function load(path: string, n: number) {
  const buf = readFileSync(path);
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  return { columns: Array.from({ length: P }, (_, f) => all.slice(f * n, (f + 1) * n)), y: Uint8Array.from(all.subarray(P * n)) };
}
const data = load(dataFile, N);
const holdout = load(holdoutFile, HOLDOUT);

const round = (v: number, d = 3) => Number(v.toFixed(d));

function timeRiskwatch(params: Partial<GbdtParams>) {
  const fit: number[] = [];
  const predict: number[] = [];
  let result = { iterations: 0, auc: 0, documentBytes: 0 };
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const model = fitGbdt({ columns: data.columns, categorical: CATEGORICAL, y: data.y }, params);
    fit.push((performance.now() - t0) / 1000);
    const predictor = new GbdtPredictor(model);
    const t1 = performance.now();
    predictor.predictProba(data.columns);
    predict.push((performance.now() - t1) / 1000);
    const auc = computeMetrics(holdout.y, predictor.predictProba(holdout.columns), 0.5, 10).rocAuc!;
    result = { iterations: model.trees.length, auc, documentBytes: JSON.stringify({ baseScore: model.baseScore, trees: model.trees }).length };
  }
  return { fit_s: fit, predict_s: predict, ...result };
}

// Untimed warm-up: the first fit of a process also compiles the kernel.
fitGbdt({ columns: data.columns, categorical: CATEGORICAL, y: data.y }, { maxIter: 5, earlyStopping: false });

const load0 = loadavg()[0];
const started = new Date().toISOString();
const riskwatch = {
  default_2threads: timeRiskwatch({}),
  default_1thread: timeRiskwatch({ threads: 1 }),
  iter100_2threads: timeRiskwatch({ earlyStopping: false }),
};
let py: any = null;
if (!values['skip-python']) {
  const r = python('--runs', String(RUNS), '--threads', '2');
  if (r.status !== 0) throw new Error(`python side failed: ${r.stderr}`);
  py = JSON.parse(r.stdout);
}
const results = { started, rows: N, holdoutRows: HOLDOUT, runs: RUNS, cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavgStart: load0, loadavgEnd: loadavg()[0], riskwatch, python: py };
writeFileSync(join(out, 'gbdt-results.json'), JSON.stringify(results, null, 1));

const row = (name: string, r: { fit_s: number[]; predict_s: number[]; iterations: number; auc: number }) =>
  `| ${name} | ${round(median(r.fit_s), 2)} s (${round(Math.min(...r.fit_s), 2)}) | ${round(median(r.predict_s), 3)} s (${round(Math.min(...r.predict_s), 3)}) | ${r.iterations} | ${r.auc.toFixed(4)} |`;
console.log(`${N} rows x ${P} features (5 categorical), ${RUNS} runs, load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
console.log(`| model | fit median (min) | predict ${N} rows median (min) | iterations | held-out ROC AUC |`);
console.log('|---|---|---|---|---|');
console.log(row('riskwatch defaults, 2 threads', riskwatch.default_2threads));
console.log(row('riskwatch defaults, 1 thread', riskwatch.default_1thread));
console.log(row('riskwatch 100 iterations (no early stopping), 2 threads', riskwatch.iter100_2threads));
if (py) {
  console.log(row('sklearn HistGradientBoosting defaults, 2 threads', py.sklearn_default));
  console.log(row('sklearn HistGradientBoosting 100 iterations, 2 threads', py.sklearn_100));
  if (py.lightgbm) console.log(row('LightGBM defaults, 2 threads', py.lightgbm));
  else console.log('| LightGBM | not importable by this Python (--python PATH: one that has lightgbm) | | | |');
}
