import type { Config } from '../config/load.js';
import type { Context } from '../context.js';
import type { ModelDocument } from '../contracts/model-document.js';
import type { ModelReference } from '../stats/reference.js';
import type { Store } from '../store/types.js';
import { FileArtifacts, FileProduction } from './file-deployment.js';
import { StoreArtifacts, StoreProduction } from './store-deployment.js';

/**
 * Where model versions and the production pointer live. Two implementations:
 * - files (the sqlite store, one machine): models/<version>/{model,reference}.json and
 *   prod_deployment_path/model.json replaced by an atomic rename — exactly as before;
 * - the store (postgres, several machines): artifacts in a table keyed by version, production =
 *   the latest deployment, written in one transaction — so any machine loads the same model.
 * artifactsOf / productionOf are the only places that pick one; callers see these interfaces.
 */
export interface ArtifactStore {
  /** Where version `v`'s model document lives (recorded as the model's path). */
  location(version: string): string;
  /** Whether anything is stored for the version (its id must not be reused). */
  has(version: string): Promise<boolean>;
  /** Store a new version; versions are immutable, so an existing one is an error. */
  saveModel(doc: ModelDocument): Promise<string>;
  loadModel(version: string): Promise<ModelDocument>;
  saveReference(ref: ModelReference): Promise<void>;
  loadReference(version: string): Promise<ModelReference | undefined>;
}

/** What a reader of the production model needs (the server's hot reload). */
export interface ProductionSource {
  current(): Promise<ModelDocument | undefined>;
  /** Changes whenever production may have changed; cheap enough to poll twice a second. */
  stamp(): Promise<string | undefined>;
  /** A folder whose change events announce a new production model sooner than the poll. */
  readonly watchFolder?: string;
  /** A version's drift reference (what a logistic document without a background explains itself against). */
  reference?(version: string): Promise<ModelReference | undefined>;
}

export interface ProductionPointer extends ProductionSource {
  /** Put `doc` in production and record the deployment, atomically. */
  promote(doc: ModelDocument, action: 'deploy' | 'rollback', reason: string): Promise<{ previous: string | null; deployedAt: string }>;
  /** Repair what an interrupted promote may have left (nothing to do where promote is one transaction). */
  reconcile(): Promise<void>;
}

type Where = Pick<Context, 'config' | 'store' | 'log'>;

export function artifactsOf(where: { config: Config; store: Store }): ArtifactStore {
  return where.store.shared ? new StoreArtifacts(where.store.shared) : new FileArtifacts(where.config);
}

export function productionOf(ctx: Where): ProductionPointer {
  return ctx.store.shared ? new StoreProduction(ctx.store.shared, artifactsOf(ctx)) : new FileProduction(ctx);
}
