import type { Context } from '../context.js';
import type { ClientReasons } from '../contracts/api.js';
import { loadWorkspaceModel } from '../model/explaining-model.js';
import { ReasonWriter, type FeatureComparison } from '../model/reasons.js';
import { resolveModel } from '../model/resolve.js';
import { artifactsOf } from '../registry/deployment.js';
import { DataError, UsageError } from '../util/errors.js';
import { clientIndex } from './list-reasons.js';
import { listContributions, rankedRiskList, ranking, type RankBy } from './risk-list.js';

/** `riskwatch explain --id ID --json` (docs/cli.md): one current client's risk and why. */
export interface ClientExplanation extends ClientReasons {
  id: string;
  version: string;
  probability: number;
  /** Its place in the call list ordered by config risk.rank_by (1 = call first), of `clients`. */
  rank: number;
  clients: number;
  rankBy: RankBy;
  /** The expected log-odds every client starts from: base + Σ contributions = logit(probability). */
  base: number;
  /** Every feature (model order): the client's value and contribution beside the clients who stayed. */
  features: FeatureComparison[];
}

/**
 * One client of the call list (the current clients the production model ranks) explained: risk,
 * rank, contributions, the top `n` reasons (default config risk.reasons) and each feature against
 * the training rows that stayed. An id that is not a current client is a DataError in one line.
 */
export async function explainClient(ctx: Context, id: string, n?: number): Promise<ClientExplanation> {
  const { config } = ctx;
  const doc = await resolveModel(ctx, 'production');
  const model = await loadWorkspaceModel(ctx, doc);
  // More reasons than features, asked for, is refused as predict --explain and ?explain refuse it;
  // the default (config risk.reasons) is cut to the features.
  if (n !== undefined && n > model.features.length) throw new UsageError(`--reasons: at most ${model.features.length} (the model's features), got ${n}`);
  const list = await rankedRiskList(config, model, { log: ctx.log });
  if (!list) throw new DataError('no dataset yet; run `riskwatch ingest`');
  const i = clientIndex(list, id);
  if (i < 0) throw new DataError(`--id ${id}: not a current client (${list.rows} ranked; a client whose latest row says it left is not one)`);
  const c = listContributions(list, model);
  const stayers = (await artifactsOf(ctx).loadReference(doc.version).catch(() => undefined))?.stayers;
  const writer = new ReasonWriter(model.featureSpecs, { labels: config.featureLabels, ...(stayers && { stayers }) });
  const by = config.risk.rank_by;
  const rank = ranking(list, by).order.indexOf(i) + 1;
  return { id, version: doc.version, probability: list.prob[i], rank, clients: list.rows, rankBy: by, base: c.base, ...writer.explain(c, list, i, Math.min(n ?? config.risk.reasons, model.features.length)), features: writer.compare(c, list, i) };
}
