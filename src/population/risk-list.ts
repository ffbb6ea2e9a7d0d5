import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { LoadedDataset } from '../data/dataset-files.js';
import type { IdColumn } from '../data/id-column.js';
import type { FittedModel } from '../model/fitted-model.js';
import { readPopulation, type Population, type PopulationInfo } from './read-population.js';

/** What ranks the population: a model version (loadModel), seen through what ranking needs. */
export type RankingModel = Pick<FittedModel, 'version' | 'features' | 'predictProba'>;

/**
 * The call list: the current clients (read-population.ts), one row each, their risk predicted by one model
 * version and ordered highest risk first. The one ranking GET /risk, the dashboard's data
 * (/population) and the report's highest-risk page all read, so they name the same clients.
 */
export interface RankedRiskList {
  version: string;
  /** sha256 of the data ranked (the dataset's, or the configured population's). */
  datasetHash: string;
  population: PopulationInfo;
  /** Clients ranked (= population.clients). */
  rows: number;
  ids: IdColumn;
  /** Feature columns of each client's row (the model's features, in its order). */
  x: Float64Array[];
  features: string[];
  prob: Float64Array;
  /** Client indices by probability descending (ties: the order of their latest rows). */
  order: Uint32Array;
}

/** Predict and order an already-read population. */
export function rankPopulation(pop: Population, model: RankingModel): RankedRiskList {
  const ds = pop.dataset;
  const prob = model.predictProba(ds);
  const order = Uint32Array.from({ length: ds.rows }, (_, i) => i);
  order.sort((a, b) => prob[b] - prob[a] || a - b);
  return { version: model.version, datasetHash: pop.hash, population: pop.info, rows: ds.rows, ids: ds.ids, x: ds.x, features: ds.features, prob, order };
}

/** Read the population and rank it; undefined when there is nothing to rank yet (no dataset). */
export async function rankedRiskList(config: Config, model: RankingModel, opts: { log?: Logger; loaded?: LoadedDataset } = {}): Promise<RankedRiskList | undefined> {
  const pop = await readPopulation(config, [...model.features], opts);
  return pop && rankPopulation(pop, model);
}

export interface RankedClient {
  rank: number;
  id: string;
  probability: number;
}

/** The `n` highest-risk clients of the list, rank 1 first. */
export function highestRisk(list: RankedRiskList, n: number): RankedClient[] {
  const k = Math.min(Math.max(0, n), list.rows);
  const out = new Array<RankedClient>(k);
  for (let r = 0; r < k; r++) out[r] = { rank: r + 1, id: list.ids.get(list.order[r]), probability: list.prob[list.order[r]] };
  return out;
}

/** Each listed client's feature values (null where missing), for tables that show why. */
export function clientFeatures(list: RankedRiskList, rank: number): Record<string, number | null> {
  const i = list.order[rank - 1];
  const out: Record<string, number | null> = {};
  list.features.forEach((f, j) => (out[f] = Number.isNaN(list.x[j][i]) ? null : list.x[j][i]));
  return out;
}
