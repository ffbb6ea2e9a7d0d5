import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { Config } from '../config/load.js';
import type { DeploymentRecord } from '../store/types.js';
import { readModelFile, loadModelVersion, MODEL_FILE } from './versions.js';
import type { ModelDocument } from '../model/model-document.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError } from '../util/errors.js';
import { nowIso } from '../util/time.js';

/**
 * The production model is one file, prod_deployment_path/model.json, replaced by an atomic
 * rename: a reader sees the old model or the new one, never half of either. latestscore.txt and
 * ingestedfiles.json sit beside it for compatibility with the original project; they are written
 * before the model (so once model.json names a version its companions are already in place).
 */
export function productionPath(config: Config): string {
  return join(config.productionFolder, MODEL_FILE);
}

export function readProduction(config: Config): ModelDocument | undefined {
  const path = productionPath(config);
  return existsSync(path) ? readModelFile(path) : undefined;
}

/** Bring the store in line with the file after a crash between the rename and the store write. */
async function reconcile(ctx: Context): Promise<void> {
  const prod = readProduction(ctx.config);
  if (!prod) return;
  const history = await ctx.store.deployments();
  const last = history[history.length - 1];
  if (!last || last.version !== prod.version) {
    ctx.log.warn({ version: prod.version }, 'production file and deployment history disagree; recording the file as deployed');
    await ctx.store.recordDeployment({ version: prod.version, previous: last?.version ?? null, action: 'recover', reason: 'found in production folder after an interrupted deployment', deployedAt: nowIso() });
  }
}

/** The versions in production over time, as a stack: deploy pushes, rollback pops. */
function productionStack(history: DeploymentRecord[]): string[] {
  const stack: string[] = [];
  for (const d of history) {
    if (d.action === 'rollback') {
      stack.pop();
      if (stack[stack.length - 1] !== d.version) stack.push(d.version);
    } else if (stack[stack.length - 1] !== d.version) stack.push(d.version);
  }
  return stack;
}

export interface DeployResult {
  version: string;
  previous: string | null;
  action: 'deploy' | 'rollback';
  deployedAt: string;
}

async function promote(ctx: Context, doc: ModelDocument, action: 'deploy' | 'rollback', reason: string): Promise<DeployResult> {
  const { config, store } = ctx;
  const previous = readProduction(config)?.version ?? null;
  const scores = await store.scores(doc.version);
  const last = scores[scores.length - 1];
  if (last) writeFileAtomicSync(join(config.productionFolder, 'latestscore.txt'), `${last.f1}\n`);
  const ingested = join(config.outputFolder, 'ingestedfiles.json');
  if (existsSync(ingested)) writeFileAtomicSync(join(config.productionFolder, 'ingestedfiles.json'), readFileSync(ingested));
  writeFileAtomicSync(productionPath(config), JSON.stringify(doc, null, 2) + '\n');
  const deployedAt = nowIso();
  await store.recordDeployment({ version: doc.version, previous, action, reason, deployedAt });
  ctx.log.info({ version: doc.version, previous, action }, `${action === 'deploy' ? 'deployed' : 'rolled back to'} ${doc.version}`);
  return { version: doc.version, previous, action, deployedAt };
}

/** Promote a version (default: the newest) to production. */
export async function deploy(ctx: Context, version?: string, reason = 'manual deploy'): Promise<DeployResult> {
  await reconcile(ctx);
  if (!version) {
    const models = await ctx.store.listModels();
    if (!models.length) throw new DataError('no model version to deploy; run `riskwatch train` first');
    version = models[models.length - 1].version;
  } else if (!(await ctx.store.getModel(version))) {
    throw new DataError(`model version "${version}" not found; see \`riskwatch models\``);
  }
  return promote(ctx, loadModelVersion(ctx.config, version), 'deploy', reason);
}

/** Return to the version that was in production before the current one. */
export async function rollback(ctx: Context, reason = 'manual rollback'): Promise<DeployResult> {
  await reconcile(ctx);
  const stack = productionStack(await ctx.store.deployments());
  if (stack.length < 2) throw new DataError('nothing to roll back to: no earlier version was in production');
  return promote(ctx, loadModelVersion(ctx.config, stack[stack.length - 2]), 'rollback', reason);
}

export { reconcile as reconcileProduction };
