/**
 * The HTTP API's response shapes, in one place: the server's route code returns them and the
 * dashboard (dashboard/src/api.ts) reads them. Types only and no imports at all, so the
 * dashboard's browser build compiles against this file as it is (no Node types, nothing bundled).
 * A field added here is a contract: extend, never break (docs/ and README describe the routes).
 */

/** Classification metrics with scikit-learn's definitions (src/model/metrics.ts computes them). */
export interface ClassificationMetrics {
  rows: number;
  positives: number;
  f1: number;
  precision: number;
  recall: number;
  accuracy: number;
  /** null when only one class is present (undefined, as sklearn raises). */
  rocAuc: number | null;
  prAuc: number | null;
  logLoss: number;
  brier: number;
  confusionMatrix: [[number, number], [number, number]];
  threshold: number;
  topK: { k: number; precision: number; recall: number };
}

/** The score every view shows for a model version (src/registry/model-score.ts). */
export interface ModelScore {
  f1: number;
  kind: 'test' | 'batch' | 'holdout';
  /** In words, e.g. "test data (1,000 rows)" or "holdout: 208 newest rows of run 7". */
  measuredOn: string;
  rows: number;
  at: string;
}

/** GET /models: one ready model version. */
export interface ModelListing {
  version: string;
  createdAt: string;
  trainingRows: number;
  datasetHash: string;
  /** The model's score's F1 (its latest test, batch or holdout score; never an ad-hoc one). */
  f1?: number;
  /** That score with what it was measured on. */
  score?: ModelScore;
  deployed: boolean;
}

export interface ModelList {
  models: ModelListing[];
  production: string | null;
}

/** What population the call list ranks, said the same way by the API, the dashboard and the report. */
export interface PopulationInfo {
  /** "dataset": the ingested dataset's current clients; "configured": config `population`. */
  source: 'dataset' | 'configured';
  /** One sentence naming the population and the rule applied. */
  description: string;
  /** Clients ranked: one row each. */
  clients: number;
  /** Rows read (a client may have several). */
  rows: number;
  /** Clients left out because their latest row says they left. */
  left: number;
}

/** One feature's part in one client's risk (a reason code; docs/model.md, "Reason codes"). */
export interface Reason {
  feature: string;
  /** The client's value: a number, a category's text, null when missing. */
  value: number | string | null;
  /** Its contribution to the log-odds (positive: towards leaving). */
  contribution: number;
  /** In words for a client manager, e.g. "Transactions last year: 28 — clients who stay average 65". */
  text: string;
}

/** Why one client got its risk: what GET /risk?explain=N, POST /prediction?explain=N and predict --explain add per client. */
export interface ClientReasons {
  /** Every feature's contribution to the log-odds: base + Σ = logit(probability). */
  contributions: Record<string, number>;
  /** The up to N largest positive contributions, largest first (ties: model order). */
  reasons: Reason[];
  /** The most negative contribution — the strongest factor keeping the client; null when none is negative. */
  keeping: Reason | null;
}

/** One feature of one client against the training rows that stayed (GET /explanation, riskwatch explain). */
export interface FeatureComparisonView extends Reason {
  /** The words for the feature (config feature_labels, else the column name made readable). */
  label: string;
  /** Stayers' mean (numbers, counts; the client's value present) or the share of stayers with this category / missing; null: not recorded. */
  stayers: { mean: number | null } | { share: number } | null;
}

/** GET /explanation?id=: one current client of the call list — its risk, rank and why (the dashboard's client panel). */
export interface ClientExplanation {
  version: string;
  id: string;
  /** Rank in the call list ordered by probability (1 = highest risk). */
  rank: number;
  probability: number;
  /** The expected log-odds every client starts from: base + Σ contributions = logit(probability). */
  base: number;
  contributions: Record<string, number>;
  /** The top config risk.reasons contributions towards leaving (as GET /risk?explain=N). */
  reasons: Reason[];
  keeping: Reason | null;
  /** Every feature in model order: value, contribution, text, and the stayers' figure. */
  features: FeatureComparisonView[];
}

/** POST /prediction: one record's risk; with ?explain=N also why (ClientReasons). */
export interface PredictionRow {
  id: string;
  probability: number;
  /** 1 when probability is above the model's threshold. */
  prediction: 0 | 1;
  contributions?: Record<string, number>;
  reasons?: Reason[];
  keeping?: Reason | null;
}

/** POST /prediction's answer. */
export interface PredictionResult {
  version: string;
  predictions: PredictionRow[];
  /** With ?explain=N: the expected log-odds every record starts from. */
  base?: number;
}

export interface RiskRow {
  rank: number;
  id: string;
  probability: number;
  /** The client's value_column (e.g. monthly revenue); null when its cell is empty or no value_column is set. */
  value: number | null;
  /** probability × value; null when value is. */
  expectedLoss: number | null;
  /** With ?explain=N: every feature's contribution (log-odds). */
  contributions?: Record<string, number>;
  /** With ?explain=N: the top N reasons towards leaving. */
  reasons?: Reason[];
  /** With ?explain=N: the strongest factor keeping the client, or null. */
  keeping?: Reason | null;
}

/** What the call list is ordered by: config risk.rank_by, or GET /risk?rank=. */
export type RiskRank = 'probability' | 'expected_loss';

/** What the listed top of the call list covers, beside the same sums over the whole population. */
export interface RiskSummary {
  rank: RiskRank;
  /** Clients listed (the top K). */
  clients: number;
  /** Σ probability over them: how many of them are expected to leave. */
  expectedLeavers: number;
  /** Σ probability × value over them — the revenue at risk they cover (clients without a value add 0); null without value_column. */
  expectedLoss: number | null;
  /** Of them, clients without a value; null without value_column. */
  withoutValue: number | null;
  population: { clients: number; expectedLeavers: number; expectedLoss: number | null };
}

/** GET /risk (JSON): the call list's top rows. */
export interface RiskList {
  version: string;
  datasetHash: string;
  population: PopulationInfo;
  /** The value column's name (config value_column); null when none is set. */
  valueColumn: string | null;
  rows: RiskRow[];
  summary: RiskSummary;
  /** With ?explain=N: the expected log-odds every client starts from (base + Σ contributions = logit(probability)). */
  base?: number;
}

export interface Histogram {
  /** Bin edges, bins + 1 long; the last bin also holds everything above its upper edge (`openEnded`). */
  edges: number[];
  /** Share of the non-missing values in each bin (sums to 1 when there are any). */
  shares: number[];
  /** Non-missing values counted. */
  n: number;
}

/** GET /population: the ranked population's risk histogram. */
export interface PopulationView {
  version: string;
  datasetHash: string;
  population: PopulationInfo;
  /** Current clients ranked (= population.clients). */
  rows: number;
  threshold: number;
  topK: number;
  aboveThreshold: number;
  histogram: Histogram & { counts: number[] };
}

/**
 * GET /importance: global importance of the production model over the current clients (the call
 * list's population) — mean |contribution| per feature, in log-odds, highest first; for a gbdt
 * model also its document's total gain per feature (a different measure: never mixed).
 */
export interface ImportanceView {
  version: string;
  datasetHash: string;
  /** Clients averaged over. */
  clients: number;
  /** The model's expected log-odds, where every client starts. */
  base: number;
  /**
   * Per feature, highest first: the mean over the current clients of |contribution| (log-odds) —
   * how far, on average, the feature moves a client's log-odds away from the base, either way.
   */
  features: Array<{ feature: string; meanAbs: number }>;
  /**
   * gbdt: the model document's gbdt.importance.gain (the total loss reduction of the splits on each
   * feature, over the training rows); null for logistic. A different measure on a different scale:
   * shown beside meanAbs, never mixed with it.
   */
  gain: Record<string, number> | null;
}

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Predicted positive when probability ≥ threshold; the first point's is +∞, which JSON writes as null. */
  threshold: number | null;
}

export interface PrPoint {
  recall: number;
  precision: number;
  /** As RocPoint's: null (+∞) at the first point. */
  threshold: number | null;
}

/** GET /evaluation: every model version on the test data, the production model's curves. */
export interface Evaluation {
  data: { path: string; hash: string; rows: number; positives: number } | null;
  production: string | null;
  versions: Array<{ version: string; createdAt: string; metrics: ClassificationMetrics | null }>;
  curves: { version: string; roc: RocPoint[]; pr: PrPoint[] } | null;
  /** The production model's expected calibration error on the test data: how precisely its risks can be shown. */
  calibration?: { version: string; ece: number } | null;
  problem?: string;
}

export type PsiLevel = 'stable' | 'moderate' | 'major';
export type DriftLevel = 'none' | 'possible' | 'drift';

/** One numeric feature's drift test (src/monitor/analyse-drift.ts). */
export interface FeatureDrift {
  /** The feature's kind (config feature_types; the predicted risk is a number). */
  kind: 'count' | 'number';
  /** Which test decided: by reference size, or as configured in drift.methods. */
  method: 'ks' | 'wasserstein';
  ks: { statistic: number; pValue: number };
  /** Wasserstein-1 distance divided by the reference std. */
  wasserstein: number;
  psi: { value: number; level: PsiLevel };
  /** Same as psi.level; kept because releases that printed `psi` as a bare number had it beside. */
  psiLevel: PsiLevel;
  level: DriftLevel;
  drifted: boolean;
  missingRateChange: number;
  outOfRangeShare: number;
  /**
   * null: KS and Wasserstein were computed against every training value. Otherwise the reference
   * was a quantile sketch (a number column with more than 100,000 distinct values, or a reference
   * written before exact runs) and these bound the error of the KS statistic and of W/std.
   */
  sketch: { ksStatistic: number; wasserstein: number } | null;
}

/**
 * GET /distributions, a numeric feature (and the predicted risk): histograms, reference against
 * current. `kind` tells it from a category feature's entry (CategoryDistribution, `kind: "category"`).
 */
export interface FeatureDistribution {
  kind: 'count' | 'number';
  feature: string;
  reference: Histogram;
  current: Histogram | null;
  /** The last bin also counts everything above its upper edge (long right tail). */
  openEnded: boolean;
  drift: FeatureDrift | null;
  referenceMissingRate: number;
}

/** One category feature's drift (src/monitor/category-drift.ts; `drift --json` gives the same). */
export interface CategoryDrift {
  kind: 'category';
  /** Which test decided: chi-square when the reference has ≤ 1,000 non-missing rows, else Jensen–Shannon. */
  method: 'chi2' | 'jensenshannon';
  chi2: { statistic: number; pValue: number; dof: number };
  /** Jensen–Shannon distance (base 2) of the two category shares, missing left out. */
  jensenShannon: number;
  psi: { value: number; level: PsiLevel };
  /** Share of the current non-missing rows in categories the training rows never had. */
  unseenShare: number;
  /** The ten largest of those categories with their shares. */
  unseen: Array<{ category: string; share: number }>;
  missingRateChange: number;
  level: DriftLevel;
  drifted: boolean;
}

/** A category's share of the non-missing rows in the reference and in the current rows. */
export interface CategoryShare {
  category: string;
  reference: number;
  /** null when there are no current rows. */
  current: number | null;
  /** The training rows never had this category. */
  unseen: boolean;
}

/** GET /distributions, a category feature: its category shares, reference against current. */
export interface CategoryDistribution {
  kind: 'category';
  feature: string;
  /** Categories seen in the training rows or the current rows, largest first (by the larger of the two shares), at most 50. */
  categories: CategoryShare[];
  /** The categories beyond those 50, summed; null when there are none. */
  others: { categories: number; reference: number; current: number | null } | null;
  /** Training rows: non-missing rows counted, and the share of rows with the cell missing. */
  reference: { n: number; missingRate: number };
  /** The current rows, likewise; null when there are none. */
  current: { n: number; missingRate: number } | null;
  /** Every category of the current rows that training never had (at most 50, largest first), with its share of the current non-missing rows. */
  unseen: Array<{ category: string; share: number }>;
  /** Share of the current non-missing rows in those categories; null when there are no current rows. */
  unseenShare: number | null;
  drift: CategoryDrift | null;
}

/** GET /distributions: reference against current data per feature, and the predicted risk. */
export interface Distributions {
  version: string;
  current: { source: string; rows: number } | null;
  /** Numeric (count and number) features: histograms. */
  features: FeatureDistribution[];
  /** Category features: category shares (each `kind: "category"`), in model order. */
  categoryFeatures: CategoryDistribution[];
  /** Predicted risk: training rows (reference) against the current rows. */
  prediction: FeatureDistribution | null;
}

/**
 * One column of the dataset, as pandas' describe(include="all") gives it: a numeric column has
 * count, mean, std, min, quartiles and max; a category (text) column has count, unique, top and
 * freq, its numeric statistics null.
 */
export interface ColumnSummary {
  count: number;
  mean: number | null;
  median: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  q25: number | null;
  q75: number | null;
  /** Category columns: distinct texts among the present cells. */
  unique?: number;
  /** Category columns: the most frequent text (ties: the one met first); null when no cell is present. */
  top?: string | null;
  /** Category columns: how many cells hold `top`. */
  freq?: number;
}

export interface StepTimings {
  last: number;
  p50: number;
  p95: number;
  runs: number;
  /** Median of the last 5 against the 5 before, when there are 10: 'slower' / 'faster' beyond ±20%. */
  trend: 'slower' | 'faster' | 'stable' | null;
}

/** GET /dependencies. */
export interface DependencyHealth {
  /** ok: both checks answered; partial: one did; unavailable: neither (registry unreachable, no npm). */
  status: 'ok' | 'partial' | 'unavailable';
  packages: Array<{ name: string; current: string | null; wanted: string | null; latest: string | null; advisories: number | null }>;
  /** Why a part is missing, one line each. */
  problems: string[];
}

/** Which of the three drift checks fired in a run (null: not checked). */
export interface DriftFlags {
  dataset: boolean | null;
  prediction: boolean | null;
  model: boolean | null;
}

/** GET /diagnostics (and `riskwatch diagnose --json`). */
export interface Diagnosis {
  dataset: { hash: string; rows: number } | null;
  summary: Record<string, ColumnSummary>;
  /** Share of missing cells per column in the ingested dataset (before imputation). */
  missing: Record<string, number>;
  /** Rows rejected by reason in the last ingestion that read files. */
  rejected: Record<string, number>;
  timings: Record<string, StepTimings>;
  dependencies: DependencyHealth | { status: 'skipped'; packages: []; problems: string[] };
  model: { version: string; ageDays: number; trainingRows: number; f1: number | null; score: ModelScore | null; lastDrift: ({ at: string } & DriftFlags) | null } | null;
}

/**
 * What a command recorded about itself. Every field is optional: each command records its own,
 * older releases recorded fewer, and readers parse it (src/store/command-detail.ts) instead of trusting it.
 */
export interface CommandDetail {
  reason?: string;
  deployed?: string | null;
  retrained?: boolean;
  drift?: DriftFlags;
  featureDrift?: Record<string, string>;
  datasetHash?: string | null;
  /** The run's ingest (`run --json`'s `ingested`): rowsAdded, and the ingest's other figures. */
  ingested?: { rowsAdded: number; [key: string]: unknown };
  /** A run's challenger: under model.family "auto" with each candidate family's validation log loss and ROC AUC (null: not computable). */
  challenger?: { version: string; f1: number; family?: 'logistic' | 'gbdt'; candidates?: Array<{ family: 'logistic' | 'gbdt'; logLoss: number; rocAuc: number | null }> } | null;
  champion?: { version: string; f1: number; family?: 'logistic' | 'gbdt' } | null;
  [key: string]: unknown;
}

/** GET /runs: recent command records, newest first. */
export interface RunList {
  runs: CommandRecord[];
}

/** One recorded score of a model version (GET /scoring). */
export interface RecordedScore {
  version: string;
  /** test data, a run's batch, a run's holdout, or an ad-hoc check (`drift --data` with labels). */
  kind: 'test' | 'batch' | 'holdout' | 'adhoc';
  /** sha256 of the data scored. */
  dataHash: string;
  /** The data scored, workspace-relative. */
  dataPath: string;
  rows: number;
  f1: number;
  /** The classification metrics recorded with it (older records hold fewer). */
  metrics: Record<string, unknown>;
  createdAt: string;
  /** What it was measured on, in words. */
  measuredOn: string;
}

/** GET /scoring: the production model's score and every score recorded for it, latest first. */
export interface ScoringView {
  /** null while no model is in production (score null, scores empty). */
  version: string | null;
  score: ModelScore | null;
  scores: RecordedScore[];
}

/** A candidate family under model.family "auto": its log loss and ROC AUC on the validation rows (null: not computable), and its fitting time. */
export interface FamilyCandidate {
  family: 'logistic' | 'gbdt';
  logLoss: number;
  rocAuc: number | null;
  ms: number;
}

/**
 * GET /family: which model family is in production and why (issue 16). `chosenBy`: "auto" when
 * model.family "auto" compared the families (`selection`), "configured" when the config named it.
 * Trees only (null for logistic): their count, leaves in all and in the largest tree, the
 * max_leaves setting, and per feature the total gain and split count, largest gain first.
 */
export interface ModelFamilyView {
  version: string;
  family: 'logistic' | 'gbdt';
  chosenBy: 'auto' | 'configured';
  selection: { validationShare: number; validationRows: number; winner: 'logistic' | 'gbdt'; candidates: FamilyCandidate[] } | null;
  trees: { count: number; leaves: number; maxLeaves: number; maxLeavesSetting: number } | null;
  importance: Array<{ feature: string; gain: number; splits: number }> | null;
}

/** GET /runs: one recorded command, with its timings also in seconds. */
export interface CommandRecord {
  id: number;
  command: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'ok' | 'failed';
  /** What a pipeline run ended as: noop, completed, failed, locked (null for other commands). */
  outcome: string | null;
  timings: Record<string, number>;
  error: string | null;
  detail: CommandDetail;
  timingsUnit: 'ms' | 's';
  timingsSeconds: Record<string, number>;
}

/** GET /drift: the latest pipeline run that checked drift. */
export interface DriftLatest {
  latest: null | { runId: number; at: string; drift: DriftFlags; reason: string | null; deployed: string | null };
}

/** GET /session: whether this server asks for a read token, and how this page is signed in. */
export interface SessionState {
  readAccess: 'token' | 'open';
  signedIn: boolean;
  via: 'session' | 'bearer' | null;
  expiresAt: string | null;
}
