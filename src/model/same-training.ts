import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import { artifactsOf } from '../registry/deployment.js';
import { MODEL_FORMAT_2, modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { familyHyperParameters } from './family-fit.js';
import { SELECTION_SEED, SELECTION_SHARE } from './select-family.js';

/** What identifies the rows held out of a training: the sha256 of its mask (undefined: none). */
export function holdoutKey(holdout: Uint8Array | undefined): string | undefined {
  return holdout ? createHash('sha256').update(holdout).digest('hex') : undefined;
}

/** Two flat records with the same keys and values (key order aside). */
function sameRecord(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  if (!a) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * A ready version already fitted on this dataset, with these rows held out and this config
 * (features, target, id column, threshold, model family and its hyperparameters — under
 * model.family "auto" the selection's share and seed and every candidate's hyperparameters):
 * fitting again would give the same model under a new version number. Found after a run killed
 * between training and deploying, or `train` run twice; the newest such version, or undefined.
 */
export async function findSameTraining(ctx: Pick<Context, 'config' | 'store' | 'log'>, datasetHash: string, features: string[], holdout: string | undefined): Promise<{ doc: ModelDocument; path: string } | undefined> {
  const { config, store } = ctx;
  const model = config.model;
  const candidates = (await store.listModels()).filter((m) => m.datasetHash === datasetHash).reverse();
  for (const m of candidates) {
    let doc: ModelDocument;
    try {
      doc = await artifactsOf(ctx).loadModel(m.version);
    } catch {
      continue; // unreadable: not something to reuse
    }
    const v2 = doc.format === MODEL_FORMAT_2 ? doc : null;
    const h = doc.hyperParameters;
    // A /1 document is an unstandardized logistic model; its threshold sits among the hyper-parameters.
    const threshold = v2 ? v2.threshold : 'threshold' in h ? h.threshold : Number.NaN;
    const common =
      doc.training.holdout === holdout &&
      modelFeatureNames(doc).join('\0') === features.join('\0') &&
      doc.target === config.target &&
      doc.idColumn === config.id &&
      threshold === model.threshold;
    if (!common) continue;
    const selection = v2?.selection;
    const family = v2 ? v2.family : 'logistic';
    let same: boolean;
    if (model.family === 'auto') {
      same =
        selection !== undefined &&
        selection.validationShare === SELECTION_SHARE &&
        selection.seed === SELECTION_SEED &&
        selection.winner === family &&
        selection.candidates.every((c) => sameRecord(c.hyperParameters, familyHyperParameters(c.family, model)));
    } else {
      // A configured family's version carries no selection (and is of that family). A /1 document
      // keeps its threshold among the hyper-parameters (compared above) and is unstandardized.
      const hp: Record<string, unknown> = { ...h };
      delete hp.threshold;
      if (!v2) hp.standardize = false;
      same = selection === undefined && family === model.family && sameRecord(hp, familyHyperParameters(family, model));
    }
    if (same) return { doc, path: m.path };
  }
  return undefined;
}
