import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import type { Config } from '../config/load.js';
import type { Logger } from '../util/log.js';
import { modelArrays, type ModelDocument } from '../model/model-document.js';
import { productionPath } from '../registry/production.js';
import { readModelFile } from '../registry/versions.js';

/** One production model ready to score: the document and its arrays in feature order. Immutable. */
export interface LoadedModel {
  readonly doc: ModelDocument;
  readonly version: string;
  readonly coef: Float64Array;
  readonly medians: Float64Array;
  readonly threshold: number;
  readonly loadedAt: string;
}

export interface ModelHolderOptions {
  /** Poll interval for the mtime/version fallback (fs.watch can miss events). Default 500 ms. */
  pollMs?: number;
  /** Use fs.watch as well as the poll. Default true (false: the poll alone, e.g. to test it). */
  watch?: boolean;
  log?: Logger;
}

/**
 * Holds the production model in memory and swaps it when prod_deployment_path/model.json changes.
 * The model is one object reference replaced in a single assignment: a request that reads
 * `current` once is scored entirely by one version. Deploy and rollback replace the file by an
 * atomic rename, so the folder is watched (a watch on the file itself would follow the old inode),
 * and a poll of the file's identity (inode, size, mtime) catches anything the watcher misses.
 */
export class ModelHolder {
  private model: LoadedModel | undefined;
  private fingerprint = '';
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly path: string;
  private readonly pollMs: number;
  private readonly log?: Logger;
  private readonly useWatch: boolean;

  constructor(private readonly config: Config, opts: ModelHolderOptions = {}) {
    this.path = productionPath(config);
    this.pollMs = opts.pollMs ?? 500;
    this.log = opts.log;
    this.useWatch = opts.watch !== false;
  }

  /** The model to score with now (undefined until one is deployed). Read it once per request. */
  get current(): LoadedModel | undefined {
    return this.model;
  }

  start(): void {
    this.check(true);
    this.ensureWatcher();
    this.timer = setInterval(() => {
      this.ensureWatcher();
      this.check(false);
    }, this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private ensureWatcher(): void {
    if (!this.useWatch || this.watcher || !existsSync(this.config.productionFolder)) return;
    try {
      this.watcher = watch(this.config.productionFolder, { persistent: false }, (_event, name) => {
        if (name === null || name === 'model.json') this.check(true);
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined; // the poll keeps working and re-creates the watcher
      });
    } catch {
      this.watcher = undefined;
    }
  }

  /** Re-read the file when its identity changed (or `force`); swap only if the content is valid. */
  check(force: boolean): void {
    let fp: string;
    try {
      const st = statSync(this.path, { bigint: true });
      fp = `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      return; // nothing deployed yet, or the folder is being replaced: keep what we have
    }
    if (!force && fp === this.fingerprint) return;
    let doc: ModelDocument;
    try {
      doc = readModelFile(this.path);
    } catch (err) {
      this.log?.warn({ err: (err as Error).message }, 'production model unreadable; keeping the loaded one');
      return;
    }
    this.fingerprint = fp;
    const prev = this.model;
    if (prev && prev.version === doc.version && prev.doc.createdAt === doc.createdAt) return;
    const { coef, medians } = modelArrays(doc);
    this.model = Object.freeze({ doc, version: doc.version, coef, medians, threshold: doc.hyperParameters.threshold, loadedAt: new Date().toISOString() });
    this.log?.info({ version: doc.version, previous: prev?.version ?? null }, `serving model ${doc.version}`);
  }
}
