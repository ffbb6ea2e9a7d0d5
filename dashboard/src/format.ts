// Figures are written as in the PDF report (one module for both).
import { formatCount, formatShare } from '../../src/report/figures.js';
export { confusionShares, CONFUSION_CONVENTION, formatAmount, formatCount, formatExpected, formatMetric, formatPoints, formatRisk, formatShare, formatStat, riskPrecisionNote, riskStep } from '../../src/report/figures.js';
export const pct = formatShare;
export const int = formatCount;
export const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
/** Compact axis tick labels (axes only; figures in text and tables use formatStat): 1.2k, 35k, 1.5M. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  if (a >= 1 || a === 0) return `${+v.toFixed(2)}`;
  return `${+v.toPrecision(2)}`;
}
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  return `${s.toFixed(2)} s`;
}
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
