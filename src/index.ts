// The library API: the CLI, the server and the tests all call these.
import type { Context } from './context.js';
import type { RunResult } from './contracts/run.js';
import { runPipeline as runPipelineOnly, type RunOptions } from './pipeline/run.js';
import { runAndNotify as runAndNotifyOnly } from './pipeline/notify.js';
import { runReportWriter } from './report/run-report.js';
export { loadConfig, parseConfig, type Config } from './config/load.js';
export { configSchema } from './config/schema.js';
export { configJsonSchema } from './config/json-schema.js';
export { makeContext, type Context } from './context.js';
export { openStore } from './store/open.js';
export type * from './store/types.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export { ingest, type IngestResult, type IngestFileResult } from './ingest/ingest.js';
export { train, type TrainResult } from './model/train.js';
export { score, type ScoreResult } from './model/score.js';
export { predict, type PredictResult } from './model/predict.js';
export { loadModel, type FittedModel, type SqlExport, type SqlDialect, type Contributions, type LoadOptions } from './model/fitted-model.js';
export { loadExplainingModel, loadWorkspaceModel, needsReference } from './model/explaining-model.js';
export { computeMetrics, topKIndices } from './model/metrics.js';
export { currentProduction, productionSource } from './registry/production.js';
export { deploy, rollback } from './model/deploy.js';
export { artifactsOf, type ArtifactStore, type ProductionSource } from './registry/deployment.js';
export { listModels } from './registry/list-models.js';
export { simulate } from './simulate/generate.js';
export { CsvParser, parseCsv, CsvFormatError } from './data/csv/parser.js';
export { readDataset, writeDataset } from './data/dataset-files.js';
export { RiskwatchError, DataError, UsageError } from './util/errors.js';
export type { RunResult, RunReportWriter } from './contracts/run.js';
export { runReportWriter } from './report/run-report.js';

/** The full run, its report written as config report.enabled says unless `report` is given. */
export function runPipeline(ctx: Context, opts: RunOptions = {}): Promise<RunResult> {
  return runPipelineOnly(ctx, { report: runReportWriter(ctx), ...opts });
}

/** `run` and its alerts, its report written as config report.enabled says unless `report` is given. */
export function runAndNotify(ctx: Context, opts: Parameters<typeof runAndNotifyOnly>[1] = {}): ReturnType<typeof runAndNotifyOnly> {
  return runAndNotifyOnly(ctx, { report: runReportWriter(ctx), ...opts });
}
export { acquireRunLock, acquirePipelineLock, LockedError } from './pipeline/lock.js';
export { maskUrl } from './util/mask-url.js';
export { drift, analyseDrift, type DriftReport } from './monitor/drift.js';
export { diagnose, type Diagnosis } from './report/diagnose.js';
export { appendMonths } from './simulate/generate.js';
export { report, type ReportResult, type ReportFile } from './report/report.js';
export { collectReportData, type ReportData, type Verdict } from './report/data.js';
export { reportCharts, type ChartSpec } from './report/charts/index.js';
export { specToSvg, svgToPng } from './report/render.js';
export { apiCalls, type ApiCallsResult } from './report/apicalls.js';
export { exportSql, type ExportSqlOptions } from './model/export-sql.js';
export { resolveModel } from './model/resolve.js';
export { recordCommand, type RecordCommandOptions } from './store/command-record.js';
export { recentCommandRecords } from './store/recent-command-records.js';
export { commandDetail } from './store/command-detail.js';
export { runDemo, type DemoResult, type DemoStep } from './simulate/demo.js';
export { createLogger, silentLogger, type Logger } from './util/log.js';
export { noProgress, terminalProgress, type Progress } from './util/progress.js';
export { LOCKED_EXIT_CODE } from './pipeline/lock.js';
export { runSchedule } from './pipeline/run-schedule.js';
export { validateSchedule } from './pipeline/schedule.js';
export { init, type InitOptions, type InitResult } from './init/init.js';
export type { ColumnDecision, FeatureKind as InitFeatureKind } from './init/decide-columns.js';

// What the HTTP server (src/server/) calls; it imports nothing else of the library.
export { VERSION_ID } from './registry/versions.js';
export { latestModelScores, measuredOn } from './registry/model-score.js';
export { showCommandRecord } from './store/command-timings.js';
export { workspacePaths } from './util/workspace-path.js';
export { csvField, DATASET_CSV } from './data/dataset-files.js';
export { predictionSchema } from './data/columns.js';
export { readTable } from './data/read-table.js';
export { TooManyRowsError } from './data/read-data-file.js';
export { OutsideError } from './data/confinement.js';
export { resolveDataPath } from './data/data-path.js';
export { parseCsvRecords, parseJsonRecords, requestSchema, type FieldError, type ParsedRecords, type ParseOutcome } from './data/request-records.js';
export { predictRecords, type RecordsInput, type RecordPrediction } from './model/predict-records.js';
export { highestRisk, clientFeatures, rankedRiskList, rankPopulation, ranking, callListSummary, listContributions, RANK_BY, type ExplainingModel, type RankedRiskList, type RankedClient, type RankingModel, type RankBy, type Ranking, type CallListSummary } from './population/risk-list.js';
export { RiskListCache } from './population/risk-list-cache.js';
export { riskHistogram } from './population/risk-histogram.js';
export { evaluateVersions } from './report/evaluation.js';
export { featureDistributions } from './report/distributions.js';
export { dependencyHealth, type DependencyHealth } from './report/dependencies.js';
