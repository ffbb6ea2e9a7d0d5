/**
 * Contributions (issue 17) side by side with shap, same machine, same run, same trees, same rows:
 *
 *   npm run bench:explain -- [--rows 10000] [--runs 3] [--seed 7] [--python /work/venv-explain/bin/python] [--skip-python]
 *
 * Trees: a 100-tree, 31-leaf gbdt model (no early stopping) fitted by riskwatch on 20,000
 * generated rows of 8 numeric features (missing cells in three), as a /2 document loaded through
 * loadModel; riskwatch's GbdtFittedModel.contributions on --rows other rows against
 * shap.TreeExplainer(feature_perturbation="tree_path_dependent") given the same trees in its
 * dictionary model format (bench/explain_python.py: shap's own C++ TreeSHAP). Numeric splits only:
 * shap's dictionary format has no category splits. The values are compared (max |difference|).
 *
 * Logistic: a standardized model with 5 numeric and 2 category features fitted on 20,000 rows;
 * LogisticModel.contributions on --rows rows against shap.LinearExplainer on the model's design
 * matrix (standardized numbers, one-hot categories) with all training rows as background.
 *
 * Each side: --runs runs, median and minimum of wall and CPU (user + sys) seconds; the load
 * average before and after. Figures go to stdout and bench/out/explain-results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitGbdtDocument } from '../src/model/gbdt/document.ts';
import { fitLogisticDocument } from '../src/model/logistic/fit-document.ts';
import { paramsOf } from '../src/model/logistic/params.ts';
import { loadModel, type FeatureColumns } from '../src/model/fitted-model.ts';
import { Random } from '../src/util/random.ts';
import type { GbdtDocument2, LogisticDocument2 } from '../src/contracts/model-document.ts';
import { median } from './median.ts';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '7' }, python: { type: 'string', default: '/work/venv-explain/bin/python' }, 'skip-python': { type: 'boolean', default: false } } });
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const TRAIN = 20_000;
const P = 8;
const root = join(import.meta.dirname, '..');
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const rng = new Random(Number(args.seed));

/** Churn-like numeric rows: skewed activity, a few interactions, missing cells in features 1, 4, 6. */
function numericRows(n: number) {
  const x = Array.from({ length: P }, () => new Float64Array(n));
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = [rng.lognormal(3, 1), rng.normal() * 10 + 40, rng.next() * 100, rng.lognormal(1, 0.8), rng.normal(), rng.next(), Math.floor(rng.next() * 12), rng.normal() * 3];
    const t = -1 - 0.6 * Math.log1p(v[0]) + 0.03 * (v[1] - 40) + 0.01 * v[2] * (v[5] > 0.5 ? 1 : -1) + 0.4 * v[3] - 0.5 * v[4] * v[7] / 3 + (v[6] > 8 ? 0.7 : 0);
    y[i] = rng.next() < 1 / (1 + Math.exp(-t)) ? 1 : 0;
    v.forEach((val, f) => (x[f][i] = (f === 1 || f === 4 || f === 6) && rng.next() < 0.04 ? Number.NaN : val));
  }
  return { x, y };
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
function timed(fn: () => void, runs: number) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push((performance.now() - t0) / 1000);
    cpu.push(cpuSeconds(process.cpuUsage(c0)));
  }
  return { wall_s: wall, cpu_s: cpu, wall_median_s: median(wall), cpu_median_s: median(cpu) };
}
const f64 = (cols: readonly Float64Array[]) => {
  const n = cols[0].length;
  const all = new Float64Array(cols.length * n);
  cols.forEach((c, j) => all.set(c, j * n));
  return Buffer.from(all.buffer);
};
const header = { version: 'v1', createdAt: new Date(0).toISOString(), datasetHash: 'bench', target: 'y', idColumn: 'id' };

// --- Trees -------------------------------------------------------------------------------------
const names = Array.from({ length: P }, (_, f) => `f${f}`);
const train = numericRows(TRAIN);
const t0 = performance.now();
const { document: gbdtDocument } = fitGbdtDocument({ features: names, types: names.map(() => 'number'), rows: TRAIN, x: train.x, y: train.y, levels: names.map(() => null), threshold: 0.5, maxCategories: 50, params: { maxIter: 100, maxLeaves: 31, earlyStopping: false } });
const gdoc: GbdtDocument2 = gbdtDocument(header, { rows: TRAIN, positives: 0, iterations: 100, ms: 0 });
console.log(`fitted ${gdoc.gbdt.trees.length} trees in ${((performance.now() - t0) / 1000).toFixed(1)} s; leaves per tree ${Math.min(...gdoc.gbdt.trees.map((t) => t.feature.filter((f) => f < 0).length))}–${Math.max(...gdoc.gbdt.trees.map((t) => t.feature.filter((f) => f < 0).length))}`);
const explainRows = numericRows(ROWS);
const treeData: FeatureColumns = { x: explainRows.x, rows: ROWS };
// The first call on a loaded model builds the explainer (flattened trees, per-leaf tables): once per model.
const setupTimes = timed(() => loadModel(gdoc).contributions({ x: explainRows.x.map((c) => c.subarray(0, 1)), rows: 1 }), RUNS);
const gbdt = loadModel(gdoc);
gbdt.contributions({ x: explainRows.x.map((c) => c.subarray(0, 100)), rows: 100 }); // warm-up: compiles the kernel
let treeResult = gbdt.contributions(treeData);
const treeTimes = timed(() => (treeResult = gbdt.contributions(treeData)), RUNS);

// --- Logistic ----------------------------------------------------------------------------------
const LN = ['tenure', 'spend', 'seats', 'logins', 'tickets'];
const LC = ['plan', 'region'];
const PLANS = ['basic', 'pro', 'enterprise'];
const REGIONS = ['north', 'south', 'east', 'west', 'central'];
function mixedRows(n: number) {
  const x = Array.from({ length: LN.length + LC.length }, () => new Float64Array(n));
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = [Math.round(rng.lognormal(3, 0.6)), rng.lognormal(4.4, 0.6), 1 + Math.floor(rng.next() * 60), rng.lognormal(2.5, 1), Math.floor(rng.lognormal(0, 1))];
    const plan = Math.floor(rng.next() * 3);
    const region = Math.floor(rng.next() * 5);
    const t = -0.5 - 0.03 * (v[0] - 20) + 0.004 * (v[1] - 80) - 0.01 * v[2] - 0.02 * v[3] + 0.3 * v[4] + [0.6, -0.2, -0.9][plan] + [0, 0.3, -0.4, 0.8, 0.1][region];
    y[i] = rng.next() < 1 / (1 + Math.exp(-t)) ? 1 : 0;
    v.forEach((val, f) => (x[f][i] = f < 2 && rng.next() < 0.03 ? Number.NaN : val));
    x[5][i] = rng.next() < 0.05 ? Number.NaN : plan;
    x[6][i] = region;
  }
  return { x, y, levels: [...LN.map(() => null), PLANS, REGIONS] };
}
const ltrain = mixedRows(TRAIN);
const medianOf = (c: Float64Array) => {
  const v = Array.from(c).filter((a) => a === a).sort((a, b) => a - b);
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const { document: logisticDocument } = fitLogisticDocument({ features: [...LN, ...LC], types: [...LN.map(() => 'number' as const), 'category', 'category'], rows: TRAIN, x: ltrain.x, y: ltrain.y, levels: ltrain.levels, medians: ltrain.x.map((c, j) => (j < LN.length ? medianOf(c) : Number.NaN)), C: 1, maxIter: 100, tol: 1e-12, threshold: 0.5, standardize: true, maxCategories: 50 });
const ldoc = logisticDocument(header, () => ({ rows: TRAIN, positives: 0, iterations: 0, gradNorm: 0, objective: 0, converged: true, ms: 0 })) as LogisticDocument2;
const logistic = loadModel(ldoc);
const lrows = mixedRows(ROWS);
const linearData: FeatureColumns = { x: lrows.x, rows: ROWS, levels: lrows.levels };
let linearResult = logistic.contributions(linearData);
const linearTimes = timed(() => (linearResult = logistic.contributions(linearData)), Math.max(RUNS, 5));
const reuse = linearResult.values;
const linearReuseTimes = timed(() => logistic.contributions(linearData, reuse), Math.max(RUNS, 5));

/** The model's design matrix (what shap's linear explainer reads): standardized numbers, one-hot categories. */
function design(data: { x: Float64Array[]; levels: (string[] | null)[] }, n: number): { cols: Float64Array[]; coef: number[] } {
  const params = paramsOf(ldoc);
  const cols: Float64Array[] = [];
  const coef: number[] = [];
  params.terms.forEach((t, j) => {
    if (t.kind === 'numeric') {
      cols.push(Float64Array.from({ length: n }, (_, i) => ((data.x[j][i] === data.x[j][i] ? data.x[j][i] : t.median) - t.mean) / t.scale));
      coef.push(t.coef);
    } else {
      t.categories.forEach((c, k) => {
        cols.push(Float64Array.from({ length: n }, (_, i) => {
          const code = data.x[j][i];
          const text = code === code ? data.levels[j]![code] : null;
          return text === c ? 1 : 0;
        }));
        coef.push(t.coefs[k]);
      });
    }
  });
  return { cols, coef };
}

// --- shap --------------------------------------------------------------------------------------
const load0 = loadavg()[0];
let py: any = null;
let treeDiff = Number.NaN;
let linearDiff = Number.NaN;
if (!args['skip-python']) {
  const treesFile = join(outDir, 'explain-trees.json');
  const rowsFile = join(outDir, 'explain-rows.f64');
  const shapFile = join(outDir, 'explain-shap.f64');
  writeFileSync(treesFile, JSON.stringify({ baseScore: gdoc.gbdt.baseScore, trees: gdoc.gbdt.trees }));
  writeFileSync(rowsFile, f64(explainRows.x));
  const dm = design(lrows, ROWS);
  const bg = design(ltrain, TRAIN);
  writeFileSync(join(outDir, 'explain-linear.json'), JSON.stringify({ coef: dm.coef, intercept: paramsOf(ldoc).intercept }));
  writeFileSync(join(outDir, 'explain-linear-rows.f64'), f64(dm.cols));
  writeFileSync(join(outDir, 'explain-linear-background.f64'), f64(bg.cols));
  const r = spawnSync(args.python!, [join(root, 'bench', 'explain_python.py'), '--trees', treesFile, '--rows', rowsFile, '--features', String(P), '--linear', join(outDir, 'explain-linear.json'), '--linear-rows', join(outDir, 'explain-linear-rows.f64'), '--linear-background', join(outDir, 'explain-linear-background.f64'), '--out', shapFile, '--runs', String(RUNS)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python side failed (${args.python}): ${r.stderr}`);
  py = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const buf = readFileSync(shapFile);
  const phi = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  treeDiff = 0;
  for (let i = 0; i < ROWS; i++) for (let j = 0; j < P; j++) treeDiff = Math.max(treeDiff, Math.abs(phi[i * P + j] - treeResult.values[j][i]));
  treeDiff = Math.max(treeDiff, Math.abs(py.tree.expected_value - treeResult.base));
  // Row 0 of shap's linear values, summed per feature (a category's one-hot columns together).
  const first: number[] = py.linear.first_row;
  let at = 0;
  linearDiff = 0;
  paramsOf(ldoc).terms.forEach((t, j) => {
    const width = t.kind === 'numeric' ? 1 : t.categories.length;
    const s = first.slice(at, at + width).reduce((a, b) => a + b, 0);
    at += width;
    linearDiff = Math.max(linearDiff, Math.abs(s - linearResult.values[j][0]));
  });
}

const results = { started: new Date().toISOString(), rows: ROWS, runs: RUNS, trainRows: TRAIN, cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavgBeforePython: load0, loadavgEnd: loadavg()[0], riskwatch: { treeSetup: setupTimes, tree: treeTimes, linear: linearTimes, linearReusingOutput: linearReuseTimes }, python: py, maxAbsDifference: { tree: treeDiff, linearFirstRow: linearDiff } };
writeFileSync(join(outDir, 'explain-results.json'), JSON.stringify(results, null, 1));

const ms = (s: number) => (s * 1000).toFixed(s < 0.1 ? 2 : 0);
const line = (name: string, t: { wall_s: number[]; cpu_s: number[] }) => `| ${name} | ${ms(median(t.wall_s))} ms (${ms(Math.min(...t.wall_s))}) | ${ms(median(t.cpu_s))} ms |`;
console.log(`${ROWS} rows; ${gdoc.gbdt.trees.length} trees, ≤ 31 leaves, ${P} numeric features; load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
console.log('| contributions | wall median (min) | CPU user+sys median |');
console.log('|---|---|---|');
console.log(line('riskwatch TreeSHAP (GbdtFittedModel.contributions)', treeTimes));
console.log(line('riskwatch TreeSHAP: first call on a loaded model (builds the explainer, 1 row)', setupTimes));
if (py) console.log(line(`shap ${py.shap} TreeExplainer tree_path_dependent (C++)`, py.tree));
console.log(line('riskwatch logistic (LogisticModel.contributions)', linearTimes));
console.log(line('riskwatch logistic, reusing the output columns', linearReuseTimes));
if (py) console.log(line(`shap ${py.shap} LinearExplainer`, py.linear));
if (py) console.log(`max |riskwatch − shap|: trees ${treeDiff.toExponential(2)} (every value and the base), logistic ${linearDiff.toExponential(2)} (row 0)`);
