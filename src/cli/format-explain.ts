import type { ClientExplanation } from '../index.js';

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
const shown = (v: number | string | null) => (v === null ? 'missing' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : v);
const stayers = (s: ClientExplanation['features'][number]['stayers']) => {
  if (!s) return '';
  if ('mean' in s) return s.mean === null ? '' : `average ${Number(s.mean.toPrecision(4))}`;
  return `${s.share < 0.01 && s.share > 0 ? '<1' : Math.round(s.share * 100)}% have it`;
};

/** `riskwatch explain`'s table: the risk and rank, the reasons, then every feature against the clients who stayed. */
export function formatExplanation(e: ClientExplanation): string {
  const by = e.rankBy === 'probability' ? 'risk' : 'expected loss';
  const lines = [`client ${e.id}: risk ${(e.probability * 100).toFixed(1)}% — rank ${e.rank} of ${e.clients} by ${by} (model ${e.version})`];
  lines.push(e.reasons.length ? 'reasons:' : 'reasons: none (no feature raises this client\'s risk above the average client\'s)');
  e.reasons.forEach((r, k) => lines.push(`  ${k + 1}. ${r.text}`));
  if (e.keeping) lines.push(`keeping the client: ${e.keeping.text}`);
  const rows = e.features.map((f) => [f.label, shown(f.value), signed(f.contribution), stayers(f.stayers)]);
  const head = ['feature', 'value', 'log-odds', 'clients who stay'];
  const width = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => `  ${r.map((c, j) => (j === 2 ? c.padStart(width[j]) : c.padEnd(width[j]))).join('  ')}`.trimEnd();
  lines.push(`contributions (log-odds from the average client's ${signed(e.base)}; positive raises the risk):`, line(head), ...rows.map(line));
  return lines.join('\n');
}
