/**
 * The parts of bench/categories.ts timed inside one Node process (no process start, no command
 * record), on a workspace the bench prepared:
 *
 *   node --import tsx bench/categories-inprocess.ts fit   --config CONFIG [--runs 3] [--src DIR]
 *   node --import tsx bench/categories-inprocess.ts pipeline --config CONFIG [--runs 3] [--src DIR]
 *   node --import tsx bench/categories-inprocess.ts drift --config CONFIG --data FILE [--runs 3] [--src DIR]
 *
 * - fit: the ingested dataset read as `train` reads it, the medians from the features' profiles
 *   (as `train`), then fitLogisticDocument (one-hot Newton, model.standardize as configured) timed
 *   alone: the first (cold) fit and --runs more.
 * - pipeline: what scikit-learn's Pipeline.fit does, on one thread, from the rows in memory — each
 *   numeric column's median (SimpleImputer; medianNonMissing, as train computes it), then
 *   fitLogisticDocument (the categories kept and indexed: OneHotEncoder; mean and deviation:
 *   StandardScaler; Newton: LogisticRegression) — timed together: cold, then --runs more.
 * - drift: the production model, its reference and the --data table read as `drift --data` reads
 *   them (the read timed apart), then analyseDrift (every feature's test, the predictions and
 *   their drift) timed alone: cold, then --runs more.
 *
 * Each time is wall clock and CPU (process.cpuUsage: user + sys of the whole process). --src takes
 * the modules from DIR (bench/categories.ts passes its snapshot of src/). Prints one JSON object.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { config: { type: 'string' }, data: { type: 'string' }, runs: { type: 'string', default: '3' }, src: { type: 'string' } } });
const mode = positionals[0];
const srcDir = resolve(values.src ?? join(fileURLToPath(import.meta.url), '..', '..', 'src'));
const imp = <T>(rel: string) => import(pathToFileURL(join(srcDir, rel)).href) as Promise<T>;
const runs = Number(values.runs);

interface Timing {
  wallMs: number;
  cpuMs: number;
}
function timed<T>(fn: () => T): [T, Timing] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [out, { wallMs, cpuMs: (c.user + c.system) / 1000 }];
}
async function timedAsync<T>(fn: () => Promise<T>): Promise<[T, Timing]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [out, { wallMs, cpuMs: (c.user + c.system) / 1000 }];
}

const { loadConfig } = await imp<typeof import('../src/config/load.ts')>('config/load.ts');
const config = loadConfig(values.config!);

if (mode === 'fit' || mode === 'pipeline') {
  const { readDataset } = await imp<typeof import('../src/data/dataset-files.ts')>('data/dataset-files.ts');
  const { trainingSchema } = await imp<typeof import('../src/data/columns.ts')>('data/columns.ts');
  const { levelsOf } = await imp<typeof import('../src/data/dataset.ts')>('data/dataset.ts');
  const { featureProfiles } = await imp<typeof import('../src/stats/reference.ts')>('stats/reference.ts');
  const { fitLogisticDocument } = await imp<typeof import('../src/model/logistic/fit-document.ts')>('model/logistic/fit-document.ts');
  const { medianNonMissing, SortScratch } = await imp<typeof import('../src/stats/sorted.ts')>('stats/sorted.ts');
  const [loaded, read] = await timedAsync(() => readDataset(config.outputFolder, trainingSchema(config), { ids: false }));
  const ds = loaded!.dataset;
  const levels = ds.features.map((_, j) => levelsOf(ds, j));
  const fitWith = (medians: number[]) =>
    fitLogisticDocument({
      features: ds.features,
      types: ds.features.map((f, j) => (levels[j] ? 'category' : (config.featureTypes[f] ?? 'count'))),
      rows: ds.rows,
      x: ds.x,
      y: ds.y,
      levels,
      medians,
      C: config.model.C,
      maxIter: config.model.max_iter,
      tol: config.model.tol,
      threshold: config.model.threshold,
      standardize: config.model.standardize,
      maxCategories: config.maxCategories,
    }).fit;
  // fit: the medians from the profiles (timed apart), the fit alone. pipeline: the medians as
  // train computes them (medianNonMissing, by selection) and the fit, timed together.
  const [profiles, profile] = mode === 'fit' ? timed(() => featureProfiles(ds)) : [undefined, undefined];
  const once =
    mode === 'fit'
      ? () => fitWith(ds.features.map((f, j) => (levels[j] ? Number.NaN : profiles![f].median)))
      : () => {
          const scratch = new SortScratch(ds.rows);
          return fitWith(ds.features.map((_, j) => (levels[j] ? Number.NaN : medianNonMissing(ds.x[j], scratch))));
        };
  const [fit, cold] = timed(once);
  const warm: Timing[] = [];
  for (let k = 0; k < runs; k++) warm.push(timed(once)[1]);
  console.log(JSON.stringify({ rows: ds.rows, read, ...(profile ? { profile } : {}), cold, warm, iterations: fit.iterations, warmIterations: fit.warmIterations, converged: fit.converged, gradNorm: fit.gradNorm, objective: fit.objective, intercept: fit.intercept, levels: fit.levelCoef.length }));
} else if (mode === 'drift') {
  const { openStore } = await imp<typeof import('../src/store/open.ts')>('store/open.ts');
  const { makeContext } = await imp<typeof import('../src/context.ts')>('context.ts');
  const { currentProduction } = await imp<typeof import('../src/registry/production.ts')>('registry/production.ts');
  const { artifactsOf } = await imp<typeof import('../src/registry/deployment.ts')>('registry/deployment.ts');
  const { readTable } = await imp<typeof import('../src/data/read-table.ts')>('data/read-table.ts');
  const { predictionSchema } = await imp<typeof import('../src/data/columns.ts')>('data/columns.ts');
  const { modelFeatureNames } = await imp<typeof import('../src/contracts/model-document.ts')>('contracts/model-document.ts');
  const { analyseDrift } = await imp<typeof import('../src/monitor/drift.ts')>('monitor/drift.ts');
  const store = await openStore(config);
  const ctx = makeContext(config, store);
  const doc = (await currentProduction(ctx))!;
  const [ref, refLoad] = await timedAsync(async () => (await artifactsOf(ctx).loadReference(doc.version))!);
  const [table, read] = await timedAsync(() => readTable(values.data!, config.extension, { ...predictionSchema(config), features: modelFeatureNames(doc) }));
  const once = () => analyseDrift(config, doc, ref, table.dataset, [], values.data!, table.hash);
  const [report, cold] = timed(once);
  const warm: Timing[] = [];
  for (let k = 0; k < runs; k++) warm.push(timed(once)[1]);
  await store.close();
  console.log(JSON.stringify({ rows: table.dataset.rows, referenceRows: ref.rows, refLoad, read, cold, warm, driftedFeatures: report.driftedFeatures }));
} else {
  throw new Error('usage: categories-inprocess.ts fit|pipeline|drift --config CONFIG [--data FILE]');
}
