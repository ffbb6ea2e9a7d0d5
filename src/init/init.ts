import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { workspaceConfig } from '../config/workspace-config.js';
import { parseConfig } from '../config/load.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError, UsageError } from '../util/errors.js';
import { makeDirSync } from '../util/make-dir.js';
import { decideColumns, type ColumnDecision } from './decide-columns.js';
import { profileTable } from './profile-table.js';
import type { InitEncoding } from './read-records.js';
import { splitData, type SplitResult } from './split-data.js';

/**
 * `riskwatch init --data FILE`: how a new user starts. Reads the export once (streamed), decides
 * the role and kind of every column (decide-columns.ts), creates the workspace's folders next to
 * the config, splits a stratified test share off the export when there is no test data yet
 * (split-data.ts), and writes a config that `riskwatch run` takes unchanged. The config is the
 * last thing written (atomically), and only over an existing one with `force`.
 */
export interface InitOptions {
  data: string;
  /** The config to write (default config.json); its folder is the workspace. */
  out?: string;
  force?: boolean;
  /** Name the target or id column instead of letting init find it. */
  target?: string;
  id?: string;
  /** Share of the labelled rows split off as test data when the test folder is empty (0: none). Default 0.2. */
  testShare?: number;
  seed?: number;
  encoding?: InitEncoding;
}

export interface InitResult {
  /** The config written, as written. */
  config: Record<string, unknown>;
  /** Its path. */
  out: string;
  columns: ColumnDecision[];
  warnings: string[];
  data: { file: string; rows: number; encoding: 'utf-8' | 'windows-1252'; labelled: { positive: number; negative: number } };
  /** The workspace's folders (relative to it) and whether init created them. */
  folders: Array<{ path: string; created: boolean }>;
  /** The test share split off the export, or null (test data already there, or --test-share 0). */
  split: SplitResult | null;
  /** What to do next, one step a line. */
  next: string[];
}

export const DEFAULT_TEST_SHARE = 0.2;

export async function init(opts: InitOptions): Promise<InitResult> {
  const data = resolve(opts.data);
  const out = resolve(opts.out ?? 'config.json');
  const share = opts.testShare ?? DEFAULT_TEST_SHARE;
  const seed = opts.seed ?? 42;
  if (!(share >= 0 && share < 1)) throw new UsageError(`--test-share: expected a number from 0 to below 1, got ${share}`);
  if (existsSync(out) && !opts.force) throw new DataError(`${out} already exists; pass --force to overwrite it`);
  if (!existsSync(data)) throw new DataError(`${opts.data}: no such file`);
  if (statSync(data).isDirectory()) throw new DataError(`${opts.data}: is a folder; give one data file (the export)`);

  const table = await profileTable(data, opts.encoding ?? 'auto', seed);
  const d = decideColumns(table, { target: opts.target, id: opts.id });
  const warnings = [...d.warnings];
  if (table.read.notUtf8Line !== undefined) {
    warnings.unshift(`${table.file} is not UTF-8 (line ${table.read.notUtf8Line} first): read as Windows-1252; ingest reads such files so (input_encoding "auto", the default)`);
  }
  const targetCounts = table.columns[table.header.indexOf(d.target.name)].counts!;
  const labelled = { positive: targetCounts.get(d.target.positive) ?? 0, negative: targetCounts.get(d.target.negative) ?? 0 };

  const ext = extname(data).slice(1) || 'csv';
  const config: Record<string, unknown> = {
    ...workspaceConfig({ input_file_extension: ext }),
    id_column: d.id,
    target_column: d.target.name,
    target_positive: d.target.positive,
    target_negative: d.target.negative,
    features: d.features,
    feature_types: d.featureTypes,
    model: { family: 'auto', standardize: true },
  };

  // The config must be one riskwatch reads: checked before anything is made.
  parseConfig(config, out, { checkFolders: false });

  const dir = dirname(out);
  const folders = (['input_folder_path', 'test_data_path', 'output_folder_path', 'output_model_path', 'prod_deployment_path'] as const).map((key) => {
    const path = config[key] as string;
    const abs = join(dir, path);
    const created = !existsSync(abs);
    makeDirSync(abs);
    return { path, created };
  });
  const input = join(dir, config.input_folder_path as string);
  const testDir = join(dir, config.test_data_path as string);

  let split: SplitResult | null = null;
  const next: string[] = [];
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  const hasTestData = dataFiles(testDir, ext).length > 0;
  if (share > 0 && !hasTestData) {
    const name = basename(data);
    split = await splitData({
      data,
      encoding: table.read.encoding,
      targetIndex: table.header.indexOf(d.target.name),
      positive: d.target.positive,
      negative: d.target.negative,
      classRows: labelled,
      share,
      seed,
      trainPath: join(input, name),
      testPath: join(testDir, name),
    });
    if (dirname(data) === input) warnings.push(`${rel(split.train.path)} was the export itself: it now holds the training rows, and the test rows moved to ${rel(split.test.path)} (every row is in one of the two)`);
    if (split.test.positive === 0 || split.test.positive === split.test.rows) warnings.push(`the test share holds one class only (${split.test.rows} rows): too few labelled rows to score on; add labelled rows to ${rel(testDir)}`);
  } else {
    const inside = dirname(data) === input;
    if (!inside) next.push(`put ${rel(data)} (and every later export) into ${rel(input)}/`);
    if (!hasTestData) next.push(`put labelled test rows (a file with the same columns) into ${rel(testDir)}/`);
  }
  next.push(`${dir === process.cwd() ? '' : `cd ${rel(dir)} && `}riskwatch run${basename(out) === 'config.json' ? '' : ` --config ${basename(out)}`}   # ingest, train, score, deploy`);
  next.push(`new exports go into ${rel(input)}/; each \`riskwatch run\` takes what is new`);

  writeFileAtomicSync(out, JSON.stringify(config, null, 2) + '\n');
  return { config, out, columns: d.columns, warnings, data: { file: data, rows: table.rows, encoding: table.read.encoding, labelled }, folders, split, next };
}

function dataFiles(dir: string, ext: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(`.${ext}`) && !f.startsWith('.'));
  } catch {
    return [];
  }
}
