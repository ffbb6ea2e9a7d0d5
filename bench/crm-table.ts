/**
 * Deterministic benchmark input shaped like a client (CRM) export, for issue 15's performance
 * figures (bench/categories.ts): an id, 8 numeric columns (4 `count`, 4 `number` with decimals),
 * 5 text category columns and the label as words:
 *
 *   client_id,tenure_months,monthly_charges,total_charges,support_calls,logins_30d,satisfaction,
 *   discount_pct,employees,industry,region,plan,contract,payment_method,churned
 *
 * 1% of the feature cells are empty; 2% of the rows repeat an earlier row exactly (a re-sent
 * record), as in bench/generate.ts, so pandas' drop_duplicates() and riskwatch's dedup have the
 * same share to remove. The label comes from a logistic model of the features. `shift` moves
 * the numeric distributions and the category mix (and adds a region never seen in a file made
 * with shift 0): the "current" file that `drift` compares with the reference.
 *
 *   node --import tsx bench/crm-table.ts [--rows N] [--seed S] [--shift 0|1] [--out FILE] [--force]
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/util/random.ts';
import { writeLines } from './write-lines.ts';

export const CRM_COUNTS = ['tenure_months', 'support_calls', 'logins_30d', 'employees'] as const;
export const CRM_NUMBERS = ['monthly_charges', 'total_charges', 'satisfaction', 'discount_pct'] as const;
export const CRM_CATEGORIES = ['industry', 'region', 'plan', 'contract', 'payment_method'] as const;
/** Feature columns in file order. */
export const CRM_FEATURES = ['tenure_months', 'monthly_charges', 'total_charges', 'support_calls', 'logins_30d', 'satisfaction', 'discount_pct', 'employees', ...CRM_CATEGORIES] as const;
export const CRM_HEADER = ['client_id', ...CRM_FEATURES, 'churned'].join(',');

const INDUSTRY = ['Retail', 'Finance', 'Health', 'Software', 'Logistics', 'Energy', 'Media', 'Education', 'Construction', 'Hospitality', 'Telecom', 'Agriculture'];
const REGION = ['North', 'South', 'East', 'West', 'Central', 'Coastal', 'Alpine', 'Islands'];
const PLAN = ['Basic', 'Plus', 'Pro', 'Enterprise'];
const CONTRACT = ['Monthly', 'Annual', 'Two-year'];
const PAYMENT = ['Card', 'Transfer', 'Check', 'Debit', 'Invoice'];

export interface CrmTableOptions {
  rows: number;
  seed?: number;
  /** 0: the reference population; 1: shifted numbers, another category mix, a new region. */
  shift?: number;
  out?: string;
  force?: boolean;
}

export function crmTablePath(rows: number, seed = 42, shift = 0): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'out', `crm-${rows}-s${seed}${shift ? `-shift${shift}` : ''}.csv`);
}

/** Index from `weights` (unnormalised) by one uniform draw. */
function pick(rng: Random, weights: readonly number[], total: number): number {
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

export function generateCrmTable(opts: CrmTableOptions): { path: string; rows: number; bytes: number; reused: boolean } {
  const rows = opts.rows;
  const seed = opts.seed ?? 42;
  const shift = opts.shift ?? 0;
  const path = resolve(opts.out ?? crmTablePath(rows, seed, shift));
  if (existsSync(path) && !opts.force) return { path, rows, bytes: statSync(path).size, reused: true };
  const rng = new Random(seed);
  // Category weights: skewed (a few common values), the shifted file favouring others.
  const weights = (n: number, extra = 0) => Array.from({ length: n + extra }, (_, i) => (shift ? 1 + ((i * 7) % n) : n - i));
  const wIndustry = weights(INDUSTRY.length);
  const wRegion = weights(REGION.length, shift ? 1 : 0);
  const wPlan = weights(PLAN.length);
  const wContract = weights(CONTRACT.length);
  const wPayment = weights(PAYMENT.length);
  const regions = shift ? [...REGION, 'Overseas'] : REGION;
  const sum = (w: number[]) => w.reduce((a, b) => a + b, 0);
  const totals = [wIndustry, wRegion, wPlan, wContract, wPayment].map(sum);

  const lines: string[] = [];
  const cell = (text: string) => (rng.next() < 0.01 ? '' : text);
  const bytes = writeLines(path, CRM_HEADER, (write) => {
    for (let r = 0; r < rows; r++) {
      let line: string;
      if (lines.length > 0 && rng.next() < 0.02) {
        line = lines[rng.int(lines.length)];
      } else {
        const tenure = Math.min(120, Math.floor(rng.lognormal(2.8 - 0.3 * shift, 0.9)));
        const monthly = 20 + 100 * rng.next() + 8 * shift;
        const total = tenure * monthly * (0.9 + 0.2 * rng.next());
        const calls = Math.min(30, Math.floor(rng.lognormal(0.3 + 0.2 * shift, 0.8)));
        const logins = Math.floor(60 * rng.next() * rng.next());
        const satisfaction = Math.min(5, Math.max(1, 3.6 - 0.4 * shift + 0.8 * rng.normal()));
        const discount = rng.next() < 0.6 ? 0 : 30 * rng.next();
        const employees = Math.floor(rng.lognormal(3, 1.2));
        const industry = pick(rng, wIndustry, totals[0]);
        const region = pick(rng, wRegion, totals[1]);
        const plan = pick(rng, wPlan, totals[2]);
        const contract = pick(rng, wContract, totals[3]);
        const payment = pick(rng, wPayment, totals[4]);
        const z = -1.2 - 0.025 * tenure + 0.012 * (monthly - 70) + 0.35 * calls - 0.02 * logins - 0.6 * (satisfaction - 3.5) + 0.03 * discount - 0.15 * (Math.log1p(employees) - 3) +
          (contract === 0 ? 1.1 : contract === 2 ? -0.9 : 0) + (plan === 0 ? 0.4 : plan === 3 ? -0.5 : 0) + (payment === 2 ? 0.5 : 0) + (industry % 4 === 1 ? 0.3 : 0) + (region === 2 ? 0.4 : 0);
        const left = rng.next() < 1 / (1 + Math.exp(-z));
        line = [
          `C${String(lines.length + 1).padStart(7, '0')}`,
          cell(String(tenure)),
          cell(monthly.toFixed(2)),
          cell(total.toFixed(2)),
          cell(String(calls)),
          cell(String(logins)),
          cell(satisfaction.toFixed(1)),
          cell(discount.toFixed(1)),
          cell(String(employees)),
          cell(INDUSTRY[industry]),
          cell(regions[region]),
          cell(PLAN[plan]),
          cell(CONTRACT[contract]),
          cell(PAYMENT[payment]),
          left ? 'Yes' : 'No',
        ].join(',');
        lines.push(line);
      }
      write(line);
    }
  });
  return { path, rows, bytes, reused: false };
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const r = generateCrmTable({ rows: Number(arg(argv, '--rows') ?? 1_000_000), seed: Number(arg(argv, '--seed') ?? 42), shift: Number(arg(argv, '--shift') ?? 0), out: arg(argv, '--out'), force: argv.includes('--force') });
  process.stdout.write(JSON.stringify(r) + '\n');
}
