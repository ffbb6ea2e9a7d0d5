/**
 * How often each code of a category column occurs in its first `rows` cells (NaN = missing, not
 * counted): the counts a profile, a summary, the "(other)" fold and the drift tests start from.
 */
export function categoryCounts(codes: Float64Array, rows: number, levels: readonly string[]): { counts: Float64Array; missing: number } {
  const counts = new Float64Array(levels.length);
  let missing = 0;
  for (let i = 0; i < rows; i++) {
    const c = codes[i];
    if (c !== c) missing++;
    else counts[c]++;
  }
  return { counts, missing };
}

/** Ascending UTF-16 order, the order every kept-category list uses (independent of dictionaries). */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The text the categories beyond max_categories are folded into. */
export const OTHER = '(other)';

/**
 * The categories kept as themselves for a feature: the `max` most frequent texts present (ties:
 * by text), in ascending text order; `folded` says whether any present text was left out (those are
 * one "(other)" level). Dictionary-independent: the same counts by text give the same answer.
 * A text already "(other)" in the data is part of the fold, never kept on its own.
 */
export function keptCategories(levels: readonly string[], counts: ArrayLike<number>, max: number): { kept: string[]; folded: boolean } {
  const present: number[] = [];
  let folded = false;
  for (let c = 0; c < levels.length; c++) {
    if (!(counts[c] > 0)) continue;
    if (levels[c] === OTHER) folded = true;
    else present.push(c);
  }
  let chosen = present;
  if (present.length > max) {
    chosen = [...present].sort((a, b) => counts[b] - counts[a] || byText(levels[a], levels[b])).slice(0, max);
    folded = true;
  }
  return { kept: chosen.map((c) => levels[c]).sort(byText), folded };
}
