import type { Config } from '../config/load.js';
import type { DriftLevel } from '../contracts/api.js';
import type { Dataset } from '../data/dataset.js';
import { levelsOf } from '../data/dataset.js';
import { compareCategories, type CategoryComparison } from '../stats/category-compare.js';
import type { CategoryProfile } from '../stats/category-profile.js';
import { decideLevel } from './decide.js';
import { DataError } from '../util/errors.js';

/** One category feature's drift (`drift --json`, docs/cli.md). */
export interface CategoryFeatureDrift extends CategoryComparison {
  kind: 'category';
  level: DriftLevel;
  drifted: boolean;
}

/**
 * Levels of a category feature, in the numeric features' manner (drift.ts):
 * - reference of <= 1,000 rows: chi-square decides — drift when p < ks_alpha / features
 *   (Bonferroni, the same correction as KS), possible when p < ks_alpha;
 * - larger: the Jensen–Shannon distance decides — drift at >= drift.js_threshold (default 0.1),
 *   possible from half of it;
 * - possible also when PSI >= 0.1, and whenever the current rows hold a category the training rows
 *   never had (`unseenShare` > 0): a new region or plan is worth a look even while the shares of
 *   the known ones hold.
 * `configured` (drift.methods: "chi2" or "jensenshannon") fixes the deciding test whatever the
 * reference's size.
 * A current column with no non-missing value has no test: level none, as for numbers.
 */
export function categoryLevel(c: CategoryComparison, config: Config, tests: number, configured?: CategoryComparison['method']): CategoryFeatureDrift {
  // drift.methods may fix the deciding test; both figures are computed whatever decides.
  const method = configured ?? c.method;
  const by = method === 'chi2' ? { pValue: c.chi2.pValue } : { distance: c.jensenShannon, threshold: config.drift.js_threshold };
  const { level, drifted } = decideLevel(config, tests, by, c.psi.value, c.unseenShare > 0);
  return { kind: 'category', ...c, method, level, drifted };
}

/** Compare feature j of `current` (a category column: codes and their dictionary) with its profile. */
export function categoryDrift(profile: CategoryProfile, current: Dataset, j: number, config: Config, tests: number, configured?: CategoryComparison['method']): CategoryFeatureDrift {
  const levels = levelsOf(current, j);
  const name = current.features[j];
  if (!levels) throw new DataError(`feature "${name}" is a category in the model's reference but the data read it as numbers; check feature_types`);
  return categoryLevel(compareCategories(profile, current.x[j], levels, current.rows), config, tests, configured);
}
