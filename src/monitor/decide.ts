import type { Config } from '../config/load.js';
import type { DriftLevel } from '../contracts/api.js';
import { PSI_MODERATE } from '../stats/psi.js';

/**
 * The one rule that turns a feature's deciding figure into its level, for numbers and categories:
 * - a p-value (KS, chi-square; references of ≤ 1,000 rows): drift below ks_alpha / tests with the
 *   Bonferroni correction (several features are tested at once; ks_alpha with none), possible
 *   below ks_alpha;
 * - a distance (normalised Wasserstein, Jensen–Shannon; larger references, where p-values flag
 *   shifts too small to matter): drift at ≥ its threshold, possible from half of it;
 * - possible too when PSI ≥ 0.1 or `alsoPossible` (a category never seen in training).
 */
export function decideLevel(
  config: Config,
  tests: number,
  by: { pValue: number } | { distance: number; threshold: number },
  psi: number,
  alsoPossible = false,
): { level: DriftLevel; drifted: boolean } {
  const d = config.drift;
  let drifted: boolean;
  let possible: boolean;
  if ('pValue' in by) {
    drifted = by.pValue < (d.correction === 'bonferroni' ? d.ks_alpha / tests : d.ks_alpha);
    possible = by.pValue < d.ks_alpha;
  } else {
    drifted = by.distance >= by.threshold;
    possible = by.distance >= by.threshold / 2;
  }
  possible ||= psi >= PSI_MODERATE || alsoPossible;
  return { level: drifted ? 'drift' : possible ? 'possible' : 'none', drifted };
}
