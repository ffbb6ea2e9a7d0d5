import { loadExplainingModel, type FittedModel, type Logger, type ModelReference, type ProductionSource, type StayerProfile } from '../index.js';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import type { ModelDocument } from '../contracts/model-document.js';

/** One production model ready to score: the document and the model loaded from it. Immutable. */
export interface LoadedModel {
  readonly doc: ModelDocument;
  readonly version: string;
  readonly fitted: FittedModel;
  readonly threshold: number;
  readonly loadedAt: string;
  /** The version's training rows that stayed (its reference's `stayers`), which reason texts compare with; absent in older references. */
  readonly stayers?: StayerProfile;
}

export interface ModelHolderOptions {
  /** Poll interval for the stamp (fs.watch can miss events; a store has none). Default 500 ms. */
  pollMs?: number;
  /** Use fs.watch as well as the poll, where production is a file. Default true (false: the poll alone, e.g. to test it). */
  watch?: boolean;
  log?: Logger;
}

/**
 * Holds the production model in memory and swaps it when production changes. The model is one
 * object reference replaced in a single assignment: a request that reads `current` once is scored
 * entirely by one version. What changes is told by the source's stamp, polled: for a file
 * workspace the identity of prod_deployment_path/model.json (inode, size, mtime; deploy replaces
 * it by an atomic rename, so the folder is also watched — a watch on the file itself would follow
 * the old inode); for a postgres store the latest deployment's id, so a deploy made on any machine
 * reaches every server within one poll.
 */
export class ModelHolder {
  private model: LoadedModel | undefined;
  private fingerprint = '';
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly source: ProductionSource;
  private readonly pollMs: number;
  private readonly log?: Logger;
  private readonly useWatch: boolean;
  private checking: Promise<void> | undefined;
  private again = false;
  private failing = false;
  private readonly swapListeners: Array<(model: LoadedModel) => void> = [];

  /** `source`: productionSource(ctx) (registry/production.ts), which also follows a PostgreSQL store's production. */
  constructor(source: ProductionSource, opts: ModelHolderOptions = {}) {
    this.source = source;
    this.pollMs = opts.pollMs ?? 500;
    this.log = opts.log;
    this.useWatch = opts.watch !== false;
  }

  /** The model to score with now (undefined until one is deployed). Read it once per request. */
  get current(): LoadedModel | undefined {
    return this.model;
  }

  /** `listener` is told each time a new model is served (a deploy, a rollback: hot reload), after the swap. */
  onSwap(listener: (model: LoadedModel) => void): void {
    this.swapListeners.push(listener);
  }

  /** Starts watching; the returned promise settles once the first check is done. */
  start(): Promise<void> {
    const first = this.check(true);
    this.ensureWatcher();
    this.timer = setInterval(() => {
      this.ensureWatcher();
      void this.check(false);
    }, this.pollMs);
    this.timer.unref();
    return first;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private ensureWatcher(): void {
    const folder = this.source.watchFolder;
    if (!this.useWatch || !folder || this.watcher || !existsSync(folder)) return;
    try {
      this.watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (name === null || name === 'model.json') void this.check(true);
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined; // the poll keeps working and re-creates the watcher
      });
    } catch {
      this.watcher = undefined;
    }
  }

  /** Re-read production when its stamp changed (or `force`); swap only if the content is valid. One check at a time. */
  check(force: boolean): Promise<void> {
    if (this.checking) {
      if (force) this.again = true;
      return this.checking;
    }
    this.checking = this.checkOnce(force).finally(() => {
      this.checking = undefined;
      if (this.again) {
        this.again = false;
        void this.check(true);
      }
    });
    return this.checking;
  }

  private async checkOnce(force: boolean): Promise<void> {
    let fp: string | undefined;
    try {
      fp = await this.source.stamp();
    } catch (err) {
      // Once per outage, not twice a second: the store may be down for a while.
      if (!this.failing) this.log?.warn({ err: (err as Error).message }, 'cannot check the production model; keeping the loaded one');
      this.failing = true;
      return;
    }
    if (this.failing) this.log?.info('production model reachable again');
    this.failing = false;
    if (fp === undefined) return; // nothing deployed yet, or the folder is being replaced: keep what we have
    if (!force && fp === this.fingerprint) return;
    let doc: ModelDocument | undefined;
    try {
      doc = await this.source.current();
    } catch (err) {
      this.log?.warn({ err: (err as Error).message }, 'production model unreadable; keeping the loaded one');
      return;
    }
    if (!doc) return;
    this.fingerprint = fp;
    const prev = this.model;
    if (prev && prev.version === doc.version && prev.doc.createdAt === doc.createdAt) return;
    // The drift reference, read once: what reasons compare a client with (its stayers), and what a
    // document without a background (a /1 one) gives contributions from. Unreadable: neither.
    let reference: ModelReference | undefined;
    try {
      reference = await this.source.reference?.(doc.version);
    } catch {
      reference = undefined;
    }
    const fitted = await loadExplainingModel(doc, () => Promise.resolve(reference));
    this.model = Object.freeze({ doc, version: doc.version, fitted, threshold: fitted.threshold, loadedAt: new Date().toISOString(), ...(reference?.stayers && { stayers: reference.stayers }) });
    this.log?.info({ version: doc.version, previous: prev?.version ?? null }, `serving model ${doc.version}`);
    for (const listener of this.swapListeners) {
      try {
        listener(this.model);
      } catch (err) {
        this.log?.warn({ err: (err as Error).message }, 'a model swap listener failed');
      }
    }
  }
}
