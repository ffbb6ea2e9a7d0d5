import type { Config } from '../config/load.js';
import { rankPopulation, type ExplainAhead, type RankedRiskList, type RankingModel } from './risk-list.js';

/**
 * The ranked risk list (risk-list.ts) kept for a long-running process: ranking costs a read, a
 * prediction pass and a sort, so it is done once per (model version, population hash). A `get`
 * first compares the population's cheap identity (inode, size, mtime) — no read, no hash — and
 * only when that changed reads it, whose hash then decides whether the ranking is reused.
 * Concurrent calls share one computation. The server's /risk and /population read it.
 */
export class RiskListCache {
  private cached: { list: RankedRiskList; fingerprint: string } | undefined;
  private pending: Promise<RankedRiskList | undefined> | undefined;
  private pendingVersion: string | undefined;
  /** How many times the population was actually ranked (for tests and logs). */
  computations = 0;

  /** `onRank`: told each time the population is actually ranked (the server counts it for /metrics). */
  constructor(
    private readonly config: Config,
    private readonly onRank?: () => void,
  ) {}

  /**
   * The list ranked by `model`; undefined when nothing is ingested yet. `explain`: when the list
   * has to be ranked, its contributions start first (rankPopulation's ExplainAhead).
   */
  async get(model: RankingModel, explain?: ExplainAhead): Promise<RankedRiskList | undefined> {
    // The population reader loads on first use, not with the library entry (every command loads
    // the entry; only a server keeps a cache).
    const { populationFingerprint } = await import('./read-population.js');
    const fp = await populationFingerprint(this.config);
    if (fp === undefined) return undefined;
    const c = this.cached;
    if (c && c.fingerprint === fp && c.list.version === model.version) return c.list;
    if (this.pending && this.pendingVersion === model.version) return this.pending;
    this.pendingVersion = model.version;
    this.pending = this.load(model, fp, explain).finally(() => {
      this.pending = undefined;
      this.pendingVersion = undefined;
    });
    return this.pending;
  }

  private async load(model: RankingModel, fp: string, explain?: ExplainAhead): Promise<RankedRiskList | undefined> {
    const { readPopulation } = await import('./read-population.js');
    const pop = await readPopulation(this.config, [...model.features]);
    if (!pop) return undefined;
    const c = this.cached;
    if (c && c.list.version === model.version && c.list.datasetHash === pop.hash) {
      this.cached = { list: c.list, fingerprint: fp }; // touched, same content
      return c.list;
    }
    const list = rankPopulation(pop, model, explain);
    this.computations++;
    this.onRank?.();
    this.cached = { list, fingerprint: fp };
    return list;
  }
}
