import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import { artifactsOf } from '../registry/deployment.js';
import type { ModelDocument } from '../contracts/model-document.js';

/** What identifies the rows held out of a training: the sha256 of its mask (undefined: none). */
export function holdoutKey(holdout: Uint8Array | undefined): string | undefined {
  return holdout ? createHash('sha256').update(holdout).digest('hex') : undefined;
}

/**
 * A ready version already fitted on this dataset, with these rows held out and this config
 * (features, target, id column, hyperparameters): fitting again would give the same model under
 * a new version number. Found after a run killed between training and deploying, or `train`
 * run twice; the newest such version, or undefined.
 */
export async function findSameTraining(ctx: Pick<Context, 'config' | 'store' | 'log'>, datasetHash: string, features: string[], holdout: string | undefined): Promise<{ doc: ModelDocument; path: string } | undefined> {
  const { config, store } = ctx;
  const candidates = (await store.listModels()).filter((m) => m.datasetHash === datasetHash).reverse();
  for (const m of candidates) {
    let doc: ModelDocument;
    try {
      doc = await artifactsOf(ctx).loadModel(m.version);
    } catch {
      continue; // unreadable: not something to reuse
    }
    const h = doc.hyperParameters;
    const same =
      doc.training.holdout === holdout &&
      doc.features.join('\0') === features.join('\0') &&
      doc.target === config.target &&
      doc.idColumn === config.id &&
      h.C === config.model.C &&
      h.maxIter === config.model.max_iter &&
      h.tol === config.model.tol &&
      h.threshold === config.model.threshold;
    if (same) return { doc, path: m.path };
  }
  return undefined;
}
