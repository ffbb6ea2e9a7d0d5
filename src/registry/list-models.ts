import type { ModelListing } from '../contracts/api.js';
import type { Context } from '../context.js';
import { currentProduction } from './production.js';
import { latestModelScores, type ModelScore } from './model-score.js';

export type { ModelListing };

/** Every ready model version, oldest first, with its score and whether it is in production. */
export async function listModels(ctx: Context): Promise<{ models: ModelListing[]; production: string | null }> {
  const prod = (await currentProduction(ctx))?.version ?? null;
  // The same score every other view shows (model-score.ts).
  const scores = latestModelScores(await ctx.store.scores());
  const models = (await ctx.store.listModels()).map((m) => {
    const out: ModelListing = { version: m.version, createdAt: m.createdAt, trainingRows: m.trainingRows, datasetHash: m.datasetHash, deployed: m.version === prod };
    const score = scores.get(m.version);
    if (score) {
      out.f1 = score.f1;
      out.score = score;
    }
    return out;
  });
  return { models, production: prod };
}
