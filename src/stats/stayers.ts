import { levelsOf, type Dataset } from '../data/dataset.js';

/**
 * What a typical client who stayed looks like, per feature, on a model version's training rows
 * (reference.json `stayers`): what a reason code compares a client's value with ("Transactions
 * last year: 28 — clients who stay average 65"). Absent in references written before reasons;
 * a reason then names the value alone.
 */
export interface StayerProfile {
  /** Training rows labelled as staying. */
  rows: number;
  features: Record<string, StayerFeature>;
}

export type StayerFeature =
  /** A number or count: the stayers' mean over their non-missing cells (null: all missing), and the share missing. */
  | { kind: 'number'; mean: number | null; missing: number }
  /** A category: the share of stayers holding each category present among them (texts), and the share missing. */
  | { kind: 'category'; shares: Record<string, number>; missing: number };

/**
 * The profile of `ds`'s rows with y = 0: their row numbers listed once, then one pass over them per
 * feature — in row order, so every sum is the one a pass over all rows skipping the others makes
 * (without a branch on the label per row and feature).
 */
export function stayerProfile(ds: Dataset): StayerProfile {
  const at = stayerRows(ds.y, ds.rows);
  const features: Record<string, StayerFeature> = {};
  ds.features.forEach((f, j) => (features[f] = stayerFeature(ds.x[j], levelsOf(ds, j), at)));
  return { rows: at.length, features };
}

/** The row numbers of the stayers (y = 0) among y[0..rows), in order. */
export function stayerRows(y: Uint8Array, rows: number): Int32Array {
  let stayers = 0;
  for (let i = 0; i < rows; i++) stayers += y[i] === 0 ? 1 : 0;
  const at = new Int32Array(stayers);
  for (let i = 0, k = 0; i < rows; i++) {
    at[k] = i;
    k += y[i] === 0 ? 1 : 0;
  }
  return at;
}

/** One feature's part of the profile: its column (`levels`: a category's dictionary, else null) at the stayers' rows `at`. */
export function stayerFeature(col: Float64Array, levels: readonly string[] | null, at: Int32Array): StayerFeature {
  const stayers = at.length;
  const share = (k: number) => (stayers ? k / stayers : 0);
  if (levels) {
    const counts = new Float64Array(levels.length);
    const missing = countLevels(col, at, counts);
    const shares: Record<string, number> = {};
    levels.forEach((text, c) => {
      if (counts[c] > 0) shares[text] = share(counts[c]);
    });
    return { kind: 'category', shares, missing: share(missing) };
  }
  const { sum, n } = sumPresent(col, at);
  return { kind: 'number', mean: n ? sum / n : null, missing: share(stayers - n) };
}

/** Σ and count of the non-missing col[at[k]], in the order of `at`. */
function sumPresent(col: Float64Array, at: Int32Array): { sum: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < at.length; k++) {
    const v = col[at[k]];
    if (v === v) {
      sum += v;
      n++;
    }
  }
  return { sum, n };
}

/** counts[code] += 1 for each non-missing col[at[k]]; returns how many were missing. */
function countLevels(col: Float64Array, at: Int32Array, counts: Float64Array): number {
  let missing = 0;
  for (let k = 0; k < at.length; k++) {
    const v = col[at[k]];
    if (v !== v) missing++;
    else counts[v]++;
  }
  return missing;
}
