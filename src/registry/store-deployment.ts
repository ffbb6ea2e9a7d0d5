import { modelDocumentText, type ModelDocument } from '../contracts/model-document.js';
import type { ModelReference } from '../stats/reference.js';
import { REFERENCE_FILE } from '../stats/reference.js';
import type { SharedStore } from '../store/types.js';
import { DataError } from '../util/errors.js';
import { nowIso } from '../util/time.js';
import type { ArtifactStore, ProductionPointer } from './deployment.js';
import { MODEL_FILE, parseModelDocument } from './versions.js';

/** Model versions as rows of the shared store (postgres): every machine reads the same ones. */
export class StoreArtifacts implements ArtifactStore {
  constructor(private readonly shared: SharedStore) {}

  location(version: string): string {
    return `store:model_artifacts/${version}/${MODEL_FILE}`;
  }
  has(version: string): Promise<boolean> {
    return this.shared.hasArtifacts(version);
  }
  async saveModel(doc: ModelDocument): Promise<string> {
    await this.shared.saveArtifact(doc.version, MODEL_FILE, modelDocumentText(doc));
    return this.location(doc.version);
  }
  async loadModel(version: string): Promise<ModelDocument> {
    const text = await this.shared.loadArtifact(version, MODEL_FILE);
    if (text === undefined) throw new DataError(`model version "${version}" not found in the ${this.shared.describe()}; see \`riskwatch models\``);
    return parseModelDocument(JSON.parse(text), `${this.location(version)}`);
  }
  async saveReference(ref: ModelReference): Promise<void> {
    await this.shared.saveArtifact(ref.version, REFERENCE_FILE, JSON.stringify(ref) + '\n');
  }
  async loadReference(version: string): Promise<ModelReference | undefined> {
    const text = await this.shared.loadArtifact(version, REFERENCE_FILE);
    return text === undefined ? undefined : (JSON.parse(text) as ModelReference);
  }
}

/**
 * Production is the latest deployment recorded in the store, and a deploy or rollback is one
 * transaction (store.promote): the pointer and the history can never disagree, so there is
 * nothing to reconcile. The stamp is the latest deployment's id: a redeploy of the same version
 * still changes it.
 */
export class StoreProduction implements ProductionPointer {
  constructor(
    private readonly shared: SharedStore,
    private readonly artifacts: ArtifactStore,
  ) {}

  async current(): Promise<ModelDocument | undefined> {
    const p = await this.shared.productionVersion();
    return p && this.artifacts.loadModel(p.version);
  }
  async stamp(): Promise<string | undefined> {
    const p = await this.shared.productionVersion();
    return p && `${p.deploymentId}:${p.version}`;
  }
  async promote(doc: ModelDocument, action: 'deploy' | 'rollback', reason: string): Promise<{ previous: string | null; deployedAt: string }> {
    const d = await this.shared.promote(doc.version, action, reason, nowIso());
    return { previous: d.previous, deployedAt: d.deployedAt };
  }
  async reconcile(): Promise<void> {}
}
