import type { Context } from '../context.js';
import type { ModelDocument } from '../contracts/model-document.js';
import type { ModelReference } from '../stats/reference.js';
import { artifactsOf } from '../registry/deployment.js';
import { loadModel, type FittedModel } from './fitted-model.js';

/**
 * Whether a document's contributions need the version's drift reference: a logistic model whose
 * document records no background (every /1 document, /2 ones written before contributions). A
 * gbdt model explains itself from its trees' covers; a newer logistic document from its background.
 */
export function needsReference(doc: ModelDocument): boolean {
  if (doc.format !== 'riskwatch.model/2') return true;
  return doc.family === 'logistic' && doc.logistic.background === undefined;
}

/**
 * The model of `doc`, able to give contributions: loaded with its drift reference when the document
 * needs one (read only then). `reference`: how to read a version's reference — the workspace's
 * artifacts by default (a PostgreSQL store's too). A reference that cannot be read leaves the
 * model as loadModel makes it: it predicts, and contributions says in one line what is missing.
 */
export async function loadExplainingModel(
  doc: ModelDocument,
  reference: (version: string) => Promise<ModelReference | undefined>,
): Promise<FittedModel> {
  if (!needsReference(doc)) return loadModel(doc);
  let ref: ModelReference | undefined;
  try {
    ref = await reference(doc.version);
  } catch {
    ref = undefined;
  }
  return loadModel(doc, { reference: ref });
}

/** loadExplainingModel reading the reference from the workspace's artifacts. */
export function loadWorkspaceModel(ctx: Pick<Context, 'config' | 'store'>, doc: ModelDocument): Promise<FittedModel> {
  return loadExplainingModel(doc, (v) => artifactsOf(ctx).loadReference(v));
}
