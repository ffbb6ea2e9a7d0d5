import type { ClientReasons, Reason } from '../contracts/api.js';
import type { ModelFeature } from '../contracts/model-document.js';
import type { StayerFeature, StayerProfile } from '../stats/stayers.js';
import type { Contributions, FeatureColumns, FittedModel } from './fitted-model.js';

/**
 * Reason codes (issue 17 item 2): a client's contributions (docs/model.md, "Contributions") said in
 * words a client manager can repeat on the phone — the features that pushed its risk up most, each
 * with its value beside what clients who stayed typically have, and the strongest one keeping it.
 */

export type { ClientReasons, Reason } from '../contracts/api.js';

/** How one feature compares with the training rows that stayed (for `riskwatch explain`'s table). */
export interface FeatureComparison extends Reason {
  label: string;
  /** Stayers' mean (numbers, counts) or the share of stayers with this category / missing; null: not recorded. */
  stayers: { mean: number | null } | { share: number } | null;
}

export interface ReasonOptions {
  /** Per feature, the words to call it (config feature_labels). */
  labels?: Readonly<Record<string, string>>;
  /** The training rows that stayed (reference.json `stayers`); without it a text names the value alone. */
  stayers?: StayerProfile;
}

/** "lastyear_activity" → "Lastyear activity", "numberOfEmployees" → "Number of employees". */
export function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (!words.length) return name;
  const s = words.join(' ');
  return s[0].toUpperCase() + s.slice(1);
}

/** Texts kept per feature (ReasonWriter.text); past this many they are let go and kept afresh. */
const MAX_KNOWN_TEXTS = 50_000;

const formats = new Map<number, Intl.NumberFormat>();
/**
 * Made on first use, not when the module loads: the first Intl.NumberFormat costs ~17 ms (ICU's
 * number formatting data) and this module is in the chunk every command loads, most of them
 * (train, score, drift --json) never formatting a reason.
 */
const grouped = (digits: number): Intl.NumberFormat => {
  let f = formats.get(digits);
  if (!f) formats.set(digits, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })));
  return f;
};

/** A number for a person: counts whole, otherwise ≥ 100 whole, ≥ 1 two decimals at most, below 1 three significant digits. */
export function formatValue(v: number, count: boolean): string {
  const a = Math.abs(v);
  if (count || a >= 100) return grouped(0).format(v);
  if (a >= 1 || a === 0) return grouped(2).format(v);
  return String(Number(v.toPrecision(3)));
}

/** A share as a percentage: whole percents, "<1%" for a few, "0%" for none. */
export function formatShare(s: number): string {
  if (s === 0) return '0%';
  if (s < 0.01) return '<1%';
  return `${Math.round(s * 100)}%`;
}

/**
 * Writes reasons for the rows of one model's features: built once per (model, options), then
 * `explain(contributions, data, i, n)` per client, reading values[j][i] across features.
 */
export class ReasonWriter {
  readonly features: readonly string[];
  readonly labels: readonly string[];
  private readonly specs: readonly ModelFeature[];
  private readonly stayers: readonly (StayerFeature | undefined)[];
  /** Per feature, text(j, value) by value: a list of 10,000 clients repeats its values (counts, categories) many times. */
  private readonly texts: Map<number | string, string>[];

  constructor(specs: readonly ModelFeature[], opts: ReasonOptions = {}) {
    this.specs = specs;
    this.features = specs.map((s) => s.name);
    this.labels = specs.map((s) => opts.labels?.[s.name] ?? humanise(s.name));
    this.stayers = specs.map((s) => opts.stayers?.features[s.name]);
    this.texts = specs.map(() => new Map());
  }

  /** Feature j's value in row i of `data`: a number, a category's text (data.levels), or null. */
  value(data: FeatureColumns, j: number, i: number): number | string | null {
    const v = data.x[j][i];
    if (v !== v) return null;
    if (this.specs[j].type !== 'category') return v;
    const text = data.levels?.[j]?.[v];
    return text ?? null;
  }

  /** Feature j with `value` in words. */
  text(j: number, value: number | string | null): string {
    if (value === null) return `${this.labels[j]}: missing`;
    const known = this.texts[j];
    let t = known.get(value);
    if (t === undefined) {
      t = this.write(j, value);
      if (known.size >= MAX_KNOWN_TEXTS) known.clear(); // bounded: values that do not repeat (long-lived servers, new populations)
      known.set(value, t);
    }
    return t;
  }

  private write(j: number, value: number | string): string {
    const label = this.labels[j];
    const st = this.stayers[j];
    if (typeof value === 'string') {
      if (st?.kind !== 'category') return `${label}: ${value}`;
      const share = st.shares[value] ?? 0;
      return share === 0 ? `${label}: ${value} — no client who stays has it` : `${label}: ${value} — ${formatShare(share)} of clients who stay have it`;
    }
    const count = this.specs[j].type === 'count';
    const shown = `${label}: ${formatValue(value, count)}`;
    if (st?.kind !== 'number' || st.mean === null) return shown;
    // A count's mean is not a count: whole from 10 up, one decimal below.
    const mean = count ? (Math.abs(st.mean) >= 10 ? grouped(0).format(st.mean) : grouped(1).format(st.mean)) : formatValue(st.mean, false);
    return `${shown} — clients who stay average ${mean}`;
  }

  private reason(c: Contributions, data: FeatureColumns, j: number, i: number): Reason {
    const value = this.value(data, j, i);
    return { feature: this.features[j], value, contribution: c.values[j][i], text: this.text(j, value) };
  }

  /** Row i's contributions, its top `n` reasons towards leaving and the factor keeping it most. */
  explain(c: Contributions, data: FeatureColumns, i: number, n: number): ClientReasons {
    const contributions: Record<string, number> = {};
    const up: number[] = [];
    let keep = -1;
    this.features.forEach((f, j) => {
      const v = c.values[j][i];
      contributions[f] = v;
      if (v > 0) up.push(j);
      else if (v < 0 && (keep < 0 || v < c.values[keep][i])) keep = j;
    });
    up.sort((a, b) => c.values[b][i] - c.values[a][i] || a - b);
    return {
      contributions,
      reasons: up.slice(0, Math.max(0, n)).map((j) => this.reason(c, data, j, i)),
      keeping: keep < 0 ? null : this.reason(c, data, keep, i),
    };
  }

  /** Every row of `data` explained by `model` (the version these reasons were built for): base and, per row, explain(…, n). */
  explainRows(model: Pick<FittedModel, 'contributions'>, data: FeatureColumns, n: number): { base: number; rows: ClientReasons[] } {
    const c = model.contributions(data);
    const rows = new Array<ClientReasons>(data.rows);
    for (let i = 0; i < data.rows; i++) rows[i] = this.explain(c, data, i, n);
    return { base: c.base, rows };
  }

  /** Every feature of row i against the stayers, in model order (riskwatch explain's table). */
  compare(c: Contributions, data: FeatureColumns, i: number): FeatureComparison[] {
    return this.features.map((_, j) => {
      const r = this.reason(c, data, j, i);
      const st = this.stayers[j];
      let stayers: FeatureComparison['stayers'] = null;
      if (st?.kind === 'number') stayers = r.value === null ? { share: st.missing } : { mean: st.mean };
      else if (st?.kind === 'category') stayers = { share: r.value === null ? st.missing : (st.shares[r.value as string] ?? 0) };
      return { ...r, label: this.labels[j], stayers };
    });
  }
}
