/**
 * How figures are written, in the dashboard and in the PDF alike: the same number reads the same
 * in both. Pure (no Node imports): dashboard/src/format.ts re-exports it into the page's bundle.
 * A missing value is '—'.
 */
const NONE = '—';
const given = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** A count: 14,998. */
export function formatCount(v: number | null | undefined): string {
  return given(v) ? Math.round(v).toLocaleString('en-US') : NONE;
}

/**
 * An expected count of clients (a sum of probabilities, e.g. expected leavers): one decimal below
 * 100 (8.5 — a fraction of a client is an expectation, not a count), whole with separators above (1,204).
 */
export function formatExpected(v: number | null | undefined): string {
  if (!given(v)) return NONE;
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}

/** A money-like amount (a value column, an expected loss): whole with separators (133,786); below 100 two decimals (10.50). */
export function formatAmount(v: number | null | undefined): string {
  if (!given(v)) return NONE;
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}

/** A model metric (F1, ROC AUC, …): three decimals, 0.540. */
export function formatMetric(v: number | null | undefined): string {
  return given(v) ? v.toFixed(3) : NONE;
}

/**
 * A statistic of the data (mean, std, a quantile): whole numbers with separators from 1,000 on
 * (2,254), one decimal from 100 (227.0), three below (0.283) — never a suffix (2.3k) beside a
 * plain figure.
 */
export function formatStat(v: number | null | undefined): string {
  if (!given(v)) return NONE;
  const a = Math.abs(v);
  if (a >= 1e9) return v.toExponential(3);
  if (Number.isInteger(v) || a >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(a >= 100 ? 1 : 3);
}

/** A share as a percentage: 83.5%. */
export function formatShare(v: number | null | undefined, digits = 1): string {
  return given(v) ? `${(v * 100).toFixed(digits)}%` : NONE;
}

/**
 * A change of a share in percentage points, signed: +0.2 pp, −1.3 pp. A change that rounds to
 * zero is "0.0 pp" (toFixed would write -0.0 for a tiny negative one).
 */
export function formatPoints(delta: number | null | undefined, digits = 1): string {
  if (!given(delta)) return NONE;
  const r = Number((delta * 100).toFixed(digits));
  if (r === 0) return `${(0).toFixed(digits)} pp`;
  return `${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(digits)} pp`;
}

/**
 * The precision a predicted risk can be shown at, from the model's expected calibration error on
 * the test data: a model whose risks are off by 0.10 on average cannot tell 99.9% from 98%.
 * 1 point when ECE < 0.02, 5 points below 0.05, 10 points otherwise (or when unknown).
 */
export function riskStep(ece: number | null | undefined): number {
  if (!given(ece)) return 0.1;
  return ece < 0.02 ? 0.01 : ece < 0.05 ? 0.05 : 0.1;
}

/**
 * A predicted risk at `step` precision: rounded to the step (60%), and the ends as ranges
 * ("90–100%", "0–10%" at 10 points) — never ">99.9%" from a model that cannot support it.
 */
export function formatRisk(p: number | null | undefined, step: number): string {
  if (!given(p)) return NONE;
  const pts = Math.round(step * 100);
  // (0.95 / 0.1 is 9.4999…: the nudge rounds a value on a half step up, as written.)
  const r = Math.round(p / step + 1e-9) * pts;
  if (r >= 100) return `${100 - pts}–100%`;
  if (r <= 0) return `0–${pts}%`;
  return `${r}%`;
}

/** What the precision of formatRisk rests on, for a caption. */
export function riskPrecisionNote(ece: number | null | undefined, step: number): string {
  const pts = Math.round(step * 100);
  return given(ece) ? `risks shown to ${pts} points: the model's calibration error on the test data is ${ece.toFixed(2)}` : `risks shown to ${pts} points (calibration not measured)`;
}

/**
 * The confusion matrix's shares, one convention for the dashboard and the PDF: each cell as a
 * share of its actual class (each row adds up to 100%): "of the clients who left, 39.9% were
 * flagged" (recall) reads straight off the matrix.
 */
export function confusionShares(matrix: [[number, number], [number, number]]): [[number, number], [number, number]] {
  const row = (r: [number, number]): [number, number] => {
    const n = r[0] + r[1];
    return n ? [r[0] / n, r[1] / n] : [0, 0];
  };
  return [row(matrix[0]), row(matrix[1])];
}

export const CONFUSION_CONVENTION = 'shares of each actual class (rows add up to 100%)';
