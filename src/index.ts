// The library API: the CLI, the server and the tests all call these, and nothing else of src/.
//
// Cheap to load, because every CLI command loads it (issue 14): what is exported directly is what
// almost every command needs anyway (config, store, logger, command records) and small modules of
// synchronous building blocks; every operation is a thin wrapper that imports its module on the
// first call (`lazy` below), so a command loads the code of the one operation it runs — and its
// third-party modules (vega, pdfkit, resvg, pg, croner's scheduler loop, the report worker) — and
// not the others'. The bundled CLI puts each such module in a chunk of its own.
// Signatures and types are those of the modules themselves: `import('riskwatch')` is unchanged.
import type { Context } from './context.js';
import type { RunResult } from './contracts/run.js';
import type { RunOptions } from './pipeline/run.js';
import type { runAndNotify as runAndNotifyOnly } from './pipeline/notify.js';
import { runReportWriter } from './report/run-report.js';

/**
 * `module[name]`, an async function, imported from its module on the first call (later calls reuse
 * the loaded module: `import()` caches it). Typed as the function itself, generics and all.
 */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return (async (...args: unknown[]) => ((await load())[name] as (...a: unknown[]) => unknown)(...args)) as M[K];
}

// What every command needs: loaded with the entry.
export { loadConfig, parseConfig, type Config } from './config/load.js';
export { configSchema } from './config/schema.js';
export { configJsonSchema } from './config/json-schema.js';
export { makeContext, type Context } from './context.js';
export { openStore } from './store/open.js';
export type * from './store/types.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export { RiskwatchError, DataError, UsageError, BusyError } from './util/errors.js';
export { recordCommand, type RecordCommandOptions } from './store/command-record.js';
export { createLogger, silentLogger, type Logger } from './util/log.js';
export { noProgress, terminalProgress, type Progress } from './util/progress.js';
export type { RunResult, RunReportWriter } from './contracts/run.js';
export { runReportWriter } from './report/run-report.js';

// The operations, each loaded on its first call.
export const ingest = lazy(() => import('./ingest/ingest.js'), 'ingest');
/** Start ingest's parse thread ahead of the command (see PartWorker.prestart): its start-up overlaps opening the config and store. */
export { prestartIngest } from './data/parse-worker-client.js';
export type { IngestResult, IngestFileResult } from './ingest/ingest.js';
export const train = lazy(() => import('./model/train.js'), 'train');
export type { TrainResult } from './model/train.js';
export const score = lazy(() => import('./model/score.js'), 'score');
export type { ScoreResult } from './model/score.js';
export const predict = lazy(() => import('./model/predict.js'), 'predict');
export type { PredictResult } from './model/predict.js';
export const currentProduction = lazy(() => import('./registry/production.js'), 'currentProduction');
export const deploy = lazy(() => import('./model/deploy.js'), 'deploy');
export const rollback = lazy(() => import('./model/deploy.js'), 'rollback');
export type { DeployResult } from './model/deploy.js';
export const listModels = lazy(() => import('./registry/list-models.js'), 'listModels');
export const readDataset = lazy(() => import('./data/dataset-files.js'), 'readDataset');
export const writeDataset = lazy(() => import('./data/dataset-files.js'), 'writeDataset');
export const acquirePipelineLock = lazy(() => import('./pipeline/lock.js'), 'acquirePipelineLock');
export const drift = lazy(() => import('./monitor/drift.js'), 'drift');
export type { DriftReport, NothingToCompare } from './monitor/analyse-drift.js';
export const diagnose = lazy(() => import('./report/diagnose.js'), 'diagnose');
export type { Diagnosis } from './report/diagnose.js';
export const report = lazy(() => import('./report/report.js'), 'report');
export type { ReportResult, ReportFile } from './report/report.js';
export const collectReportData = lazy(() => import('./report/data.js'), 'collectReportData');
export type { ReportData, Verdict } from './report/data.js';
export const specToSvg = lazy(() => import('./report/render.js'), 'specToSvg');
export const svgToPng = lazy(() => import('./report/render.js'), 'svgToPng');
export const apiCalls = lazy(() => import('./report/apicalls.js'), 'apiCalls');
export type { ApiCallsResult } from './report/apicalls.js';
export const exportSql = lazy(() => import('./model/export-sql.js'), 'exportSql');
export type { ExportSqlOptions } from './model/export-sql.js';
export const resolveModel = lazy(() => import('./model/resolve.js'), 'resolveModel');
export const recentCommandRecords = lazy(() => import('./store/recent-command-records.js'), 'recentCommandRecords');
export const runDemo = lazy(() => import('./simulate/demo.js'), 'runDemo');
export type { DemoResult, DemoStep } from './simulate/demo.js';
export const runSchedule = lazy(() => import('./pipeline/run-schedule.js'), 'runSchedule');
export const init = lazy(() => import('./init/init.js'), 'init');
export type { InitOptions, InitResult } from './init/init.js';
export type { ColumnDecision, FeatureKind as InitFeatureKind } from './init/decide-columns.js';

/** The full run, its report written as config report.enabled says unless `report` is given. */
export async function runPipeline(ctx: Context, opts: RunOptions = {}): Promise<RunResult> {
  const { runPipeline: run } = await import('./pipeline/run.js');
  return run(ctx, { report: runReportWriter(ctx), ...opts });
}

/** `run` and its alerts, its report written as config report.enabled says unless `report` is given. */
export async function runAndNotify(ctx: Context, opts: Parameters<typeof runAndNotifyOnly>[1] = {}): ReturnType<typeof runAndNotifyOnly> {
  const { runAndNotify: run } = await import('./pipeline/notify.js');
  return run(ctx, { report: runReportWriter(ctx), ...opts });
}

// Synchronous building blocks (the server's, mostly; a few commands'), loaded with the entry.
export { loadModel, type FittedModel, type SqlExport, type SqlDialect, type Contributions, type ContributionsPart, type LoadOptions } from './model/fitted-model.js';
export { familySummary } from './model/family-summary.js';
export { loadExplainingModel, loadWorkspaceModel, needsReference } from './model/explaining-model.js';
export { ReasonWriter, humanise, formatValue, formatShare, type FeatureComparison, type ReasonOptions, type ClientReasons, type Reason } from './model/reasons.js';
export { listReasons, clientIndex } from './population/list-reasons.js';
export type { StayerProfile, StayerFeature } from './stats/stayers.js';
export type { ModelReference } from './stats/reference.js';
export { computeMetrics, topKIndices } from './model/metrics.js';
export { productionSource } from './registry/production.js';
export { artifactsOf, type ArtifactStore, type ProductionSource } from './registry/deployment.js';
export { simulate, appendMonths, type Scenario } from './simulate/generate.js';
export { CsvParser, parseCsv, CsvFormatError } from './data/csv/parser.js';
export { acquireRunLock, LockedError, LOCKED_EXIT_CODE } from './pipeline/lock.js';
export { maskUrl } from './util/mask-url.js';
export { analyseDrift } from './monitor/analyse-drift.js';
export { reportCharts, type ChartSpec } from './report/charts/index.js';
export { commandDetail } from './store/command-detail.js';
export { validateSchedule } from './pipeline/schedule.js';

// What the HTTP server (src/server/) calls; it imports nothing else of the library.
export { VERSION_ID } from './registry/versions.js';
export { latestModelScores, measuredOn } from './registry/model-score.js';
export { showCommandRecord } from './store/command-timings.js';
export { workspacePaths } from './util/workspace-path.js';
export { csvField } from './data/csv-field.js';
export { DATASET_CSV } from './data/dataset-layout.js';
export { predictionSchema } from './data/columns.js';
export const readTable = lazy(() => import('./data/read-table.js'), 'readTable');
export { TooManyRowsError } from './data/too-many-rows.js';
export { OutsideError } from './data/confinement.js';
export const resolveDataPath = lazy(() => import('./data/data-path.js'), 'resolveDataPath');
export { parseCsvRecords, parseJsonRecords, requestSchema, type FieldError, type ParsedRecords, type ParseOutcome } from './data/request-records.js';
export { predictRecords, type RecordsInput, type RecordPrediction } from './model/predict-records.js';
export { highestRisk, clientFeatures, rankPopulation, ranking, callListSummary, listContributions, explainList, RANK_BY, type ExplainingModel, type RankedRiskList, type RankedClient, type RankingModel, type RankBy, type Ranking, type CallListSummary, type ListPartHook } from './population/risk-list.js';
export { globalImportance, type GlobalImportance, type ImportanceModel } from './population/importance.js';
export const rankedRiskList = lazy(() => import('./population/risk-list.js'), 'rankedRiskList');
export const explainClient = lazy(() => import('./population/explain-client.js'), 'explainClient');
export type { ClientExplanation } from './population/explain-client.js';
export { RiskListCache } from './population/risk-list-cache.js';
export { riskHistogram } from './population/risk-histogram.js';
export const evaluateVersions = lazy(() => import('./report/evaluation.js'), 'evaluateVersions');
export const featureDistributions = lazy(() => import('./report/distributions.js'), 'featureDistributions');
export const dependencyHealth = lazy(() => import('./report/dependencies.js'), 'dependencyHealth');
export type { DependencyHealth } from './report/dependencies.js';
