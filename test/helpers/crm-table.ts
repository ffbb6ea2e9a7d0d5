import { rng } from './random.ts';

/**
 * A generated CRM export where churn does not follow a straight line (issue 16): a monthly
 * contract with few logins, a small plan with many seats and a discount about to end raise the
 * risk far more than the sum of their parts; region is noise with blanks. Columns: id, tenure
 * (count), logins (count), seats (count), fee (number, some blank), plan / contract / region
 * (categories), churned (Yes/No). `linear`: the same columns with a logistic truth, linear in the
 * numbers (a table the linear model should win).
 */
export const CRM_FEATURES = ['tenure', 'logins', 'seats', 'fee', 'plan', 'contract', 'region'] as const;
export const CRM_TYPES = { tenure: 'count', logins: 'count', seats: 'count', fee: 'number', plan: 'category', contract: 'category', region: 'category' } as const;

export interface CrmRow {
  id: string;
  tenure: number;
  logins: number;
  seats: number;
  fee: number | null;
  plan: string;
  contract: string;
  region: string | null;
  churned: 'Yes' | 'No';
}

export function crmRows(n: number, seed: number, opts: { linear?: boolean; prefix?: string } = {}): CrmRow[] {
  const u = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)];
  const rows: CrmRow[] = [];
  for (let i = 0; i < n; i++) {
    const tenure = Math.floor(u() * 72);
    const logins = Math.floor(u() * 30);
    const plan = pick(['Basic', 'Pro', 'Enterprise']);
    const seats = Math.floor(u() * (plan === 'Enterprise' ? 200 : 40));
    const fee = u() < 0.05 ? null : Math.round((20 + u() * 180) * 100) / 100;
    const contract = pick(['Monthly', 'Monthly', 'Annual', 'Two-year']);
    const region = u() < 0.08 ? null : pick(['North', 'South', 'East', 'West']);
    let t: number;
    if (opts.linear) {
      t = -0.5 - 0.03 * tenure - 0.05 * logins + 0.01 * seats + 0.004 * (fee ?? 100) + (contract === 'Monthly' ? 0.6 : 0);
    } else {
      t = -1.6;
      if (contract === 'Monthly' && logins < 6) t += 2.6; // few logins only matter month to month
      if (plan === 'Basic' && seats > 25) t += 2.2; // a small plan outgrown
      if (tenure < 6 || tenure > 60) t += 1.1; // new clients and long-standing ones
      if (fee !== null && fee > 150 && contract !== 'Two-year') t += 0.9;
    }
    rows.push({ id: `${opts.prefix ?? 'c'}${i}`, tenure, logins, seats, fee, plan, contract, region, churned: u() < 1 / (1 + Math.exp(-t)) ? 'Yes' : 'No' });
  }
  return rows;
}

export function crmCsv(rows: readonly CrmRow[], opts: { label?: boolean } = {}): string {
  const label = opts.label !== false;
  const head = ['id', ...CRM_FEATURES, ...(label ? ['churned'] : [])].join(',');
  const body = rows.map((r) => [r.id, r.tenure, r.logins, r.seats, r.fee ?? '', r.plan, r.contract, r.region ?? '', ...(label ? [r.churned] : [])].join(','));
  return [head, ...body].join('\n') + '\n';
}

/** Config keys for a workspace over this table (makeWorkspace's extra config). */
export function crmConfig(model: Record<string, unknown> = {}): Record<string, unknown> {
  return { features: [...CRM_FEATURES], feature_types: CRM_TYPES, target_column: 'churned', id_column: 'id', target_positive: 'Yes', target_negative: 'No', model };
}
