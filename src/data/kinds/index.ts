import type { FeatureType } from '../../config/schema.js';
import { categoryKind } from './category/category.js';
import { countKind } from './count/count.js';
import type { FeatureKind, KindTable } from './kind.js';
import { numberKind } from './number/number.js';

export { REJECTED, KIND_NAMES, type FeatureKind, type KindName, type KindTable } from './kind.js';
export { Levels, recode, textHash } from './levels.js';

const KINDS: KindTable<FeatureKind> = { count: countKind, number: numberKind, category: categoryKind };

/** The kind of a feature typed `type` in the config (absent: count, the default). */
export function kindOf(type: FeatureType | undefined): FeatureKind {
  return KINDS[type ?? 'count'];
}
