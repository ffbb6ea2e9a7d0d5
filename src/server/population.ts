import { RiskListCache, type Config, type ListPartHook, type RankedRiskList } from '../index.js';
import type { LoadedModel } from './model-holder.js';

/** The current clients ranked by one model version, highest risk first (the library's ranked risk list). */
export type RankedPopulation = RankedRiskList;

/**
 * `/risk` and the dashboard's /population read the library's ranked risk list, kept by its
 * RiskListCache (once per production version and population hash), for the model the holder serves.
 */
export class PopulationCache {
  private readonly cache: RiskListCache;

  /**
   * `onRank`, `onExplained`: told each time the population is actually ranked, explained (for
   * /metrics); `onPart`: the hook for each part of the clients explained by a model (ListPartHook).
   */
  constructor(
    config: Config,
    onRank?: () => void,
    private readonly onExplained?: () => void,
    private readonly onPart?: (model: LoadedModel) => ListPartHook,
  ) {
    this.cache = new RiskListCache(config, onRank);
  }

  /** How many times the population was actually ranked (for tests and logs). */
  get computations(): number {
    return this.cache.computations;
  }

  /**
   * The ranked population for `model`; undefined when nothing is ingested yet. A population ranked
   * here is explained too, started before it is ranked (the list's `explaining`): every ranked list
   * is explained by the server anyway (dashboard-data.ts), and the threads then work meanwhile.
   */
  get(model: LoadedModel): Promise<RankedPopulation | undefined> {
    return this.cache.get(model.fitted, { model: model.fitted, onComputed: this.onExplained, onPart: this.onPart?.(model) });
  }
}
