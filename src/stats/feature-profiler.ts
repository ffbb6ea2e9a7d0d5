import type { Dataset } from '../data/dataset.js';
import { referenceProfile, type ReferenceProfile } from './profile.js';
import { SortScratch, type SortBuffers } from './sorted.js';

/**
 * reference.ts `featureProfiles` a column at a time (each `step` one column's profile: its sort,
 * most of it), for a thread that has other work to take up between columns: training's reference
 * thread takes the fit's passes as soon as they are offered, and profiles the columns in the time
 * they leave it (logistic/pass-threads.ts). The same function on the same columns in the same
 * order, so `result` is featureProfiles(ds), key order included.
 */
export class FeatureProfiler {
  private readonly features: Record<string, ReferenceProfile> = {};
  private next = 0;

  constructor(
    private readonly ds: Dataset,
    private readonly buffers: SortBuffers = new SortScratch(ds.rows),
  ) {}

  /** Whether a column is left to profile. */
  get pending(): boolean {
    return this.next < this.ds.features.length;
  }

  /** One column; false once there is none left (then `result`). */
  step(): boolean {
    const j = this.next;
    if (j >= this.ds.features.length) return false;
    this.next++;
    this.features[this.ds.features[j]] = referenceProfile(this.ds.x[j], this.buffers);
    return this.pending;
  }

  /** featureProfiles(ds), the columns not yet profiled profiled now. */
  result(): Record<string, ReferenceProfile> {
    while (this.step());
    return this.features;
  }
}
