import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { SegmentFile } from '../data/dataset-bin.js';
import type { DatasetBuilder } from '../data/dataset.js';

/**
 * One warning per category feature whose dataset holds more distinct texts than max_categories:
 * training keeps the most frequent as themselves and folds the rest into "(other)", which the user
 * should know (an id or free-text column typed as a category, say). Nothing is dropped. Counted
 * over the whole dataset: the stored segments' dictionaries (their headers, when appending) and
 * the rows read now. Returns the features warned about.
 */
export function warnManyCategories(log: Logger, config: Config, builder: DatasetBuilder, stored: SegmentFile[] | null): Array<{ feature: string; distinct: number }> {
  const out: Array<{ feature: string; distinct: number }> = [];
  builder.features.forEach((feature, j) => {
    const mine = builder.levels[j];
    if (!mine) return;
    let distinct = mine.size;
    if (stored?.length) {
      const all = new Set(mine.texts);
      for (const seg of stored) for (const t of seg.levelsOf(j) ?? []) all.add(t);
      distinct = all.size;
    }
    if (distinct <= config.maxCategories) return;
    out.push({ feature, distinct });
    log.warn(
      { feature, distinct, maxCategories: config.maxCategories },
      `feature "${feature}" has ${distinct} distinct categories: training keeps the ${config.maxCategories} most frequent and folds the rest into "(other)" (config max_categories; an id or free-text column should not be a category)`,
    );
  });
  return out;
}
