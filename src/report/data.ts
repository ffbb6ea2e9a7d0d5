import type { Context } from '../context.js';
import { trainingSchema } from '../data/columns.js';
import { readDataset } from '../data/dataset-files.js';
import { NO_LABEL, levelsOf, selectRows, type Dataset } from '../data/dataset.js';
import { readTable } from '../data/read-table.js';
import { computeMetrics, type ClassificationMetrics } from '../model/metrics.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { loadModel } from '../model/fitted-model.js';
import { isHistory } from '../registry/model-score.js';
import { analyseDrift, f1History, type DriftReport } from '../monitor/drift.js';
import { calibration, type ModelReference } from '../stats/reference.js';
import type { RunResult } from '../contracts/run.js';
import { currentProduction } from '../registry/production.js';
import { artifactsOf } from '../registry/deployment.js';
import { DataError, RiskwatchError } from '../util/errors.js';
import type { PopulationInfo } from '../population/read-population.js';
import { callListSummary, clientFeatures, rankedRiskList, highestRisk, type CallListSummary } from '../population/risk-list.js';
import { globalImportance, type GlobalImportance } from '../population/importance.js';
import { loadWorkspaceModel } from '../model/explaining-model.js';
import { ReasonWriter } from '../model/reasons.js';
import { familySummary } from '../model/family-summary.js';
import { listReasons } from '../population/list-reasons.js';
import { workspacePath } from '../util/workspace-path.js';
import { rankCurves, type RankCurves } from './charts/curves.js';
import { featureHistogram, type Histogram } from './charts/feature-distribution.js';
import { categoryShares, type CategoryShare } from './charts/category-shares.js';
import type { ScorePoint } from './charts/score-history.js';
import { diagnose, type Diagnosis } from './diagnose.js';
import { commandDetail } from '../store/command-detail.js';
import type { CommandDetail, ModelFamilyView } from '../contracts/api.js';

export type Verdict = 'healthy' | 'drift detected' | 'retrained and deployed';

/** Everything the report shows, aggregated: no row-level data beyond the top-20 clients of the call list. */
export interface ReportData {
  generatedAt: string;
  model: ModelDocument;
  verdict: Verdict;
  /** The run the verdict comes from (null: no completed run; the verdict is this report's own drift check). */
  run: { id: number | null; at: string | null; reason: string } | null;
  /** The run that deployed the production version, with its reason (null: deployed by hand, or no record). */
  deployedBy: { id: number; reason: string } | null;
  test: { path: string; metrics: ClassificationMetrics; curves: RankCurves; calibration: ReturnType<typeof calibration> };
  reference: ModelReference | null;
  drift: (DriftReport & { histograms: Record<string, Histogram>; categoryShares?: Record<string, CategoryShare[]> }) | null;
  scores: ScorePoint[];
  diagnosis: Diagnosis;
  topClients: Array<{ rank: number; id: string; probability: number; value: number | null; expectedLoss: number | null; features: Record<string, number | null>; reasons?: string[]; keeping?: string | null }>;
  /** The population the top clients were ranked in (null: nothing to rank yet). */
  population: PopulationInfo | null;
  /** Why there is no population (config `population` could not be read); null otherwise. */
  populationProblem: string | null;
  topK: number;
  /**
   * How the call list is ordered (config risk.rank_by), the value column (null: none), and what
   * its top K (config top_k) cover — GET /risk's summary for that K. Null when nothing is ranked.
   */
  callList: { valueColumn: string | null; summary: CallListSummary } | null;
  /** Mean |contribution| per feature over the ranked clients (null: nothing ranked, or the model cannot explain itself). */
  importance: GlobalImportance | null;
  /** Which family the production model is and why (the dashboard's Model family card: familySummary). */
  family: ModelFamilyView;
}

const TOP_CLIENTS = 20;

/**
 * Read once, aggregate everything: the test data (predicted by the production model), the dataset
 * binary (summary statistics, the newest batch's drift, the highest-risk clients), the store.
 * `run` is the pipeline run that just finished, when the report is part of it.
 */
export async function collectReportData(ctx: Context, opts: { run?: RunResult; dependencies?: boolean; timeoutMs?: number } = {}): Promise<ReportData> {
  const { config, store, log } = ctx;
  const doc = await currentProduction(ctx);
  if (!doc) throw new DataError('no model in production to report on; run `riskwatch run` or `riskwatch deploy` first');
  const model = loadModel(doc);
  const threshold = model.threshold;

  const table = await readTable(config.testDataPath, config.extension, { ...trainingSchema(config), features: modelFeatureNames(doc), requireId: false }, log);
  if (table.dataset.rows === 0) throw new DataError(`${config.testDataPath}: no valid labelled rows to evaluate the model on`);
  const testProb = model.predictProba(table.dataset);
  const metrics = computeMetrics(table.dataset.y, testProb, threshold, config.topK);

  const schema = trainingSchema(config);
  const loaded = await readDataset(config.outputFolder, schema, { ids: true });
  const diagnosis = await diagnose(ctx, { dependencies: opts.dependencies ?? false, timeoutMs: opts.timeoutMs, loaded });
  const reference = (await artifactsOf(ctx).loadReference(doc.version)) ?? null;

  let drift: ReportData['drift'] = null;
  if (loaded && sameFeatures(loaded.dataset.features, modelFeatureNames(doc))) {
    const ds = loaded.dataset;
    if (reference) {
      const batch = await newestBatch(ctx, ds);
      // Feature and prediction drift only: the labels are hidden so the check does not bootstrap
      // model drift again (the run already decided it, and a 1M-row bootstrap costs seconds).
      const unlabeled: Dataset = { ...batch, y: new Uint8Array(batch.rows).fill(NO_LABEL) };
      const report = analyseDrift(config, doc, reference, unlabeled, await f1History(ctx, doc.version), `newest ${batch.rows.toLocaleString('en-US')} ${batch.rows === 1 ? 'row' : 'rows'}`, loaded.hash);
      const histograms: Record<string, Histogram> = {};
      const categoryShareBars: Record<string, CategoryShare[]> = {};
      modelFeatureNames(doc).forEach((f, j) => {
        // A category feature: bars of category shares; a numeric one: a histogram.
        const cat = reference.categories?.[f];
        const levels = levelsOf(batch, j);
        if (cat && levels) categoryShareBars[f] = categoryShares(cat, batch.x[j], batch.rows, levels);
        else if (!cat) histograms[f] = featureHistogram(reference.features[f], batch.x[j], (config.featureTypes[f] ?? 'count') === 'count');
      });
      drift = { ...report, histograms, categoryShares: categoryShareBars };
    }
  }
  // The same call list as GET /risk and the dashboard: the current clients, one row each. A
  // configured population that cannot be read (a database down) costs that page, not the report.
  let ranked: Awaited<ReturnType<typeof rankedRiskList>>;
  let populationProblem: string | null = null;
  try {
    ranked = await rankedRiskList(config, model, { log, loaded });
  } catch (err) {
    if (!(err instanceof RiskwatchError)) throw err;
    populationProblem = err.message;
    log.warn({ err: err.message }, 'report: the call list\'s population could not be read');
  }
  // In the order GET /risk gives by default (config risk.rank_by).
  const rankBy = config.risk.rank_by;
  const topClients: ReportData['topClients'] = ranked ? highestRisk(ranked, TOP_CLIENTS, rankBy).map((c) => ({ ...c, features: clientFeatures(ranked, c.rank, rankBy) })) : [];
  // The list's contributions, averaged (computed once with the list); a model that cannot explain
  // itself (a /1 document whose reference is gone) costs the chart, not the report.
  let importance: GlobalImportance | null = null;
  if (ranked) {
    try {
      const explaining = await loadWorkspaceModel(ctx, doc);
      importance = globalImportance(ranked, explaining);
      // The top clients' reasons (config risk.reasons each), the texts GET /risk?explain gives.
      const writer = new ReasonWriter(explaining.featureSpecs, { labels: config.featureLabels, ...(reference?.stayers && { stayers: reference.stayers }) });
      const why = listReasons(ranked, explaining, writer, rankBy, topClients.length, Math.min(config.risk.reasons, explaining.features.length));
      why.rows.forEach((r, k) => Object.assign(topClients[k], { reasons: r.reasons.map((x) => x.text), keeping: r.keeping?.text ?? null }));
    } catch (err) {
      if (!(err instanceof RiskwatchError)) throw err;
      log.warn({ err: err.message }, 'report: no global importance');
    }
  }
  const callList = ranked ? { valueColumn: config.valueColumn ?? null, summary: callListSummary(ranked, rankBy, config.topK) } : null;

  // The models' histories as the drift check counts them (historyF1): no ad-hoc score, and one
  // score per measured dataset, so the chart's normal range is the one model drift is judged by.
  const seen = new Set<string>();
  const scores: ScorePoint[] = [];
  for (const s of await store.scores()) {
    const key = `${s.version}:${s.kind}:${s.dataHash}`;
    if (!isHistory(s) || seen.has(key)) continue;
    seen.add(key);
    scores.push({ version: s.version, f1: s.f1, at: s.createdAt, kind: s.kind });
  }
  const { verdict, run } = await decideVerdict(ctx, opts.run, drift);
  return {
    generatedAt: new Date().toISOString(),
    model: doc,
    verdict,
    run,
    deployedBy: await deployingRun(ctx, doc.version, opts.run),
    test: { path: workspacePath(config.testDataPath, config.dir), metrics, curves: rankCurves(table.dataset.y, testProb), calibration: calibration(table.dataset.y, testProb) },
    reference,
    drift,
    scores,
    diagnosis,
    topClients,
    population: ranked?.population ?? null,
    populationProblem,
    topK: config.topK,
    callList,
    importance,
    family: familySummary(doc),
  };
}

function sameFeatures(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The rows the latest ingestion added (the dataset only grows, so they are its last rows): what
 * the latest drift check compared. The whole dataset when nothing tells otherwise.
 */
async function newestBatch(ctx: Context, ds: Dataset): Promise<Dataset> {
  const byIngestion = new Map<number, number>();
  for (const f of await ctx.store.latestFileRecords()) {
    if (f.status !== 'ingested' || f.ingestionId === undefined) continue;
    byIngestion.set(f.ingestionId, (byIngestion.get(f.ingestionId) ?? 0) + f.rowsAccepted - f.duplicates);
  }
  const latest = [...byIngestion.entries()].filter(([, n]) => n > 0).sort((a, b) => b[0] - a[0])[0];
  const added = latest ? latest[1] : ds.rows;
  if (added <= 0 || added >= ds.rows) return ds;
  const mask = new Uint8Array(ds.rows);
  mask.fill(1, ds.rows - added);
  return selectRows(ds, mask, 1);
}

/** The run whose decision put `version` in production: why it is there, in the run's words. */
async function deployingRun(ctx: Context, version: string, current: RunResult | undefined): Promise<ReportData['deployedBy']> {
  if (current?.deployed === version && current.runId !== null && current.runId !== undefined) return { id: current.runId, reason: current.reason };
  const r = (await ctx.store.commandRecords(1000)).find((x) => x.command === 'run' && commandDetail(x).deployed === version);
  return r ? { id: r.id, reason: commandDetail(r).reason ?? '' } : null;
}

/** Verdict of the run that just finished, else of the latest completed run, else of this drift check. */
async function decideVerdict(ctx: Context, current: RunResult | undefined, drift: DriftReport | null): Promise<{ verdict: Verdict; run: ReportData['run'] }> {
  type Detail = Pick<CommandDetail, 'drift' | 'deployed' | 'retrained' | 'reason'>;
  let detail: Detail | undefined = current;
  let run: ReportData['run'] = current ? { id: current.runId, at: new Date().toISOString(), reason: current.reason } : null;
  if (!detail) {
    const last = (await ctx.store.commandRecords(1000)).find((r) => r.command === 'run' && r.outcome === 'completed');
    if (last) {
      detail = commandDetail(last);
      run = { id: last.id, at: last.startedAt, reason: detail.reason ?? '' };
    }
  }
  if (detail) {
    if (detail.retrained && detail.deployed) return { verdict: 'retrained and deployed', run };
    if (detail.drift && (detail.drift.dataset || detail.drift.prediction || detail.drift.model)) return { verdict: 'drift detected', run };
    return { verdict: 'healthy', run };
  }
  return { verdict: drift && (drift.datasetDrift || drift.predictionDrift.drifted) ? 'drift detected' : 'healthy', run };
}
