import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError } from '../util/errors.js';
import { Random } from './random.js';

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
}

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

interface Client {
  id: string;
  lastmonth: number;
  lastyear: number;
  employees: number;
  exited: 0 | 1;
}

export function makeClient(rng: Random, id: string): Client {
  const employees = Math.max(1, Math.round(rng.lognormal(Math.log(40), 1.1)));
  const lastyear = Math.round(Math.pow(employees, 0.8) * rng.lognormal(Math.log(60), 0.7));
  const decline = rng.lognormal(-0.1, 0.8);
  const lastmonth = Math.round((lastyear / 12) * decline);
  // Hidden truth: a drop in activity and a small company raise the risk.
  const logit = -3.2 - 4.5 * Math.log(decline) - 0.5 * (Math.log(employees) - Math.log(40));
  const exited = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  return { id, lastmonth, lastyear, employees, exited };
}

function row(rng: Random, c: Client, missingRate: number, counter: { missing: number }): string {
  const cell = (v: number) => {
    if (rng.next() < missingRate) {
      counter.missing++;
      return '';
    }
    return String(v);
  };
  return `${c.id},${cell(c.lastmonth)},${cell(c.lastyear)},${cell(c.employees)},${c.exited}`;
}

export function simulate(opts: SimulateOptions): SimulateResult {
  const clients = opts.clients ?? 10_000;
  const months = opts.months ?? 12;
  const seed = opts.seed ?? 42;
  if (!Number.isInteger(clients) || clients < 10) throw new DataError(`--clients: expected an integer ≥ 10, got ${clients}`);
  if (!Number.isInteger(months) || months < 1 || months > 120) throw new DataError(`--months: expected an integer from 1 to 120, got ${months}`);
  const out = resolve(opts.out);
  const configPath = join(out, 'config.json');
  if (existsSync(configPath) && !opts.force) throw new DataError(`${configPath} already exists; pass --force to overwrite the workspace`);
  const rng = new Random(seed);
  const counter = { missing: 0 };
  const missingRate = 0.01;
  const source = join(out, 'sourcedata');
  const test = join(out, 'testdata');
  mkdirSync(source, { recursive: true });
  mkdirSync(test, { recursive: true });

  // Monthly files: each client is observed in one month; ~2% of rows are repeated, mostly
  // within the month, sometimes again in the next month's file (a re-sent record).
  const perMonth: string[][] = Array.from({ length: months }, () => []);
  let positives = 0;
  let duplicates = 0;
  for (let i = 0; i < clients; i++) {
    const c = makeClient(rng, `corp-${String(i + 1).padStart(5, '0')}`);
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
    writeFileAtomicSync(join(source, name), [HEADER, ...perMonth[m]].join('\n') + '\n');
    files.push({ name, rows: perMonth[m].length });
  }

  const testRows = Math.max(10, Math.round(clients * (opts.testShare ?? 0.2)));
  const testLines: string[] = [];
  for (let i = 0; i < testRows; i++) {
    const c = makeClient(rng, `test-${String(i + 1).padStart(5, '0')}`);
    testLines.push(row(rng, c, missingRate, counter));
  }
  const testFile = join(test, 'testdata.csv');
  writeFileAtomicSync(testFile, [HEADER, ...testLines].join('\n') + '\n');

  const config = {
    input_folder_path: 'sourcedata',
    output_folder_path: 'ingesteddata',
    test_data_path: 'testdata',
    output_model_path: 'models',
    prod_deployment_path: 'production_deployment',
    input_file_extension: 'csv',
    url: 'http://127.0.0.1:8000/',
    top_k: Math.max(10, Math.round(clients / 100)),
    store: { type: 'sqlite', path: 'riskwatch.db' },
  };
  writeFileAtomicSync(configPath, JSON.stringify(config, null, 2) + '\n');
  return { out, config: configPath, files, testFile, testRows, clients, positiveRate: positives / clients, duplicateRows: duplicates, missingCells: counter.missing };
}
