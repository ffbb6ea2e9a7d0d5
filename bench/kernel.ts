/**
 * In-process kernels, timed inside one Node process (no process start, no file I/O in the timings):
 *
 * - predictProba (src/model/logistic/fit.ts) over every row of the benchmark file held in memory as
 *   columns (missing cells stay NaN: the kernel imputes them with the medians on the fly, as
 *   `predict` does). Warm-up runs, then the median of --runs runs (default 25).
 * - fitLogistic on the same rows after median imputation, with riskwatch's defaults
 *   (C = 1, max_iter = 100, tol = 1e-12). The first (cold) fit and the median of --fit-runs fits
 *   (default 3) are both reported: the CLI's `train` always runs the cold one.
 * - the features' reference profiles (src/stats/reference.ts: each column sorted, the medians
 *   read from them), which `train` computes before the fit, and an imputation pass (the fit here
 *   gets imputed columns, as scikit-learn does; `train` imputes inside fitLogistic instead).
 *
 *   node --import tsx bench/kernel.ts --data FILE [--runs 25] [--fit-runs 3] [--dedup] [--src DIR]
 *
 * With --dedup the rows are first deduplicated with riskwatch's own findDuplicates (what `train`
 * sees after `ingest`). --src DIR takes the riskwatch modules from DIR instead of ../src (bench/run.ts
 * passes its snapshot, so the kernels and the CLI measure the same code). Prints one JSON object.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TableSchema } from '../src/data/columns.ts';
import { median } from './median.ts';

type DatasetModule = typeof import('../src/data/dataset.ts');
type DedupModule = typeof import('../src/data/find-duplicates.ts');
type ReadModule = typeof import('../src/data/read-data-file.ts');
type LogisticModule = typeof import('../src/model/logistic/fit.ts');
type ReferenceModule = typeof import('../src/stats/reference.ts');

/** The riskwatch modules measured: from `srcDir` (bench/run.ts passes its snapshot of src/). */
async function load(srcDir: string) {
  const imp = <T>(rel: string) => import(pathToFileURL(join(srcDir, rel)).href) as Promise<T>;
  const [{ DatasetBuilder }, { findDuplicates, compactRows }, { readDataFile }, { fitLogistic, predictProba }, { featureProfiles }] = await Promise.all([
    imp<DatasetModule>('data/dataset.ts'),
    imp<DedupModule>('data/find-duplicates.ts'),
    imp<ReadModule>('data/read-data-file.ts'),
    imp<LogisticModule>('model/logistic/fit.ts'),
    // stats/ since the layering (a snapshot of older src/ has it in monitor/).
    imp<ReferenceModule>(existsSync(join(srcDir, 'stats/reference.ts')) ? 'stats/reference.ts' : 'monitor/reference.ts'),
  ]);
  return { DatasetBuilder, findDuplicates, compactRows, readDataFile, fitLogistic, predictProba, featureProfiles };
}

export const FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];

export interface KernelResult {
  src: string;
  data: string;
  rows: number;
  dedup: boolean;
  loadMs: number;
  predictProba: { runs: number; warmup: number; medianMs: number; minMs: number; maxMs: number; checksum: number };
  predictProbaReusedOut: { runs: number; medianMs: number; minMs: number; maxMs: number };
  median: { ms: number; values: number[] };
  impute: { ms: number };
  fit: {
    runs: number;
    coldMs: number;
    medianMs: number;
    allMs: number[];
    iterations: number;
    converged: boolean;
    gradNorm: number;
    objective: number;
    coef: number[];
    intercept: number;
  };
}


export async function runKernelBench(opts: { data: string; runs?: number; fitRuns?: number; dedup?: boolean; src?: string }): Promise<KernelResult> {
  const srcDir = resolve(opts.src ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', 'src'));
  const { DatasetBuilder, findDuplicates, compactRows, readDataFile, fitLogistic, predictProba, featureProfiles } = await load(srcDir);
  const runs = opts.runs ?? 25;
  const fitRuns = Math.max(1, opts.fitRuns ?? 3);
  const warmup = 5;
  const schema: TableSchema = {
    id: 'corporation',
    features: FEATURES,
    featureTypes: Object.fromEntries(FEATURES.map((f) => [f, 'count' as const])),
    target: 'exited',
    requireTarget: true,
    requireId: true,
  };
  let t = performance.now();
  const b = new DatasetBuilder(FEATURES);
  await readDataFile(opts.data, schema, b);
  if (opts.dedup) b.truncate(compactRows(b, findDuplicates(b.build())));
  const ds = b.build();
  const x = ds.x.map((c) => Float64Array.from(c));
  const y = Uint8Array.from(ds.y);
  const n = ds.rows;
  const loadMs = performance.now() - t;

  // feature profiles (sorted columns → medians): what `train` does before fitting.
  t = performance.now();
  const profiles = featureProfiles({ ...ds, x });
  const medians = FEATURES.map((f) => profiles[f].median);
  const medianMs = performance.now() - t;
  t = performance.now();
  const xi = x.map((col, j) => {
    const out = new Float64Array(n);
    const m = medians[j];
    for (let i = 0; i < n; i++) out[i] = col[i] === col[i] ? col[i] : m;
    return out;
  });
  const imputeMs = performance.now() - t;

  // Fits: the first one is cold (as in the CLI), then more for a median.
  const fitOpts = { C: 1, maxIter: 100, tol: 1e-12 };
  const fitMs: number[] = [];
  let fit!: ReturnType<LogisticModule['fitLogistic']>;
  for (let r = 0; r < fitRuns; r++) {
    t = performance.now();
    fit = fitLogistic(xi, y, fitOpts);
    fitMs.push(performance.now() - t);
  }

  // predictProba over the raw columns (NaN imputed inside the kernel), with the fitted model.
  const coef = fit.coef;
  const med = Float64Array.from(medians);
  let checksum = 0;
  for (let r = 0; r < warmup; r++) checksum += predictProba(x, n, coef, fit.intercept, med)[r];
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    t = performance.now();
    const p = predictProba(x, n, coef, fit.intercept, med);
    times.push(performance.now() - t);
    checksum += p[r % n];
  }
  // The same into one reused output array: the kernel without the fresh 8 MB allocation, whose
  // first-touch page faults vary from run to run on this VM.
  const reused = new Float64Array(n);
  const reusedTimes: number[] = [];
  for (let r = 0; r < runs; r++) {
    t = performance.now();
    const p = predictProba(x, n, coef, fit.intercept, med, reused);
    reusedTimes.push(performance.now() - t);
    checksum += p[r % n];
  }

  return {
    src: srcDir,
    data: opts.data,
    rows: n,
    dedup: Boolean(opts.dedup),
    loadMs,
    predictProba: { runs, warmup, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), checksum },
    predictProbaReusedOut: { runs, medianMs: median(reusedTimes), minMs: Math.min(...reusedTimes), maxMs: Math.max(...reusedTimes) },
    median: { ms: medianMs, values: medians },
    impute: { ms: imputeMs },
    fit: {
      runs: fitRuns,
      coldMs: fitMs[0],
      medianMs: median(fitMs),
      allMs: fitMs,
      iterations: fit.iterations,
      converged: fit.converged,
      gradNorm: fit.gradNorm,
      objective: fit.objective,
      coef: Array.from(fit.coef),
      intercept: fit.intercept,
    },
  };
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const data = arg(argv, '--data');
  if (!data) {
    process.stderr.write('usage: node --import tsx bench/kernel.ts --data FILE [--runs 25] [--fit-runs 3] [--dedup] [--src DIR]\n');
    process.exit(2);
  }
  const r = await runKernelBench({
    data: resolve(data),
    runs: Number(arg(argv, '--runs') ?? 25),
    fitRuns: Number(arg(argv, '--fit-runs') ?? 3),
    dedup: argv.includes('--dedup'),
    src: arg(argv, '--src'),
  });
  process.stdout.write(JSON.stringify(r) + '\n');
}
