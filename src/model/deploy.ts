import type { Context } from '../context.js';
import { DataError, RiskwatchError } from '../util/errors.js';
import { modelScore, type ModelScore } from '../registry/model-score.js';
import { artifactsOf, productionOf } from '../registry/deployment.js';
import { deployRefusal, productionStack, reconcileProduction } from '../registry/production.js';
import { score } from './score.js';

export interface DeployResult {
  version: string;
  previous: string | null;
  action: 'deploy' | 'rollback';
  deployedAt: string;
  /** The production model's score now, with what it was measured on (null: nothing to score it on). */
  score: ModelScore | null;
}

/**
 * Every way into production (CLI deploy and rollback, POST /deploy and /rollback, the pipeline)
 * comes through here, so no version reaches production unscored: one never scored on anything
 * that counts is scored on the test data first, and that is the score every view shows. Nor
 * one trained on too few rows (deployRefusal).
 */
async function promote(ctx: Context, version: string, action: 'deploy' | 'rollback', reason: string): Promise<DeployResult> {
  const doc = await artifactsOf(ctx).loadModel(version);
  const refused = deployRefusal(ctx, doc.version, doc.training.rows);
  if (refused) throw new DataError(refused);
  const score = (await modelScore(ctx.store, doc.version)) ?? (await scoreOnTestData(ctx, doc.version));
  const { previous, deployedAt } = await productionOf(ctx).promote(doc, action, reason);
  ctx.log.info({ version: doc.version, previous, action, f1: score?.f1 ?? null }, `${action === 'deploy' ? 'deployed' : 'rolled back to'} ${doc.version}`);
  return { version: doc.version, previous, action, deployedAt, score };
}

async function scoreOnTestData(ctx: Context, version: string): Promise<ModelScore | null> {
  try {
    return (await score(ctx, { model: version })).modelScore;
  } catch (err) {
    // No labelled test rows to score on: deploying still works (as before), and every view then
    // says "not scored" rather than showing another version's figure.
    if (!(err instanceof RiskwatchError)) throw err;
    ctx.log.warn({ version }, `${version} deployed without a score: ${err.message}`);
    return null;
  }
}

/** Promote a version (default: the newest) to production. */
export async function deploy(ctx: Context, version?: string, reason = 'manual deploy'): Promise<DeployResult> {
  await reconcileProduction(ctx);
  if (!version) {
    const models = await ctx.store.listModels();
    if (!models.length) throw new DataError('no model version to deploy; run `riskwatch train` first');
    version = models[models.length - 1].version;
  } else if (!(await ctx.store.getModel(version))) {
    throw new DataError(`model version "${version}" not found; see \`riskwatch models\``);
  }
  return promote(ctx, version, 'deploy', reason);
}

/** Return to the version that was in production before the current one. */
export async function rollback(ctx: Context, reason = 'manual rollback'): Promise<DeployResult> {
  await reconcileProduction(ctx);
  const stack = productionStack(await ctx.store.deployments());
  if (stack.length < 2) throw new DataError('nothing to roll back to: no earlier version was in production');
  return promote(ctx, stack[stack.length - 2], 'rollback', reason);
}
