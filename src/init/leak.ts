import { parseNumber } from '../data/csv/cells.js';

/**
 * The leak rule: a column that alone separates the label almost perfectly is left out — e.g. a
 * score another model computed from the label, or a field filled only for clients who already
 * left. Measured as the column's single-feature ROC AUC on the labelled rows of init's sample,
 * taken in whichever direction is larger (max(AUC, 1 − AUC)); at LEAK_AUC or above it is a leak.
 *
 * - number and count columns: the value is the score. A blank cell counts too (a field filled
 *   only for leavers is a leak): blanks are tried below every value and above every value, and
 *   the larger AUC is kept.
 * - category columns: the score of a row is the share of leavers among the sample's rows with
 *   the same value (blank is a value). Values with fewer than MIN_GROUP rows are pooled into one,
 *   so a handful of rare values cannot separate a small file by chance.
 *
 * Needs at least MIN_CLASS labelled rows of each class; with fewer the check is skipped (and
 * `init` says so).
 */
export const LEAK_AUC = 0.99;
export const MIN_CLASS = 10;
const MIN_GROUP = 5;

/** max(AUC, 1 − AUC) of a numeric column, blanks (NaN) placed at whichever end separates more. */
export function numericSeparation(values: readonly string[], labels: Uint8Array): number {
  const x = values.map((v) => (v === '' ? Number.NaN : parseNumber(v)));
  const low = x.map((v) => (v === v ? v : -Infinity));
  const high = x.map((v) => (v === v ? v : Infinity));
  return Math.max(separation(low, labels), separation(high, labels));
}

/** max(AUC, 1 − AUC) of a category column scored by each value's share of leavers. */
export function categorySeparation(values: readonly string[], labels: Uint8Array): number {
  const groups = new Map<string, { n: number; pos: number }>();
  for (let i = 0; i < values.length; i++) {
    const g = groups.get(values[i]) ?? { n: 0, pos: 0 };
    g.n++;
    g.pos += labels[i];
    groups.set(values[i], g);
  }
  const rare = { n: 0, pos: 0 };
  for (const g of groups.values()) {
    if (g.n < MIN_GROUP) {
      rare.n += g.n;
      rare.pos += g.pos;
    }
  }
  const score = values.map((v) => {
    const g = groups.get(v)!;
    const from = g.n < MIN_GROUP ? rare : g;
    return from.pos / from.n;
  });
  return separation(score, labels);
}

/** max(AUC, 1 − AUC): the Mann–Whitney statistic with ties counted half (mid-ranks). */
export function separation(score: readonly number[], labels: Uint8Array): number {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b] || 0);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i];
  const neg = n - pos;
  if (pos === 0 || neg === 0) return 0.5;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]]) rankSum += mid;
    i = j + 1;
  }
  const auc = (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
  return Math.max(auc, 1 - auc);
}
