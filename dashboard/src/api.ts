/**
 * The JSON routes the dashboard reads, with the shapes it uses. Paths are relative to
 * /dashboard/ ("../risk" → /risk), so the page also works behind a path prefix.
 */
// The response shapes are the server's own (src/contracts/api.ts: types only, no imports), so a
// change to a route's JSON fails this build instead of drifting silently.
export type {
  CategoryDistribution,
  ClientExplanation,
  ImportanceView,
  ColumnSummary,
  DependencyHealth,
  Diagnosis,
  Distributions,
  DriftLatest,
  Evaluation,
  FeatureDistribution,
  FeatureDrift,
  Histogram,
  ClassificationMetrics,
  ModelListing,
  ModelFamilyView,
  ModelScore,
  PopulationInfo,
  PopulationView as Population,
  RiskList,
  RiskRank,
  RiskSummary,
  CommandRecord,
  SessionState,
  StepTimings,
} from '../../src/contracts/api.js';

import type { RiskRank } from '../../src/contracts/api.js';

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
export async function downloadRiskCsv(top: number, rank: RiskRank = 'probability'): Promise<string> {
  const r = await fetch(`../risk?top=${top}&rank=${rank}`, { headers: { accept: 'text/csv' } });
  if (r.status === 401) signInAgain();
  if (!r.ok) throw new ApiError(r.status, `CSV download failed: ${r.status}`);
  const version = r.headers.get('x-model-version') ?? 'model';
  const blob = await r.blob();
  const name = `riskwatch-top${top}-${version}${rank === 'probability' ? '' : '-by-expected-loss'}.csv`;
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
