import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import type { Context } from '../context.js';
import { modelDocumentText, type ModelDocument } from '../contracts/model-document.js';
import { readReference, writeReference, type ModelReference } from '../stats/reference.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { modelScore, writeProductionScore } from './model-score.js';
import { nowIso } from '../util/time.js';
import type { ArtifactStore, ProductionPointer, ProductionSource } from './deployment.js';
import { loadModelVersion, saveModelVersion, versionPath } from './versions.js';
import { productionPath, readProductionFile } from './production-file.js';

/** Model versions as files under output_model_path (one machine, the sqlite store). */
export class FileArtifacts implements ArtifactStore {
  constructor(private readonly config: Config) {}
  location(version: string): string {
    return versionPath(this.config, version);
  }
  async has(version: string): Promise<boolean> {
    return existsSync(versionPath(this.config, version));
  }
  async saveModel(doc: ModelDocument): Promise<string> {
    return saveModelVersion(this.config, doc);
  }
  async loadModel(version: string): Promise<ModelDocument> {
    return loadModelVersion(this.config, version);
  }
  async saveReference(ref: ModelReference): Promise<void> {
    writeReference(this.config, ref);
  }
  async loadReference(version: string): Promise<ModelReference | undefined> {
    return readReference(this.config, version);
  }
}

/**
 * The production model is one file, prod_deployment_path/model.json, replaced by an atomic
 * rename: a reader sees the old model or the new one, never half of either. latestscore.txt and
 * ingestedfiles.json sit beside it for compatibility with the original project; they are written
 * before the model (so once model.json names a version its companions are already in place).
 */
export class FileProductionSource implements ProductionSource {
  readonly watchFolder: string;
  constructor(protected readonly config: Config) {
    this.watchFolder = config.productionFolder;
  }

  async current(): Promise<ModelDocument | undefined> {
    return readProductionFile(this.config);
  }

  /** The file's identity: an atomic rename gives a new inode, a rewrite a new size or mtime. */
  async stamp(): Promise<string | undefined> {
    try {
      const st = statSync(productionPath(this.config), { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      return undefined;
    }
  }
}

export class FileProduction extends FileProductionSource implements ProductionPointer {
  constructor(private readonly ctx: Pick<Context, 'config' | 'store' | 'log'>) {
    super(ctx.config);
  }

  async promote(doc: ModelDocument, action: 'deploy' | 'rollback', reason: string): Promise<{ previous: string | null; deployedAt: string }> {
    const { config, store } = this.ctx;
    const previous = readProductionFile(config)?.version ?? null;
    // The production model's score (never an ad-hoc one); a never-scored version was scored on
    // the test data before it got here (production.ts), unless there was none to score it on.
    const score = await modelScore(store, doc.version);
    if (score) writeProductionScore(this.ctx, score);
    else rmSync(join(config.productionFolder, 'latestscore.txt'), { force: true });
    const ingested = join(config.outputFolder, 'ingestedfiles.json');
    if (existsSync(ingested)) writeFileAtomicSync(join(config.productionFolder, 'ingestedfiles.json'), readFileSync(ingested));
    writeFileAtomicSync(productionPath(config), modelDocumentText(doc));
    const deployedAt = nowIso();
    await store.recordDeployment({ version: doc.version, previous, action, reason, deployedAt });
    return { previous, deployedAt };
  }

  /** Bring the store in line with the file after a crash between the rename and the store write. */
  async reconcile(): Promise<void> {
    const { config, store, log } = this.ctx;
    const prod = readProductionFile(config);
    if (!prod) return;
    const history = await store.deployments();
    const last = history[history.length - 1];
    if (!last || last.version !== prod.version) {
      log.warn({ version: prod.version }, 'production file and deployment history disagree; recording the file as deployed');
      await store.recordDeployment({ version: prod.version, previous: last?.version ?? null, action: 'recover', reason: 'found in production folder after an interrupted deployment', deployedAt: nowIso() });
    }
  }
}
