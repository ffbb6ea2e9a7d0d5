import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as z from 'zod/mini';
import { configSchema, type FeatureType, type ParsedConfig, type PopulationConfigInput, type SourceConfigInput } from './schema.js';
import { DataError } from '../util/errors.js';
import { isPostgresUri, parseConninfo } from '../util/conninfo.js';

/**
 * Where the metadata store lives. A postgres URL stays unresolved here (url_env is read when the
 * store opens), so loading a config never needs the secret and never holds it longer than needed.
 */
export type StoreConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url?: string; urlEnv?: string; schema: string };
/** A source after validation: named, paths absolute, timeouts filled in. */
export type SourceConfig =
  | { type: 'folder'; name: string; path: string; extension: string }
  | { type: 'sqlite'; name: string; path: string; table?: string; query?: string; watermark?: string; timeoutMs: number }
  | { type: 'postgres'; name: string; url?: string; urlEnv?: string; table?: string; query?: string; watermark?: string; timeoutMs: number };

/**
 * The configured current clients (config `population`): a data file or folder, or a database
 * table or query read as a source is (named "population", no watermark).
 */
export type PopulationConfig =
  | { type: 'path'; path: string; extension: string }
  | (Extract<SourceConfig, { type: 'sqlite' }> & { watermark?: undefined })
  | (Extract<SourceConfig, { type: 'postgres' }> & { watermark?: undefined });

/** Config after validation, with every path absolute. */
export interface Config {
  file: string;
  dir: string;
  inputFolder: string;
  outputFolder: string;
  testDataPath: string;
  modelFolder: string;
  productionFolder: string;
  extension: string;
  url: URL;
  features: string[];
  featureTypes: Record<string, FeatureType>;
  /** Categories kept per category feature at training (max_categories); the rest fold into "(other)". */
  maxCategories: number;
  target: string;
  /** The label values the files write: `positive` = the client left (1 in the dataset), `negative` = stayed (0). */
  labels: { positive: string; negative: string };
  /** How data files' bytes are read (input_encoding). */
  inputEncoding: ParsedConfig['input_encoding'];
  id: string;
  model: ParsedConfig['model'];
  topK: number;
  /** The number column the call list shows as each client's value (value_column): read at ingest, not a feature unless listed. */
  valueColumn?: string;
  /** The call list's ranking (risk.rank_by) and, with later keys, what it shows. */
  risk: ParsedConfig['risk'];
  /** Per feature, the words explanations call it (feature_labels); a feature without one is named by its column name in words. */
  featureLabels: Record<string, string>;
  drift: ParsedConfig['drift'];
  schedule: string;
  alerts: ParsedConfig['alerts'];
  api: ParsedConfig['api'];
  report: ParsedConfig['report'];
  store: StoreConfig;
  /** Where new data comes from, in ingest order; without `sources` in the file, one folder source built from input_folder_path. */
  sources: SourceConfig[];
  /** The clients the call list ranks; undefined: the ingested dataset's current clients. */
  population?: PopulationConfig;
  logLevel: ParsedConfig['log_level'];
  raw: ParsedConfig;
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = key ? ` in "${key}"` : '';
    return `${file}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}`;
  }
  if (issue.code === 'invalid_type') {
    const got = issue.input === undefined ? ' (missing)' : `, got ${JSON.stringify(issue.input)}`;
    return `${file}: key "${key}": expected ${issue.expected === 'int' ? 'an integer' : issue.expected}${got}`;
  }
  return `${file}: key "${key}": ${issue.message}`;
}

/** Validate an already-parsed JSON object; `file` names it in errors and anchors relative paths. */
export function parseConfig(json: unknown, file: string, opts: { checkFolders?: boolean } = {}): Config {
  const result = configSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw new DataError(describeIssue(file, result.error.issues[0]));
  const c = result.data;
  const dir = dirname(resolve(file));
  const at = (p: string) => resolve(dir, p);

  if (new Set(c.features).size !== c.features.length) throw new DataError(`${file}: key "features": names must be unique`);
  const named = [c.id_column, c.target_column];
  for (const f of c.features) {
    if (named.includes(f)) throw new DataError(`${file}: key "features": "${f}" is also the id or target column`);
  }
  if (c.target_positive === c.target_negative) throw new DataError(`${file}: keys "target_positive" and "target_negative" must differ (both are ${JSON.stringify(c.target_positive)})`);
  if (c.id_column === c.target_column) throw new DataError(`${file}: keys "id_column" and "target_column" must differ`);
  for (const k of Object.keys(c.feature_types)) {
    if (!c.features.includes(k)) throw new DataError(`${file}: key "feature_types.${k}": not one of "features"`);
  }
  const featureTypes: Record<string, FeatureType> = {};
  for (const f of c.features) featureTypes[f] = c.feature_types[f] ?? 'count';
  for (const [f, method] of Object.entries(c.drift.methods)) {
    // A feature not in "features" may still be in a model trained on an earlier config: checked when drift runs.
    const problem = featureTypes[f] && driftMethodProblem(f, featureTypes[f] === 'category', method);
    if (problem) throw new DataError(`${file}: key "drift.methods.${f}": ${problem}`);
  }
  const v = c.value_column;
  if (v !== undefined && named.includes(v)) throw new DataError(`${file}: key "value_column": "${v}" is also the id or target column`);
  if (v !== undefined && featureTypes[v] === 'category') throw new DataError(`${file}: key "value_column": "${v}" is a category feature; expected a number column`);
  if (v === undefined && c.risk.rank_by === 'expected_loss') throw new DataError(`${file}: key "risk.rank_by": "expected_loss" needs "value_column" (the number column a client's loss is worth)`);

  const cfg: Config = {
    file: resolve(file),
    dir,
    inputFolder: at(c.input_folder_path),
    outputFolder: at(c.output_folder_path),
    testDataPath: at(c.test_data_path),
    modelFolder: at(c.output_model_path),
    productionFolder: at(c.prod_deployment_path),
    extension: c.input_file_extension.replace(/^\./, ''),
    url: new URL(c.url),
    features: c.features,
    featureTypes,
    maxCategories: c.max_categories,
    target: c.target_column,
    labels: { positive: c.target_positive, negative: c.target_negative },
    inputEncoding: c.input_encoding,
    id: c.id_column,
    model: c.model,
    topK: c.top_k,
    ...(v !== undefined && { valueColumn: v }),
    risk: c.risk,
    featureLabels: c.feature_labels,
    drift: c.drift,
    schedule: c.schedule,
    alerts: c.alerts,
    api: c.api,
    report: c.report,
    store:
      c.store.type === 'postgres'
        ? { type: 'postgres', ...(c.store.url !== undefined && { url: c.store.url }), ...(c.store.url_env !== undefined && { urlEnv: c.store.url_env }), schema: c.store.schema ?? 'public' }
        : { type: 'sqlite', path: at(c.store.path ?? 'riskwatch.db') },
    sources: [],
    logLevel: c.log_level,
    raw: c,
  };
  cfg.sources = c.sources ? c.sources.map((s, i) => toSource(file, s, i, at)) : [{ type: 'folder', name: 'folder', path: cfg.inputFolder, extension: cfg.extension }];
  if (c.population !== undefined) cfg.population = toPopulation(file, c.population, cfg.extension, at);
  const seen = new Set<string>();
  cfg.sources.forEach((s, i) => {
    if (seen.has(s.name)) throw new DataError(`${file}: key "sources.${i}.name": "${s.name}" names two sources; give each a distinct "name"`);
    seen.add(s.name);
  });
  if (opts.checkFolders !== false) {
    requireFolder(file, 'input_folder_path', cfg.inputFolder);
    requireExists(file, 'test_data_path', cfg.testDataPath);
    cfg.sources.forEach((s, i) => {
      if (s.type === 'folder' && s.path !== cfg.inputFolder) requireFolder(file, `sources.${i}.path`, s.path);
    });
    if (cfg.population?.type === 'path') requireExists(file, 'population', cfg.population.path);
    if (cfg.population?.type === 'sqlite') requireExists(file, 'population.path', cfg.population.path);
  }
  return cfg;
}

/**
 * Why a configured drift test cannot decide for a feature, or undefined when it can. KS and
 * Wasserstein need ordered values; a category has no order (its codes are dictionary positions),
 * so only chi2 and jensenshannon compare categories — and those only categories.
 */
export function driftMethodProblem(feature: string, isCategory: boolean, method: string): string | undefined {
  if (isCategory && (method === 'ks' || method === 'wasserstein')) return `"${method}" compares ordered values; "${feature}" is a category feature: use "chi2", "jensenshannon" or "auto"`;
  if (!isCategory && (method === 'chi2' || method === 'jensenshannon')) return `"${method}" compares categories; "${feature}" is a numeric feature: use "ks", "wasserstein" or "auto"`;
  return undefined;
}

function toSource(file: string, s: SourceConfigInput, i: number, at: (p: string) => string): SourceConfig {
  if (s.type === 'folder') return { type: 'folder', name: s.name ?? (i === 0 ? 'folder' : `folder:${s.path}`), path: at(s.path), extension: s.extension.replace(/^\./, '') };
  const what = s.table ?? 'query';
  const common = { table: s.table, query: s.query, watermark: s.watermark, timeoutMs: s.timeout_ms };
  if (s.type === 'sqlite') return { type: 'sqlite', name: s.name ?? `sqlite:${what}`, path: at(s.path), ...common };
  if (s.url !== undefined && !isPostgresUri(s.url) && !parseConninfo(s.url)) throw new DataError(`${file}: key "sources.${i}.url": expected a postgres:// or postgresql:// URL or a keyword/value connection string (host=… dbname=…)`);
  return { type: 'postgres', name: s.name ?? `postgres:${what}`, url: s.url, urlEnv: s.url_env, ...common };
}

function toPopulation(file: string, p: PopulationConfigInput, extension: string, at: (p: string) => string): PopulationConfig {
  if (typeof p === 'string') return { type: 'path', path: at(p), extension };
  const common = { name: 'population', table: p.table, query: p.query, timeoutMs: p.timeout_ms };
  if (p.type === 'sqlite') return { type: 'sqlite', path: at(p.path), ...common };
  if (p.url !== undefined && !isPostgresUri(p.url) && !parseConninfo(p.url)) throw new DataError(`${file}: key "population.url": expected a postgres:// or postgresql:// URL or a keyword/value connection string (host=… dbname=…)`);
  return { type: 'postgres', url: p.url, urlEnv: p.url_env, ...common };
}

function requireFolder(file: string, key: string, path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new DataError(`${file}: key "${key}": folder ${path} does not exist`);
  }
  if (!st.isDirectory()) throw new DataError(`${file}: key "${key}": ${path} is not a folder`);
}

function requireExists(file: string, key: string, path: string): void {
  try {
    statSync(path);
  } catch {
    throw new DataError(`${file}: key "${key}": ${path} does not exist`);
  }
}

/** Read, parse and validate a config file. Every failure is one line naming file and key. */
export function loadConfig(file = 'config.json', opts: { checkFolders?: boolean } = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(`${file}: cannot read config (${code === 'ENOENT' ? 'no such file' : code}); pass --config PATH`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DataError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new DataError(`${file}: expected a JSON object at the top level`);
  }
  return parseConfig(json, file, opts);
}
