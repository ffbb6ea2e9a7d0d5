import { levelsOf, type Dataset } from '../data/dataset.js';
import { categoryProfile, type CategoryProfile } from './category-profile.js';
import { stayerFeature, stayerRows, type StayerFeature, type StayerProfile } from './stayers.js';

/**
 * Who makes a reference's row profiles when two threads could (training's reference thread, in
 * idle time, or the main thread): a slot of shared memory, claimed by compare-and-exchange from
 * `none`.
 */
export const ROWS_BY = { none: 0, thread: 1, main: 2 } as const;

/**
 * reference.ts `rowProfiles` a small piece at a time (each `step` one pass over the rows: the
 * stayers' row numbers, then per feature its category counts and its stayers' part), for a thread
 * that has other work to take up between pieces: training's reference thread builds them in the
 * time the fit's passes leave it idle (logistic/pass-threads.ts). The same functions in the same
 * order, so `result` is rowProfiles(ds), key order included.
 */
export class RowProfiler {
  private at: Int32Array | undefined;
  private readonly categories: Record<string, CategoryProfile> = {};
  private readonly stayers: Record<string, StayerFeature> = {};
  /** The next piece: 0 the stayers' rows, then two per feature (category counts, stayers' part). */
  private next = 0;

  constructor(private readonly ds: Dataset) {}

  /** One piece; false once there is none left (then `result`). */
  step(): boolean {
    const { ds } = this;
    const k = this.next;
    if (k >= 1 + 2 * ds.features.length) return false;
    this.next++;
    if (k === 0) {
      this.at = stayerRows(ds.y, ds.rows);
      return true;
    }
    const j = (k - 1) >> 1;
    const f = ds.features[j];
    const levels = levelsOf(ds, j);
    if ((k - 1) % 2 === 0) {
      if (levels) this.categories[f] = categoryProfile(ds.x[j], levels);
    } else this.stayers[f] = stayerFeature(ds.x[j], levels, this.at!);
    return this.next < 1 + 2 * ds.features.length;
  }

  /** rowProfiles(ds), the pieces not yet made made now. */
  result(): { categories: Record<string, CategoryProfile>; stayers: StayerProfile } {
    while (this.step());
    return { categories: this.categories, stayers: { rows: this.at!.length, features: this.stayers } };
  }
}
