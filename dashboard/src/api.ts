/**
 * The JSON routes the dashboard reads, with the shapes it uses. Paths are relative to
 * /dashboard/ ("../risk" → /risk), so the page also works behind a path prefix.
 */
// The server's own type (src/model/metrics.ts imports nothing, so the page's build can share it).
export type { Metrics } from '../../src/model/metrics.js';
import type { Metrics } from '../../src/model/metrics.js';
export interface Evaluation {
  data: { path: string; hash: string; rows: number; positives: number } | null;
  production: string | null;
  versions: Array<{ version: string; createdAt: string; metrics: Metrics | null }>;
  curves: { version: string; roc: Array<{ fpr: number; tpr: number; threshold: number | null }>; pr: Array<{ recall: number; precision: number; threshold: number | null }> } | null;
  calibration?: { version: string; ece: number } | null;
  problem?: string;
}
export interface Histogram {
  edges: number[];
  shares: number[];
  n: number;
  counts?: number[];
}
export interface FeatureDrift {
  method: 'ks' | 'wasserstein';
  ks: { statistic: number; pValue: number };
  wasserstein: number;
  psi: { value: number; level: string };
  psiLevel: string;
  level: 'none' | 'possible' | 'drift';
  drifted: boolean;
  missingRateChange: number;
  outOfRangeShare: number;
}
export interface FeatureDistribution {
  feature: string;
  reference: Histogram;
  current: Histogram | null;
  openEnded: boolean;
  drift: FeatureDrift | null;
  referenceMissingRate: number;
}
export interface Distributions {
  version: string;
  current: { source: string; rows: number } | null;
  features: FeatureDistribution[];
  prediction: FeatureDistribution | null;
}
/** What the call list ranks (src/population/read-population.ts): the same on /risk and /population. */
export interface PopulationInfo {
  source: 'dataset' | 'configured';
  description: string;
  clients: number;
  rows: number;
  left: number;
}
export interface Population {
  version: string;
  /** Current clients ranked (= population.clients). */
  rows: number;
  population?: PopulationInfo;
  threshold: number;
  topK: number;
  aboveThreshold: number;
  histogram: Histogram & { counts: number[] };
}
export interface ColumnSummary {
  count: number;
  mean: number;
  median: number;
  std: number | null;
  min: number;
  max: number;
  q25: number;
  q75: number;
}
export interface StepTimings {
  last: number;
  p50: number;
  p95: number;
  runs: number;
  trend: string | null;
}
export interface Diagnosis {
  dataset: { hash: string; rows: number } | null;
  summary: Record<string, ColumnSummary>;
  missing: Record<string, number>;
  rejected: Record<string, number>;
  timings: Record<string, StepTimings>;
  model: { version: string; ageDays: number; trainingRows: number; f1: number | null; score?: ModelScore | null; lastDrift: { at: string; dataset: boolean; prediction: boolean; model: boolean } | null } | null;
}
export interface RunRecord {
  id: number;
  command: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  outcome: string | null;
  timings: Record<string, number>;
  error: string | null;
  detail: {
    reason?: string;
    deployed?: string | null;
    retrained?: boolean;
    drift?: { dataset: boolean; prediction: boolean; model: boolean };
    ingested?: { rowsAdded: number };
    challenger?: { version: string; f1: number } | null;
    champion?: { version: string; f1: number } | null;
  };
}
/** A model's score (src/model/model-score.ts): its latest test, batch or holdout F1. */
export interface ModelScore {
  f1: number;
  kind: 'test' | 'batch' | 'holdout';
  measuredOn: string;
  rows: number;
  at: string;
}
export interface ModelListing {
  version: string;
  createdAt: string;
  trainingRows: number;
  f1?: number;
  score?: ModelScore;
  deployed: boolean;
}
export interface DriftLatest {
  latest: null | { runId: number; at: string; drift: { dataset: boolean; prediction: boolean; model: boolean }; reason: string | null; deployed: string | null };
}
export interface RiskList {
  version: string;
  datasetHash: string;
  population?: PopulationInfo;
  rows: Array<{ rank: number; id: string; probability: number }>;
}
export interface DependencyHealth {
  status: 'ok' | 'partial' | 'unavailable';
  packages: Array<{ name: string; current: string | null; wanted: string | null; latest: string | null; advisories: number | null }>;
  problems: string[];
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * A 401: the server asks for a read token (config api.read_token_env) and this browser has no
 * valid session (never signed in, signed out, or expired) — go to the sign-in page, which brings
 * the reader back here.
 */
let leaving = false;
function signInAgain(): void {
  // Several requests meet the 401 at once: navigate once (a second assign would abort the first).
  if (leaving) return;
  leaving = true;
  window.location.assign(`../signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const r = await fetch(`../${path}`, { headers: { accept: 'application/json' }, signal });
  if (r.status === 401) {
    signInAgain();
    throw new ApiError(401, 'signed out: going to the sign-in page');
  }
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try {
      const body = (await r.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(r.status, message);
  }
  return (await r.json()) as T;
}

/** GET /risk as CSV (Accept: text/csv) and hand it to the browser as a file download. */
export async function downloadRiskCsv(top: number): Promise<string> {
  const r = await fetch(`../risk?top=${top}`, { headers: { accept: 'text/csv' } });
  if (r.status === 401) signInAgain();
  if (!r.ok) throw new ApiError(r.status, `CSV download failed: ${r.status}`);
  const version = r.headers.get('x-model-version') ?? 'model';
  const blob = await r.blob();
  const name = `riskwatch-top${top}-${version}.csv`;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** GET /session: whether this server asks for a read token, and how this page is signed in. */
export interface SessionState {
  readAccess: 'token' | 'open';
  signedIn: boolean;
  via: 'session' | 'bearer' | null;
  expiresAt: string | null;
}
