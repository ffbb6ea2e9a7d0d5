import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import { artifactsOf } from '../registry/deployment.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';

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
    // Another family's version is never the same training as this logistic fit.
    if ('family' in doc && doc.family !== 'logistic') continue;
    const h = doc.hyperParameters;
    // A /1 document is an unstandardized model; its threshold sits among the hyper-parameters.
    const standardize = 'standardize' in h ? h.standardize : false;
    const threshold = 'threshold' in doc ? doc.threshold : 'threshold' in h ? h.threshold : Number.NaN;
    const same =
      doc.training.holdout === holdout &&
      modelFeatureNames(doc).join('\0') === features.join('\0') &&
      doc.target === config.target &&
      doc.idColumn === config.id &&
      h.C === config.model.C &&
      h.maxIter === config.model.max_iter &&
      h.tol === config.model.tol &&
      threshold === config.model.threshold &&
      standardize === config.model.standardize;
    if (same) return { doc, path: m.path };
  }
  return undefined;
}
