import { categoryCounts } from './counts.js';

/** pandas' describe() of a text column: count (present cells), unique, top (ties: met first), freq. */
export function describeCategory(codes: Float64Array, levels: readonly string[]): { count: number; unique: number; top: string | null; freq: number } {
  const { counts, missing } = categoryCounts(codes, codes.length, levels);
  let unique = 0;
  let top = -1;
  // Codes are numbered in order of first appearance, so the lowest code among the most frequent is the one met first.
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] === 0) continue;
    unique++;
    if (top < 0 || counts[c] > counts[top]) top = c;
  }
  return { count: codes.length - missing, unique, top: top < 0 ? null : levels[top], freq: top < 0 ? 0 : counts[top] };
}
