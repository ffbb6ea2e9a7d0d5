import { Random } from '../../src/util/random.ts';

/**
 * A CRM-like client export with every trap `init` must see through: a text id, the label as
 * words ("Yes"/"No"), text categories, a count with blank and space-only cells, a decimal number,
 * a constant column, postal codes with leading zeros, free-text notes, a date, accented client
 * names, and a leak (a score some other model computed from the label). Deterministic per seed.
 */
export interface CrmOptions {
  rows?: number;
  seed?: number;
  /** Leave out the leak column (for tables that should train end to end as they are). */
  leak?: boolean;
}

export const CRM_COLUMNS = ['client_id', 'client_name', 'region', 'plan', 'employees', 'revenue', 'country', 'postal_code', 'notes', 'signup_date', 'churn_score', 'churned'] as const;

const REGIONS = ['North', 'South', 'East', 'West'];
const PLANS = ['Basic', 'Pro', 'Enterprise'];
const NAMES = ['Café', 'Bäckerei', 'Société', 'Müller', 'Crêperie', 'Ñandú', 'Garage', 'Atelier'];
const WORDS = ['called', 'about', 'renewal', 'invoice', 'late', 'happy', 'asked', 'discount', 'support', 'ticket', 'meeting', 'next', 'quarter', 'price', 'upgrade'];

export function crmRows(opts: CrmOptions = {}): string[][] {
  const rng = new Random(opts.seed ?? 7);
  const n = opts.rows ?? 2000;
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const region = REGIONS[rng.int(REGIONS.length)];
    const plan = PLANS[rng.int(PLANS.length)];
    const employees = Math.floor(rng.lognormal(3, 1));
    const revenue = Math.round(rng.lognormal(10, 0.8) * 100) / 100;
    const z = -2.2 + (region === 'East' ? 2.8 : 0) + (plan === 'Basic' ? 2.2 : plan === 'Enterprise' ? -2 : 0) - 0.6 * (Math.log1p(employees) - 3) + 0.3 * rng.normal();
    const left = rng.next() < 1 / (1 + Math.exp(-z));
    const blank = rng.next();
    const words = Array.from({ length: 4 + rng.int(5) }, () => WORDS[rng.int(WORDS.length)]).join(' ');
    rows.push([
      `C-${String(i + 1).padStart(6, '0')}`,
      `${NAMES[rng.int(NAMES.length)]} ${i + 1}`,
      region,
      plan,
      blank < 0.03 ? '' : blank < 0.05 ? ' ' : String(employees),
      revenue.toFixed(2),
      'FR',
      String(1000 + rng.int(95000)).padStart(5, '0'),
      `${words} #${i}`,
      `20${String(18 + rng.int(6))}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`,
      (left ? 0.9 + 0.1 * rng.next() : 0.1 * rng.next()).toFixed(4),
      left ? 'Yes' : 'No',
    ]);
  }
  return rows;
}

/** The table as CSV text (quoted where needed), `columns` choosing and ordering the columns. */
export function crmCsv(opts: CrmOptions & { columns?: readonly string[]; eol?: string; bom?: boolean } = {}): string {
  const columns = opts.columns ?? CRM_COLUMNS.filter((c) => opts.leak !== false || c !== 'churn_score');
  const at = columns.map((c) => CRM_COLUMNS.indexOf(c as (typeof CRM_COLUMNS)[number]));
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const eol = opts.eol ?? '\n';
  const lines = [columns.join(','), ...crmRows(opts).map((r) => at.map((j) => cell(r[j])).join(','))];
  return (opts.bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

/** Text as Windows-1252 bytes (the characters these tests use: latin-1 and the en dash). */
export function windows1252(text: string): Buffer {
  return Buffer.from(Array.from(text, (ch) => (ch === '–' ? 0x96 : ch.charCodeAt(0) <= 0xff ? ch.charCodeAt(0) : 0x3f)));
}
