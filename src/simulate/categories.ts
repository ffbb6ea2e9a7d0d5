import type { Random } from '../util/random.js';

/**
 * The text columns of the demo's clients (`simulate --profile crm`, what `npm start` plays): what
 * a CRM export holds beside the activity counts. Each category has a weight (how common it is)
 * and an effect on the log-odds of leaving in the hidden truth — monthly contracts, electronic
 * checks, a Basic plan and some industries leave more; two-year contracts, the public sector and
 * Premium plans less. Plan and contract depend on company size (big clients buy Premium and sign
 * longer), so when the companies grow (scenario covariate) the mix of those categories moves too.
 */

export const CATEGORY_COLUMNS = ['industry', 'region', 'plan', 'contract_type', 'payment_method'] as const;
export type CategoryColumn = (typeof CATEGORY_COLUMNS)[number];
export type ClientCategories = Record<CategoryColumn, string>;

/**
 * The mix of categories in a month: `base` is the world the history comes from; `expansion` is
 * the company opening a region it never served (NEW_REGION, 15% of the month's clients) while
 * more clients sign monthly contracts and pay by electronic check.
 */
export type CategoryMix = 'base' | 'expansion';

/** The region the training data never had: the expansion's. */
export const NEW_REGION = 'Overseas';

interface Level {
  name: string;
  weight: number;
  effect: number;
}

const INDUSTRY: Level[] = [
  { name: 'Manufacturing', weight: 0.2, effect: 0 },
  { name: 'Retail', weight: 0.18, effect: 0.35 },
  { name: 'Technology', weight: 0.16, effect: 0.15 },
  { name: 'Finance', weight: 0.12, effect: -0.25 },
  { name: 'Healthcare', weight: 0.12, effect: -0.3 },
  { name: 'Logistics', weight: 0.12, effect: 0.2 },
  { name: 'Public sector', weight: 0.1, effect: -0.5 },
];
const REGION: Level[] = [
  { name: 'North', weight: 0.25, effect: 0 },
  { name: 'South', weight: 0.22, effect: 0.15 },
  { name: 'East', weight: 0.2, effect: 0.3 },
  { name: 'West', weight: 0.23, effect: -0.1 },
  { name: 'Central', weight: 0.1, effect: -0.2 },
];
const PLAN: Level[] = [
  { name: 'Basic', weight: 0.4, effect: 0.3 },
  { name: 'Standard', weight: 0.4, effect: 0 },
  { name: 'Premium', weight: 0.2, effect: -0.4 },
];
const CONTRACT: Level[] = [
  { name: 'Monthly', weight: 0.45, effect: 0.9 },
  { name: 'One year', weight: 0.3, effect: 0 },
  { name: 'Two year', weight: 0.25, effect: -0.9 },
];
const PAYMENT: Level[] = [
  { name: 'Bank transfer', weight: 0.35, effect: -0.1 },
  { name: 'Credit card', weight: 0.3, effect: -0.15 },
  { name: 'Invoice', weight: 0.2, effect: 0 },
  { name: 'Electronic check', weight: 0.15, effect: 0.6 },
];

/** The expansion's clients: technology and logistics firms more often than the history's. */
const EXPANSION_INDUSTRY: Record<string, number> = { Technology: 3, Logistics: 2 };

/** The new region's clients leave a little more than average (nobody knows them yet). */
const NEW_REGION_EFFECT = 0.2;

/**
 * The mean of the category effects over the base world's clients (measured once on 200,000 draws
 * of the base world): subtracted, so the categories move who leaves, not how many.
 */
const MEAN_EFFECT = 0.0336;

function pick(rng: Random, levels: Level[], weight: (l: Level) => number = (l) => l.weight): Level {
  let total = 0;
  for (const l of levels) total += weight(l);
  let r = rng.next() * total;
  for (const l of levels) {
    r -= weight(l);
    if (r < 0) return l;
  }
  return levels[levels.length - 1];
}

/** A client's categories (drawn in a fixed order) and their summed effect on the log-odds of leaving. */
export function drawCategories(rng: Random, employees: number, mix: CategoryMix): { values: ClientCategories; effect: number } {
  const big = employees > 100;
  const expansion = mix === 'expansion';
  const industry = pick(rng, INDUSTRY, (l) => l.weight * (expansion ? (EXPANSION_INDUSTRY[l.name] ?? 1) : 1));
  const region: Level = expansion && rng.next() < 0.15 ? { name: NEW_REGION, weight: 0, effect: NEW_REGION_EFFECT } : pick(rng, REGION);
  const plan = pick(rng, PLAN, (l) => l.weight * (big ? { Basic: 0.15, Standard: 1, Premium: 7 }[l.name]! : 1));
  const contract = pick(rng, CONTRACT, (l) => l.weight * (big ? { Monthly: 0.15, 'One year': 1, 'Two year': 6 }[l.name]! : 1) * (expansion && l.name === 'Monthly' ? 2 : 1));
  const payment = pick(rng, PAYMENT, (l) => l.weight * (expansion && l.name === 'Electronic check' ? 2.5 : 1));
  return {
    values: { industry: industry.name, region: region.name, plan: plan.name, contract_type: contract.name, payment_method: payment.name },
    effect: industry.effect + region.effect + plan.effect + contract.effect + payment.effect - MEAN_EFFECT,
  };
}
