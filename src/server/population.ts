import type { Config } from '../config/load.js';
import { modelFeatureNames } from '../contracts/model-document.js';
import { populationFingerprint, readPopulation } from '../population/read-population.js';
import { rankPopulation, type RankedRiskList } from '../population/risk-list.js';
import type { LoadedModel } from './model-holder.js';

/** The current clients scored by one model version, highest risk first (src/population/risk-list.ts). */
export type RankedPopulation = RankedRiskList;

/**
 * `/risk` and the dashboard rank the population (the library's rankedRiskList: the dataset's current
 * clients, or config `population`); that costs a read, a scoring pass and a sort, so it is done
 * once per (production version, population hash). A request first compares the population's
 * cheap identity (inode, size, mtime) — no read, no hash — and only when that changed reads it,
 * whose hash then decides whether the ranking is reused. Concurrent requests share one computation.
 */
export class PopulationCache {
  private cached: { population: RankedPopulation; fingerprint: string } | undefined;
  private pending: Promise<RankedPopulation | undefined> | undefined;
  private pendingVersion: string | undefined;
  /** How many times the population was actually ranked (for tests and logs). */
  computations = 0;

  constructor(private readonly config: Config) {}

  /** The ranked population for `model`; undefined when nothing is ingested yet. */
  async get(model: LoadedModel): Promise<RankedPopulation | undefined> {
    const fp = await populationFingerprint(this.config);
    if (fp === undefined) return undefined;
    const c = this.cached;
    if (c && c.fingerprint === fp && c.population.version === model.version) return c.population;
    if (this.pending && this.pendingVersion === model.version) return this.pending;
    this.pendingVersion = model.version;
    this.pending = this.load(model, fp).finally(() => {
      this.pending = undefined;
      this.pendingVersion = undefined;
    });
    return this.pending;
  }

  private async load(model: LoadedModel, fp: string): Promise<RankedPopulation | undefined> {
    const pop = await readPopulation(this.config, modelFeatureNames(model.doc));
    if (!pop) return undefined;
    const c = this.cached;
    if (c && c.population.version === model.version && c.population.datasetHash === pop.hash) {
      this.cached = { population: c.population, fingerprint: fp }; // touched, same content
      return c.population;
    }
    const population = rankPopulation(pop, model.fitted);
    this.computations++;
    this.cached = { population, fingerprint: fp };
    return population;
  }
}
