import type { Context } from '../context.js';
import { artifactsOf } from '../registry/deployment.js';
import { currentProduction } from '../registry/production.js';
import { DataError, UsageError } from '../util/errors.js';
import { VERSION_ID } from '../registry/versions.js';
import type { ModelDocument } from '../contracts/model-document.js';

/** `production` (the default), `latest` or a version id → the model document. */
export async function resolveModel(ctx: Context, which: string = 'production'): Promise<ModelDocument> {
  if (which === 'production') {
    const prod = await currentProduction(ctx);
    if (!prod) throw new DataError('no model in production; run `riskwatch deploy` or pass --model VERSION');
    return prod;
  }
  if (which === 'latest') {
    const models = await ctx.store.listModels();
    if (!models.length) throw new DataError('no model version yet; run `riskwatch train` first');
    return artifactsOf(ctx).loadModel(models[models.length - 1].version);
  }
  // A version name only: a path (`../production_deployment`) would load a model from anywhere.
  if (!VERSION_ID.test(which)) throw new UsageError(`--model: expected a version id such as v3, "production" or "latest" (got ${JSON.stringify(which)})`);
  return artifactsOf(ctx).loadModel(which);
}
