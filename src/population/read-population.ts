import type { PopulationInfo } from '../contracts/api.js';
import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Logger } from 'pino';
import type { Config, PopulationConfig } from '../config/load.js';
import { predictionSchema, trainingSchema } from '../data/columns.js';
import { DATASET_CSV, readDataset, type LoadedDataset } from '../data/dataset-files.js';
import { DatasetBuilder, selectRows, type Dataset } from '../data/dataset.js';
import { readTable } from '../data/read-table.js';
import { openDatabaseSource } from '../data/sources/open-source.js';
import { SourceError } from '../data/sources/types.js';
import { listDataFiles } from '../data/list-files.js';
import { DataError } from '../util/errors.js';
import { currentClients } from './current-clients.js';

export type { PopulationInfo };

/** The current clients, one row each, ready to predict. */
export interface Population {
  info: PopulationInfo;
  /** One row per current client, in the order of their latest rows; ids always present. */
  dataset: Dataset;
  /** sha256 of the data read: the dataset's hash, or the configured population's. */
  hash: string;
  /** Per client (the dataset's rows), its value_column (NaN: no value); null when no value_column is set. */
  value: Float64Array | null;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Read the population the call list ranks, with `features` (the model's) as columns: config
 * `population` when set, else the ingested dataset. Either way each client counts once — its
 * latest row — and a client whose latest row says it left is not in it (current-clients.ts).
 * Undefined when there is no configured population and nothing is ingested yet. A configured
 * population that cannot be read is a DataError naming it.
 */
export async function readPopulation(config: Config, features: string[], opts: { log?: Logger; loaded?: LoadedDataset } = {}): Promise<Population | undefined> {
  // value_column is read beside the model's features (the model ignores it) and split off after.
  const columns = withValue(config, features);
  if (config.population) return readConfigured(config, config.population, columns, features, opts.log);
  // A caller that has the dataset at hand (with ids, these columns) saves a second read.
  const usable = opts.loaded && opts.loaded.dataset.ids.length === opts.loaded.dataset.rows && sameList(opts.loaded.dataset.features, columns.names);
  const optional = config.valueColumn ? [config.valueColumn] : [];
  const loaded = usable ? opts.loaded : await readDataset(config.outputFolder, { ...trainingSchema(config), features: columns.names, featureTypes: columns.types }, { ids: true, optional });
  if (!loaded) return undefined;
  const ds = loaded.dataset;
  const cur = currentClients(ds);
  const description =
    `Current clients of the ingested dataset: each client's latest row, unless it says the client left ` +
    `(${fmt(cur.rows.length)} of ${fmt(cur.clients)} clients; ${fmt(cur.left)} have left).`;
  return { info: { source: 'dataset', description, clients: cur.rows.length, rows: ds.rows, left: cur.left }, ...splitValue(pick(ds, cur.rows), features, config.valueColumn), hash: loaded.hash };
}

/** The columns to read: the model's features, then value_column when set and not one of them (typed "number"). */
function withValue(config: Config, features: string[]): { names: string[]; types: Config['featureTypes'] } {
  const v = config.valueColumn;
  if (v === undefined || features.includes(v)) return { names: features, types: config.featureTypes };
  return { names: [...features, v], types: { ...config.featureTypes, [v]: 'number' } };
}

/** The model's columns as the dataset to predict, and value_column's (read with them) as `value`. */
function splitValue(ds: Dataset, features: string[], valueColumn: string | undefined): { dataset: Dataset; value: Float64Array | null } {
  if (valueColumn === undefined) return { dataset: ds, value: null };
  const value = ds.x[ds.features.indexOf(valueColumn)];
  if (ds.features.length === features.length) return { dataset: ds, value };
  const keep = features.map((f) => ds.features.indexOf(f));
  return { dataset: { ...ds, features, x: keep.map((j) => ds.x[j]), ...(ds.levels && { levels: keep.map((j) => ds.levels![j]) }) }, value };
}

async function readConfigured(config: Config, p: PopulationConfig, columns: { names: string[]; types: Config['featureTypes'] }, modelFeatures: string[], log?: Logger): Promise<Population> {
  const features = columns.names;
  // Ids are required (a call list needs names); the label column is optional; value_column, when set, is required.
  const schema = { ...predictionSchema(config), features, featureTypes: columns.types, requireId: true };
  let ds: Dataset;
  let hash: string;
  let where: string;
  if (p.type === 'path') {
    where = relative(config.dir, p.path) || p.path;
    try {
      const table = await readTable(p.path, p.extension, schema, log);
      ds = table.dataset;
      hash = table.hash;
    } catch (err) {
      if (err instanceof DataError) throw new DataError(`config "population": ${err.message.split(config.dir + '/').join('')}`);
      throw err;
    }
  } else {
    const source = await openDatabaseSource(p);
    // Named without the connection (host, user): the sentence is shown on the open dashboard.
    const what = p.table !== undefined ? `table ${p.table}` : 'query';
    where = p.type === 'sqlite' ? `${relative(config.dir, p.path) || p.path} ${what}` : `the PostgreSQL ${what}`;
    const b = new DatasetBuilder(features);
    try {
      const read = await source.read(null, schema, b, log);
      ds = b.build();
      hash = read.contentHash ?? '';
    } catch (err) {
      if (err instanceof SourceError) throw new DataError(`config "population" (${where}): ${err.reason.split(config.dir + '/').join('')}`);
      throw err;
    } finally {
      await source.close();
    }
  }
  const cur = currentClients(ds);
  const repeated = ds.rows - cur.clients;
  const description =
    `Current clients listed in ${where} (config "population"): ${fmt(cur.rows.length)} clients` +
    (repeated ? `, each client's latest row (${fmt(repeated)} older ${repeated === 1 ? 'row' : 'rows'} not ranked)` : '') +
    (cur.left ? `; ${fmt(cur.left)} whose latest row says they left are left out` : '') +
    '.';
  return { info: { source: 'configured', description, clients: cur.rows.length, rows: ds.rows, left: cur.left }, ...splitValue(pick(ds, cur.rows), modelFeatures, config.valueColumn), hash };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function pick(ds: Dataset, rows: Uint32Array): Dataset {
  if (rows.length === ds.rows) return ds;
  const mask = new Uint8Array(ds.rows);
  for (const r of rows) mask[r] = 1;
  return selectRows(ds, mask, 1);
}

/**
 * A cheap identity of the population's data — no read, no hash — for caches: the dataset file's
 * (or the configured file's, or each file of the configured folder's) inode, size and mtime.
 * A database population has no such identity: it changes with the minute, so it is re-read (and
 * re-ranked only when its content hash changed) at most once a minute. Undefined when nothing
 * can be ranked (no dataset yet).
 */
export async function populationFingerprint(config: Config): Promise<string | undefined> {
  const p = config.population;
  const id = async (path: string) => {
    const st = await stat(path, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  };
  try {
    if (!p) return `dataset:${await id(join(config.outputFolder, DATASET_CSV))}`;
    if (p.type !== 'path') return `${p.type}:${Math.floor(Date.now() / 60_000)}`;
    const st = await stat(p.path);
    if (!st.isDirectory()) return `file:${await id(p.path)}`;
    const files = await listDataFiles(p.path, p.extension);
    return `folder:${await id(p.path)}:${files.map((f) => `${f.name}:${f.size}:${f.mtimeMs}`).join('/')}`;
  } catch {
    // The configured population is missing: readPopulation says so in its own words.
    return p ? `missing:${Date.now()}` : undefined;
  }
}
