import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { LoadedDataset } from '../data/dataset-files.js';
import type { IdColumn } from '../data/id-column.js';
import type { Contributions, ContributionsPart, FittedModel } from '../model/fitted-model.js';
import type { GlobalImportance } from './importance.js';
import type { Population, PopulationInfo } from './read-population.js';

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
  /** Per feature its dictionary (code → text) for a category column, null for a numeric one (Dataset.levels). */
  levels?: readonly (readonly string[] | null)[];
  prob: Float64Array;
  /** Per client its value_column (NaN: none); null when no value_column is set. */
  value: Float64Array | null;
  /** Client indices by probability descending (ties: the order of their latest rows). */
  order: Uint32Array;
  /** Each way of ranking (ranking()), made the first time it is asked for and kept with the list. */
  rankings: Partial<Record<RankBy, Ranking>>;
  /** Every client's contributions (listContributions()), made the first time they are asked for and kept with the list. */
  contributions?: Contributions;
  /** Their computation off the thread while it runs (explainList()): every caller meanwhile waits on this one. */
  explaining?: Promise<Contributions>;
  /** Mean |contribution| per feature (importance.ts globalImportance()), made the first time it is asked for and kept with the list. */
  importance?: GlobalImportance;
}

/** What explains the list: the model version that ranked it, seen through what contributions need. */
export type ExplainingModel = Pick<FittedModel, 'version' | 'contributions'>;

/**
 * Each ranked client's contributions to its risk (FittedModel.contributions; values[j][client],
 * client indices as in `prob`, not ranks), computed once per list — and the list is cached per
 * (model version, population hash) — so every request, page and chart that shows reasons reads
 * the same numbers without recomputing them. `model` must be the version that ranked the list.
 */
export function listContributions(list: RankedRiskList, model: ExplainingModel): Contributions {
  if (model.version !== list.version) throw new Error(`the call list was ranked by ${list.version}; ${model.version} cannot explain it`);
  list.contributions ??= model.contributions({ x: list.x, rows: list.rows, levels: list.levels });
  return list.contributions;
}

/**
 * listContributions computed off the calling thread (FittedModel.contributionsOffThread: worker
 * threads for the trees), for a server that must keep answering meanwhile: started once per list,
 * every caller until it is done waits on the same computation, and afterwards the list has them
 * (listContributions then returns them at once). `onComputed` is told each time they were actually
 * computed; `onPart` (ListPartHook), of each part of the clients as its contributions are final,
 * when this call starts the computation.
 */
export function explainList(list: RankedRiskList, model: Pick<FittedModel, 'version' | 'contributionsOffThread'>, onComputed?: () => void, onPart?: ListPartHook): Promise<Contributions> {
  if (model.version !== list.version) return Promise.reject(new Error(`the call list was ranked by ${list.version}; ${model.version} cannot explain it`));
  if (list.contributions) return Promise.resolve(list.contributions);
  if (!list.explaining) keepExplaining(list, model.contributionsOffThread({ x: list.x, rows: list.rows, levels: list.levels }, onPart && ((part) => onPart(list, part))), onComputed);
  return list.explaining!;
}

/**
 * Told, while a list is being explained, that clients [part.from, part.to) (client indices, as in
 * `prob`) have their final contributions in part.values — parts in any order, each client once,
 * all before the list's contributions are done — so work per client (reason texts, rows of an
 * answer) can be done while the model's threads explain the rest. Must not throw.
 */
export type ListPartHook = (list: RankedRiskList, part: ContributionsPart) => void;

/** Make `computing` the list's computation under way (list.explaining), its result the list's contributions once done. */
function keepExplaining(list: RankedRiskList, computing: Promise<Contributions>, onComputed?: () => void): void {
  const explaining = computing.then(
    (c) => {
      onComputed?.();
      return (list.contributions ??= c);
    },
    (err: unknown) => {
      list.explaining = undefined; // a later caller tries again
      throw err;
    },
  );
  list.explaining = explaining;
  void explaining.then(() => (list.explaining = undefined), () => {});
}

/**
 * rankPopulation's option: explain the population too (explainList), started before the rows are
 * ranked — a row's contributions do not depend on its rank, so the model's threads explain while
 * this thread predicts and sorts. `onComputed` as explainList's.
 */
export interface ExplainAhead {
  model: Pick<FittedModel, 'contributionsOffThread'>;
  onComputed?: () => void;
  /** As explainList's: each part of the clients as it is explained (the list is ranked by then). */
  onPart?: ListPartHook;
}

/** What the call list is ordered by (config risk.rank_by, GET /risk?rank=). */
export type RankBy = 'probability' | 'expected_loss';
export const RANK_BY: readonly RankBy[] = ['probability', 'expected_loss'];

/** One order of the list, with running sums so the top K's totals cost nothing per request. */
export interface Ranking {
  by: RankBy;
  /** Client indices, rank 1 first. */
  order: Uint32Array;
  /** sums.leavers[k]: Σ probability over the first k clients (k = 0 … rows). */
  leavers: Float64Array;
  /** Σ probability × value over the first k clients (a client without a value adds 0); null without value_column. */
  loss: Float64Array | null;
  /** How many of the first k clients have no value; null without value_column. */
  noValue: Uint32Array | null;
}

/** Predict and order an already-read population; with `explain`, its contributions start first (ExplainAhead). */
export function rankPopulation(pop: Population, model: RankingModel, explain?: ExplainAhead): RankedRiskList {
  const ds = pop.dataset;
  // Parts come back as messages, after this function has returned the list; one explained sooner
  // (a model computing on this thread) waits for the list.
  let list: RankedRiskList | undefined;
  const early: ContributionsPart[] = [];
  const onPart = explain?.onPart;
  const computing = explain?.model.contributionsOffThread({ x: ds.x, rows: ds.rows, levels: ds.levels }, onPart && ((part) => (list ? onPart(list, part) : early.push(part))));
  const prob = model.predictProba(ds);
  const order = Uint32Array.from({ length: ds.rows }, (_, i) => i);
  order.sort((a, b) => prob[b] - prob[a] || a - b);
  const ranked: RankedRiskList = { version: model.version, datasetHash: pop.hash, population: pop.info, rows: ds.rows, ids: ds.ids, x: ds.x, features: ds.features, levels: ds.levels, prob, value: pop.value, order, rankings: {} };
  list = ranked;
  for (const part of early) onPart?.(ranked, part);
  if (computing) keepExplaining(ranked, computing, explain?.onComputed);
  return ranked;
}

/**
 * The list ordered `by`: "probability" is `order`; "expected_loss" orders by probability × value,
 * highest first, ties by probability, then by the order of their latest rows. A client with no
 * value (an empty cell) has no expected loss: such clients come after every client with one (an
 * unknown value should not push a known one off the list), among themselves by probability.
 * Made once per list (the list itself is cached per model version and population hash).
 * "expected_loss" without value_column is an error the callers rule out first.
 */
export function ranking(list: RankedRiskList, by: RankBy): Ranking {
  const made = list.rankings[by];
  if (made) return made;
  const { prob, value } = list;
  let order = list.order;
  if (by === 'expected_loss') {
    if (!value) throw new Error('ranking by expected_loss needs value_column');
    const loss = new Float64Array(list.rows);
    for (let i = 0; i < list.rows; i++) loss[i] = prob[i] * value[i];
    order = list.order.slice();
    // NaN (no value) last; otherwise loss descending; the probability order breaks ties.
    const rankInProb = new Uint32Array(list.rows);
    list.order.forEach((i, r) => (rankInProb[i] = r));
    order.sort((a, b) => {
      const la = loss[a];
      const lb = loss[b];
      if (la !== la || lb !== lb) return la !== la && lb !== lb ? rankInProb[a] - rankInProb[b] : la !== la ? 1 : -1;
      return lb - la || rankInProb[a] - rankInProb[b];
    });
  }
  const n = list.rows;
  const leavers = new Float64Array(n + 1);
  const loss = value ? new Float64Array(n + 1) : null;
  const noValue = value ? new Uint32Array(n + 1) : null;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    leavers[k + 1] = leavers[k] + prob[i];
    if (loss && noValue && value) {
      const v = value[i];
      loss[k + 1] = loss[k] + (v === v ? prob[i] * v : 0);
      noValue[k + 1] = noValue[k] + (v === v ? 0 : 1);
    }
  }
  const r: Ranking = { by, order, leavers, loss, noValue };
  list.rankings[by] = r;
  return r;
}

/** What the top `k` of a ranking cover (RiskSummary in the API contracts). */
export interface CallListSummary {
  rank: RankBy;
  /** Clients in the top (min(k, rows)). */
  clients: number;
  /** Σ probability over them: how many of them are expected to leave. */
  expectedLeavers: number;
  /** Σ probability × value over them (clients without a value add 0); null without value_column. */
  expectedLoss: number | null;
  /** Of them, clients without a value; null without value_column. */
  withoutValue: number | null;
  /** The same sums over the whole population, to say what share the top covers. */
  population: { clients: number; expectedLeavers: number; expectedLoss: number | null };
}

/** The top `k`'s summary, from the ranking's running sums. */
export function callListSummary(list: RankedRiskList, by: RankBy, k: number): CallListSummary {
  const r = ranking(list, by);
  const n = list.rows;
  const top = Math.min(Math.max(0, k), n);
  return {
    rank: by,
    clients: top,
    expectedLeavers: r.leavers[top],
    expectedLoss: r.loss ? r.loss[top] : null,
    withoutValue: r.noValue ? r.noValue[top] : null,
    population: { clients: n, expectedLeavers: r.leavers[n], expectedLoss: r.loss ? r.loss[n] : null },
  };
}

/** Read the population and rank it; undefined when there is nothing to rank yet (no dataset). */
export async function rankedRiskList(config: Config, model: RankingModel, opts: { log?: Logger; loaded?: LoadedDataset } = {}): Promise<RankedRiskList | undefined> {
  // Loaded here, not with the module: the ranking itself (rankPopulation, highestRisk) is exported
  // by the library entry, which every command loads; reading a population is this function's.
  const { readPopulation } = await import('./read-population.js');
  const pop = await readPopulation(config, [...model.features], opts);
  return pop && rankPopulation(pop, model);
}

export interface RankedClient {
  rank: number;
  id: string;
  probability: number;
  /** value_column's value (null: empty cell, or no value_column). */
  value: number | null;
  /** probability × value (null when value is). */
  expectedLoss: number | null;
}

/** The first `n` clients of the list ranked `by` (default: probability), rank 1 first. */
export function highestRisk(list: RankedRiskList, n: number, by: RankBy = 'probability'): RankedClient[] {
  const { order } = ranking(list, by);
  const k = Math.min(Math.max(0, n), list.rows);
  const out = new Array<RankedClient>(k);
  for (let r = 0; r < k; r++) {
    const i = order[r];
    const p = list.prob[i];
    const v = list.value ? list.value[i] : Number.NaN;
    out[r] = { rank: r + 1, id: list.ids.get(i), probability: p, value: v === v ? v : null, expectedLoss: v === v ? p * v : null };
  }
  return out;
}

/** Each listed client's feature values (null where missing), for tables that show why; `rank` in the list ranked `by`. */
export function clientFeatures(list: RankedRiskList, rank: number, by: RankBy = 'probability'): Record<string, number | null> {
  const i = ranking(list, by).order[rank - 1];
  const out: Record<string, number | null> = {};
  list.features.forEach((f, j) => (out[f] = Number.isNaN(list.x[j][i]) ? null : list.x[j][i]));
  return out;
}
