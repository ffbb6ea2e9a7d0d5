import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic.js';
import { makeDirSync } from '../util/make-dir.js';
import { workspaceConfig } from '../config/workspace-config.js';
import { DataError, UsageError } from '../util/errors.js';
import { Random } from '../util/random.js';
import { CATEGORY_COLUMNS, drawCategories, type CategoryMix, type ClientCategories } from './categories.js';

/**
 * A deterministic, realistic workspace: corporate clients with skewed, correlated activity counts
 * (log-normal company sizes; yearly activity grows with size; last month's activity is yearly/12
 * times a decline factor), labels from a hidden ground-truth model in which falling activity and
 * small size raise the risk of leaving, ~1% missing cells and ~2% duplicate rows, split into
 * monthly files plus a held-out test file.
 */
export interface SimulateOptions {
  out: string;
  clients?: number;
  months?: number;
  seed?: number;
  /** Test-set size as a share of clients. */
  testShare?: number;
  force?: boolean;
  /**
   * `numeric` (default): the seed's three activity counts, byte for byte as before. `crm`: also
   * the text columns industry, region, plan, contract_type and payment_method (categories.ts),
   * which move who leaves; the config lists them with feature_types "category" and
   * model.standardize. What the demo (`npm start`) uses.
   */
  profile?: SimulateProfile;
}

export type SimulateProfile = 'numeric' | 'crm';

export interface SimulateResult {
  out: string;
  config: string;
  files: Array<{ name: string; rows: number }>;
  testFile: string;
  testRows: number;
  clients: number;
  positiveRate: number;
  duplicateRows: number;
  missingCells: number;
}

const HEADER = 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited';
const NUMERIC = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'];
/** The crm profile's value column (config value_column): what a client pays a month, for the call list's expected loss. */
const REVENUE = 'monthly_revenue';
const CRM_HEADER = ['corporation', ...NUMERIC, ...CATEGORY_COLUMNS, 'exited', REVENUE].join(',');

interface Client {
  id: string;
  lastmonth: number;
  lastyear: number;
  employees: number;
  /** The crm profile's text columns (absent in the numeric profile). */
  categories?: ClientCategories;
  exited: 0 | 1;
}

/**
 * The market the clients live in. `none` is the world the first months come from; the other
 * scenarios are what `simulate --scenario` appends to show drift:
 * - covariate: the inputs shift (bigger companies, activity falling more often), while the
 *   relationship between inputs and leaving stays the same;
 * - concept: the inputs look the same, but who leaves changes (a falling activity matters less,
 *   big companies now leave more) — the model's learned relationship goes stale.
 */
export type Scenario = 'none' | 'covariate' | 'concept';

interface World {
  sizeMu: number;
  declineMu: number;
  intercept: number;
  declineEffect: number;
  sizeEffect: number;
}

const WORLDS: Record<Scenario, World> = {
  none: { sizeMu: Math.log(40), declineMu: -0.1, intercept: -3.2, declineEffect: -4.5, sizeEffect: -0.5 },
  covariate: { sizeMu: Math.log(90), declineMu: -0.45, intercept: -3.2, declineEffect: -4.5, sizeEffect: -0.5 },
  concept: { sizeMu: Math.log(40), declineMu: -0.1, intercept: -1.6, declineEffect: -1.0, sizeEffect: 0.9 },
};

/** `mix` given: a crm client, whose categories are drawn (after its numbers) and move its risk. */
export function makeClient(rng: Random, id: string, scenario: Scenario = 'none', mix?: CategoryMix): Client {
  const w = WORLDS[scenario];
  const employees = Math.max(1, Math.round(rng.lognormal(w.sizeMu, 1.1)));
  const lastyear = Math.round(Math.pow(employees, 0.8) * rng.lognormal(Math.log(60), 0.7));
  const decline = rng.lognormal(w.declineMu, 0.8);
  const lastmonth = Math.round((lastyear / 12) * decline);
  // Hidden truth (base world): a drop in activity and a small company raise the risk.
  const cats = mix ? drawCategories(rng, employees, mix) : null;
  const logit = w.intercept + w.declineEffect * Math.log(decline) + w.sizeEffect * (Math.log(employees) - Math.log(40)) + (cats?.effect ?? 0);
  const exited = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  return cats ? { id, lastmonth, lastyear, employees, categories: cats.values, exited } : { id, lastmonth, lastyear, employees, exited };
}

function row(rng: Random, c: Client, missingRate: number, counter: { missing: number }): string {
  const cell = (v: number) => {
    if (rng.next() < missingRate) {
      counter.missing++;
      return '';
    }
    return String(v);
  };
  const text = (v: string) => {
    if (rng.next() < missingRate) {
      counter.missing++;
      return '';
    }
    return v;
  };
  const cats = c.categories ? CATEGORY_COLUMNS.map((k) => `${text(c.categories![k])},`).join('') : '';
  return `${c.id},${cell(c.lastmonth)},${cell(c.lastyear)},${cell(c.employees)},${cats}${c.exited}${c.categories ? `,${monthlyRevenue(c)}` : ''}`;
}

/**
 * A crm client's monthly revenue: grows with its size and plan, with a spread of its own. Drawn
 * from a hash of the id, not from the generator's stream, so adding the column left every other
 * value of the workspace (and the demo's story) as it was. About 1 client in 100 has none (an
 * empty cell: the call list ranks it after every client with a value).
 */
export function monthlyRevenue(c: Pick<Client, 'id' | 'employees' | 'categories'>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < c.id.length; i++) h = Math.imul(h ^ c.id.charCodeAt(i), 0x01000193);
  h >>>= 0;
  if (h % 100 === 0) return '';
  const spread = Math.exp(((h >>> 8) / 2 ** 24 - 0.5) * 1.2);
  const plan = c.categories?.plan === 'Premium' ? 2.2 : c.categories?.plan === 'Basic' ? 0.7 : 1;
  return (Math.round(35 * Math.pow(c.employees, 0.85) * plan * spread * 100) / 100).toFixed(2);
}

/** The config of a crm workspace: every column a feature, the text ones as categories, standardized. */
function crmConfig(): Record<string, unknown> {
  return {
    features: [...NUMERIC, ...CATEGORY_COLUMNS],
    feature_types: Object.fromEntries(CATEGORY_COLUMNS.map((k) => [k, 'category'])),
    value_column: REVENUE,
    // "auto" (issue 16): the demo shows which family wins on its clients and why (dashboard, report).
    model: { standardize: true, family: 'auto' },
  };
}

export function simulate(opts: SimulateOptions): SimulateResult {
  const clients = opts.clients ?? 10_000;
  const months = opts.months ?? 12;
  const seed = opts.seed ?? 42;
  if (!Number.isInteger(clients) || clients < 10) throw new UsageError(`--clients: expected an integer ≥ 10, got ${clients}`);
  if (!Number.isInteger(months) || months < 1 || months > 120) throw new UsageError(`--months: expected an integer from 1 to 120, got ${months}`);
  const out = resolve(opts.out);
  const configPath = join(out, 'config.json');
  if (existsSync(configPath) && !opts.force) throw new DataError(`${configPath} already exists; pass --force to overwrite the workspace`);
  const crm = opts.profile === 'crm';
  if (opts.profile !== undefined && opts.profile !== 'numeric' && !crm) throw new UsageError(`--profile: expected numeric or crm, got ${opts.profile}`);
  const mix: CategoryMix | undefined = crm ? 'base' : undefined;
  const header = crm ? CRM_HEADER : HEADER;
  const rng = new Random(seed);
  const counter = { missing: 0 };
  const missingRate = 0.01;
  const source = join(out, 'sourcedata');
  const test = join(out, 'testdata');
  makeDirSync(source);
  makeDirSync(test);

  // Monthly files: each client is observed in one month; ~2% of rows are repeated, mostly
  // within the month, sometimes again in the next month's file (a re-sent record).
  const perMonth: string[][] = Array.from({ length: months }, () => []);
  let positives = 0;
  let duplicates = 0;
  for (let i = 0; i < clients; i++) {
    const c = makeClient(rng, `corp-${String(i + 1).padStart(5, '0')}`, 'none', mix);
    positives += c.exited;
    const m = rng.int(months);
    const line = row(rng, c, missingRate, counter);
    perMonth[m].push(line);
    if (rng.next() < 0.02) {
      duplicates++;
      const target = rng.next() < 0.7 || m + 1 >= months ? m : m + 1;
      perMonth[target].splice(rng.int(perMonth[target].length + 1), 0, line);
    }
  }
  const files: SimulateResult['files'] = [];
  for (let m = 0; m < months; m++) {
    const year = 2025 + Math.floor(m / 12);
    const name = `clients-${year}-${String((m % 12) + 1).padStart(2, '0')}.csv`;
    writeFileAtomicSync(join(source, name), [header, ...perMonth[m]].join('\n') + '\n');
    files.push({ name, rows: perMonth[m].length });
  }

  const testRows = Math.max(10, Math.round(clients * (opts.testShare ?? 0.2)));
  const testLines: string[] = [];
  for (let i = 0; i < testRows; i++) {
    const c = makeClient(rng, `test-${String(i + 1).padStart(5, '0')}`, 'none', mix);
    testLines.push(row(rng, c, missingRate, counter));
  }
  const testFile = join(test, 'testdata.csv');
  writeFileAtomicSync(testFile, [header, ...testLines].join('\n') + '\n');

  const config = workspaceConfig({ top_k: Math.max(10, Math.round(clients / 100)), store: { type: 'sqlite', path: 'riskwatch.db' }, ...(crm ? crmConfig() : {}) });
  writeFileAtomicSync(configPath, JSON.stringify(config, null, 2) + '\n');
  return { out, config: configPath, files, testFile, testRows, clients, positiveRate: positives / clients, duplicateRows: duplicates, missingCells: counter.missing };
}

export interface AppendOptions {
  out: string;
  scenario: Scenario;
  /** How many new monthly files. */
  months: number;
  /** Rows per new month (default 833, a 10,000-client book over 12 months). */
  rowsPerMonth?: number;
  seed?: number;
  /** A crm workspace's mix of categories in the new months (default base); refused for a numeric one. */
  mix?: CategoryMix;
}

export interface AppendResult {
  out: string;
  scenario: Scenario;
  /** A crm workspace's category mix in the new months. */
  mix?: CategoryMix;
  files: Array<{ name: string; rows: number }>;
  positiveRate: number;
}

const MONTH_FILE = /^clients-(\d{4})-(\d{2})\.csv$/;

/**
 * Add the next months to an existing workspace's input folder, drawn from a scenario's world:
 * what the scheduled run then finds as new data. File names continue after the latest month.
 */
export function appendMonths(opts: AppendOptions): AppendResult {
  const out = resolve(opts.out);
  const configPath = join(out, 'config.json');
  if (!existsSync(configPath)) throw new DataError(`${configPath} not found; create the workspace first with \`riskwatch simulate --out ${opts.out}\``);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { input_folder_path: string; features?: string[] };
  // A crm workspace (simulate --profile crm) is known by its config's text features.
  const crm = CATEGORY_COLUMNS.every((k) => config.features?.includes(k));
  if (opts.mix !== undefined && opts.mix !== 'base' && opts.mix !== 'expansion') throw new UsageError(`--mix: expected base or expansion, got ${opts.mix}`);
  if (opts.mix && !crm) throw new UsageError(`--mix needs a workspace with category columns (simulate --profile crm); ${configPath} has none`);
  const mix: CategoryMix | undefined = crm ? (opts.mix ?? 'base') : undefined;
  const source = resolve(out, config.input_folder_path);
  let last = 2025 * 12 - 1; // December 2024: the first month written is January 2025
  for (const name of readdirSync(source)) {
    const m = MONTH_FILE.exec(name);
    if (m) last = Math.max(last, Number(m[1]) * 12 + Number(m[2]) - 1);
  }
  const rows = opts.rowsPerMonth ?? 833;
  // A different stream per starting month, so appending twice does not repeat rows.
  const rng = new Random(((opts.seed ?? 42) * 1_000_003 + last) >>> 0);
  const counter = { missing: 0 };
  const files: AppendResult['files'] = [];
  let positives = 0;
  for (let k = 1; k <= opts.months; k++) {
    const month = last + k;
    const tag = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
    const lines = [crm ? CRM_HEADER : HEADER];
    for (let i = 0; i < rows; i++) {
      const c = makeClient(rng, `corp-${tag}-${String(i + 1).padStart(5, '0')}`, opts.scenario, mix);
      positives += c.exited;
      lines.push(row(rng, c, 0.01, counter));
    }
    const name = `clients-${tag}.csv`;
    writeFileAtomicSync(join(source, name), lines.join('\n') + '\n');
    files.push({ name, rows });
  }
  return { out, scenario: opts.scenario, ...(mix ? { mix } : {}), files, positiveRate: positives / Math.max(1, rows * opts.months) };
}
