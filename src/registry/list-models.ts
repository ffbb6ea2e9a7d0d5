import type { Context } from '../context.js';
import { currentProduction } from './production.js';

export interface ModelListing {
  version: string;
  createdAt: string;
  trainingRows: number;
  datasetHash: string;
  f1?: number;
  deployed: boolean;
}

/** Every ready model version, oldest first, with its latest scored F1 and whether it is in production. */
export async function listModels(ctx: Context): Promise<{ models: ModelListing[]; production: string | null }> {
  const prod = (await currentProduction(ctx))?.version ?? null;
  const latestF1 = new Map<string, number>();
  // The F1 shown is the latest `score` (test data or --data), not a run's batch or holdout check.
  for (const s of await ctx.store.scores()) if (!('kind' in s.metrics)) latestF1.set(s.version, s.f1);
  const models = (await ctx.store.listModels()).map((m) => {
    const out: ModelListing = { version: m.version, createdAt: m.createdAt, trainingRows: m.trainingRows, datasetHash: m.datasetHash, deployed: m.version === prod };
    const f1 = latestF1.get(m.version);
    if (f1 !== undefined) out.f1 = f1;
    return out;
  });
  return { models, production: prod };
}
