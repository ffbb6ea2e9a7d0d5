/**
 * Deterministic benchmark input in the seed's format:
 *   corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited
 *
 * Rows come from the simulator's client model (`makeClient`: log-normal company sizes, skewed,
 * correlated activity counts, labels from the hidden ground truth). Each feature cell is empty with
 * probability 1%; with probability 2% a row is an exact copy of an earlier row (a re-sent record),
 * so pandas' drop_duplicates() and riskwatch's dedup have the same ~2% to remove.
 *
 *   node --import tsx bench/generate.ts [--rows N] [--seed S] [--out FILE] [--force]
 *
 * Default output: bench/out/clients-<N>-s<seed>.csv. The bytes depend on the seed, N and on
 * makeClient in src/simulate/generate.ts (if that model changes, so does the file).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeClient } from '../src/simulate/generate.ts';
import { Random } from '../src/util/random.ts';
import { writeLines } from './write-lines.ts';

export const HEADER = 'corporation,lastmonth_activity,lastyear_activity,number_of_employees,exited';
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(BENCH_DIR, 'out');

export interface GenerateOptions {
  rows: number;
  seed?: number;
  out?: string;
  /** Share of rows that repeat an earlier row exactly. */
  duplicateShare?: number;
  /** Share of feature cells left empty. */
  missingShare?: number;
  idPrefix?: string;
  force?: boolean;
}

export interface GenerateResult {
  path: string;
  rows: number;
  duplicateRows: number;
  missingCells: number;
  positives: number;
  bytes: number;
  ms: number;
  reused: boolean;
}

export function defaultDataPath(rows: number, seed = 42): string {
  return join(OUT_DIR, `clients-${rows}-s${seed}.csv`);
}

export function generate(opts: GenerateOptions): GenerateResult {
  const rows = opts.rows;
  const seed = opts.seed ?? 42;
  const path = resolve(opts.out ?? defaultDataPath(rows, seed));
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows: expected a positive integer, got ${rows}`);
  if (existsSync(path) && !opts.force) {
    return { path, rows, duplicateRows: -1, missingCells: -1, positives: -1, bytes: statSync(path).size, ms: 0, reused: true };
  }
  const t0 = performance.now();
  const dupShare = opts.duplicateShare ?? 0.02;
  const missShare = opts.missingShare ?? 0.01;
  const prefix = opts.idPrefix ?? 'corp-';
  const width = String(rows).length;
  const rng = new Random(seed);
  // Unique lines written so far, for exact copies later in the file.
  const lines: string[] = [];
  let duplicateRows = 0;
  let missingCells = 0;
  let positives = 0;
  const cell = (v: number) => {
    if (rng.next() < missShare) {
      missingCells++;
      return '';
    }
    return String(v);
  };
  const bytes = writeLines(path, HEADER, (write) => {
    for (let r = 0; r < rows; r++) {
      let line: string;
      let exited: number;
      if (lines.length > 0 && rng.next() < dupShare) {
        line = lines[rng.int(lines.length)];
        exited = line.charCodeAt(line.length - 1) - 48;
        duplicateRows++;
      } else {
        const c = makeClient(rng, `${prefix}${String(lines.length + 1).padStart(width, '0')}`);
        line = `${c.id},${cell(c.lastmonth)},${cell(c.lastyear)},${cell(c.employees)},${c.exited}`;
        exited = c.exited;
        lines.push(line);
      }
      positives += exited;
      write(line);
    }
  });
  return { path, rows, duplicateRows, missingCells, positives, bytes, ms: performance.now() - t0, reused: false };
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const rows = Number(arg(argv, '--rows') ?? 1_000_000);
  const seed = Number(arg(argv, '--seed') ?? 42);
  const r = generate({ rows, seed, out: arg(argv, '--out'), force: argv.includes('--force') });
  process.stdout.write(JSON.stringify(r) + '\n');
}
