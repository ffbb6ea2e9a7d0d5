import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import { trainingSchema } from '../data/columns.js';
import { DATASET_CSV, readDataset } from '../data/dataset-files.js';
import type { IdColumn } from '../data/id-column.js';
import { predictProba } from '../model/logistic.js';
import type { LoadedModel } from './model-holder.js';

/** The ingested clients scored by one model version, highest risk first. */
export interface RankedPopulation {
  version: string;
  datasetHash: string;
  rows: number;
  ids: IdColumn;
  prob: Float64Array;
  /** Row indices by probability descending (ties: row order). */
  order: Uint32Array;
}

/**
 * `/risk` and the dashboard rank the whole ingested population; that costs a dataset read, a
 * scoring pass and a sort, so it is done once per (production version, dataset hash). A request
 * first compares the dataset file's identity (inode, size, mtime) — no read, no hash — and only
 * when that changed reads the dataset, whose hash then decides whether the ranking is reused.
 * Concurrent requests share one computation.
 */
export class PopulationCache {
  private cached: { population: RankedPopulation; fingerprint: string } | undefined;
  private pending: Promise<RankedPopulation | undefined> | undefined;
  private pendingVersion: string | undefined;
  /** How many times the population was actually computed (for tests and logs). */
  computations = 0;

  constructor(private readonly config: Config) {}

  private async fingerprint(): Promise<string | undefined> {
    try {
      const st = await stat(join(this.config.outputFolder, DATASET_CSV), { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      return undefined;
    }
  }

  /** The ranked population for `model`; undefined when nothing is ingested yet. */
  async get(model: LoadedModel): Promise<RankedPopulation | undefined> {
    const fp = await this.fingerprint();
    if (fp === undefined) return undefined;
    const c = this.cached;
    if (c && c.fingerprint === fp && c.population.version === model.version) return c.population;
    if (this.pending && this.pendingVersion === model.version) return this.pending;
    this.pendingVersion = model.version;
    this.pending = this.load(model, fp).finally(() => {
      this.pending = undefined;
      this.pendingVersion = undefined;
    });
    return this.pending;
  }

  private async load(model: LoadedModel, fp: string): Promise<RankedPopulation | undefined> {
    const loaded = await readDataset(this.config.outputFolder, { ...trainingSchema(this.config), features: model.doc.features }, { ids: true });
    if (!loaded) return undefined;
    const c = this.cached;
    if (c && c.population.version === model.version && c.population.datasetHash === loaded.hash) {
      this.cached = { population: c.population, fingerprint: fp }; // touched, same content
      return c.population;
    }
    const ds = loaded.dataset;
    const prob = predictProba(ds.x, ds.rows, model.coef, model.doc.intercept, model.medians);
    const order = Uint32Array.from({ length: ds.rows }, (_, i) => i);
    order.sort((a, b) => prob[b] - prob[a] || a - b);
    this.computations++;
    const population: RankedPopulation = { version: model.version, datasetHash: loaded.hash, rows: ds.rows, ids: ds.ids, prob, order };
    this.cached = { population, fingerprint: fp };
    return population;
  }
}
