import { levelsOf, type Dataset } from '../data/dataset.js';
import { categoryCounts, byText } from '../data/kinds/category/counts.js';

/**
 * What a drift check needs of a training category column (reference.json `categories[feature]`):
 * how many training rows held each category, exactly — every category present, in ascending text
 * order (not the dataset's codes: a reference outlives any dictionary) — and how many were missing.
 * The chi-square, Jensen–Shannon and PSI tests (stats/categorical.ts) start from these counts; the
 * "(other)" fold is the model's business, not the reference's.
 */
export interface CategoryProfile {
  kind: 'category';
  /** Rows with a category (missing left out). */
  n: number;
  /** Share of the training rows with the cell missing. */
  missingRate: number;
  /** Categories present in training, ascending by text. */
  categories: string[];
  /** Rows holding each of `categories`. */
  counts: number[];
}

/** The profile of category column j of `ds` (its codes and dictionary). */
export function categoryProfile(codes: Float64Array, levels: readonly string[]): CategoryProfile {
  const { counts, missing } = categoryCounts(codes, codes.length, levels);
  const present: number[] = [];
  for (let c = 0; c < levels.length; c++) if (counts[c] > 0) present.push(c);
  present.sort((a, b) => byText(levels[a], levels[b]));
  const rows = codes.length;
  return { kind: 'category', n: rows - missing, missingRate: rows ? missing / rows : 0, categories: present.map((c) => levels[c]), counts: present.map((c) => counts[c]) };
}

/** Every category feature's profile (numeric features are not here). */
export function categoryProfiles(ds: Dataset): Record<string, CategoryProfile> {
  const out: Record<string, CategoryProfile> = {};
  ds.features.forEach((f, j) => {
    const levels = levelsOf(ds, j);
    if (levels) out[f] = categoryProfile(ds.x[j], levels);
  });
  return out;
}
