import { MODEL_FORMAT_2, type GbdtDocument2, type GbdtDocumentTree, type ModelFeature } from '../../../src/contracts/model-document.ts';
import { rng } from '../../helpers/random.ts';

// Seeded gbdt documents and rows for the SQL export's tests: trees of random shape (31 leaves),
// chains 30 levels deep, splits on numbers (thresholds that rows hit exactly, ±Infinity, NaN) and
// on categories ("(other)" among one feature's categories, texts SQL must quote), both missing
// directions; rows with NULL, '' and blank cells and categories the model never saw.

export const FEATURES: ModelFeature[] = [
  { name: 'spend', type: 'number' },
  { name: 'seats', type: 'count' },
  /** Numbers held as text in the tables: blank cells, and PostgreSQL's text → double. */
  { name: 'usage text', type: 'number' },
  { name: 'plan', type: 'category', categories: ['basic', 'enterprise', "it's", 'pro', null] },
  { name: 'region', type: 'category', categories: ['(other)', '; DROP TABLE x; --', 'East', 'North', 'émigré'] },
];

/** The values a numeric feature takes in the rows; thresholds are drawn from them too, so ties occur. */
function pools(seed: number): number[][] {
  const r = rng(seed);
  const spend = Array.from({ length: 40 }, () => (r() - 0.3) * 1000 * r());
  spend.push(0, -0.1, 0.1 + 0.2, 1e300, -1e300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE);
  const seats = Array.from({ length: 30 }, (_, i) => i);
  const usage = Array.from({ length: 40 }, () => r() * r());
  return [spend, seats, usage];
}

const texts = (j: number) => (FEATURES[j].categories ?? []).filter((c): c is string => c !== null);

/**
 * A split on a random feature: a threshold from the pool (or between two values; now and then the
 * largest double, as the kernel writes "every value left", or with `nonFinite` ±Infinity or NaN,
 * which an in-memory document can hold but JSON cannot), or a random set of texts.
 */
function split(r: () => number, pool: number[][], nonFinite: boolean): { feature: number; threshold: number; categories: string[] | null; missingLeft: boolean } {
  const feature = Math.floor(r() * FEATURES.length);
  const missingLeft = r() < 0.5;
  if (FEATURES[feature].type === 'category') {
    const left = texts(feature).filter(() => r() < 0.5);
    return { feature, threshold: 0, categories: left, missingLeft };
  }
  const p = pool[feature];
  const u = r();
  const a = p[Math.floor(r() * p.length)];
  const edge = nonFinite ? [Number.NaN, Infinity, -Infinity] : [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_VALUE];
  const threshold = u < 0.09 ? edge[Math.floor(u / 0.03)] : u < 0.6 ? a : a / 2 + p[Math.floor(r() * p.length)] / 2;
  return { feature, threshold, categories: null, missingLeft };
}

/** A tree of `leaves` leaves: a random leaf split until there are enough (shape: random; or a chain when `chain`). */
export function randomTree(r: () => number, pool: number[][], leaves: number, chain: boolean, nonFinite: boolean): GbdtDocumentTree {
  const t: GbdtDocumentTree = { feature: [-1], threshold: [0], categories: [null], missingLeft: [false], left: [-1], right: [-1], value: [0], cover: [1000] };
  let open = [0];
  for (let n = 1; n < leaves; n++) {
    const at = chain ? open[open.length - 1] : open[Math.floor(r() * open.length)];
    const s = split(r, pool, nonFinite);
    const l = t.feature.length;
    t.feature[at] = s.feature;
    t.threshold[at] = s.threshold;
    t.categories[at] = s.categories;
    t.missingLeft[at] = s.missingLeft;
    t.left[at] = l;
    t.right[at] = l + 1;
    for (const k of [l, l + 1]) {
      t.feature.push(-1);
      t.threshold.push(0);
      t.categories.push(null);
      t.missingLeft.push(false);
      t.left.push(-1);
      t.right.push(-1);
      t.value.push(0);
      t.cover.push(t.cover[at] / 2);
    }
    // A chain goes on down one child, left or right at random: 30 levels for 31 leaves.
    open = chain ? [r() < 0.5 ? l : l + 1] : [...open.filter((o) => o !== at), l, l + 1];
  }
  for (let i = 0; i < t.feature.length; i++) if (t.feature[i] < 0) t.value[i] = (r() - 0.5) * 0.6 * (1 + r() * 1e-3);
  return t;
}

export function randomDocument(seed: number, trees: number, opts: { leaves?: number; chain?: boolean; nonFinite?: boolean } = {}): GbdtDocument2 {
  const r = rng(seed);
  const pool = pools(seed);
  return {
    format: MODEL_FORMAT_2,
    family: 'gbdt',
    version: `v${seed}`,
    createdAt: '2026-12-07T00:00:00.000Z',
    datasetHash: 'sha256:test',
    features: FEATURES,
    target: 'churned',
    idColumn: 'client id',
    threshold: 0.5,
    gbdt: {
      baseScore: -1.0986122886681098 + r() * 1e-3,
      trees: Array.from({ length: trees }, () => randomTree(r, pool, opts.leaves ?? 31, opts.chain ?? false, opts.nonFinite ?? false)),
      importance: { gain: {}, splits: {} },
    },
    hyperParameters: { learningRate: 0.1, maxLeaves: 31, minSamplesLeaf: 20, l2: 0, maxBins: 255, maxIter: trees, earlyStopping: false },
    training: { rows: 1000, positives: 250, iterations: trees, ms: 1 },
  };
}

/** A row as a table holds it: numbers, texts, null, and '' or blank cells (missing as well). */
export type Cell = number | string | null;
export interface Row {
  id: string;
  cells: Cell[];
}

const BLANKS = [null, '', '  ', '\t', '\u00a0', ' \r\n'];
const UNSEEN = ['zzz', 'BASIC', 'Basic', 'west', '(missing)', "O'Brien"];

export function randomRows(seed: number, n: number): Row[] {
  const r = rng(seed + 1);
  const pool = pools(seed);
  return Array.from({ length: n }, (_, i) => {
    const cells: Cell[] = FEATURES.map((f, j) => {
      const u = r();
      if (u < 0.1) return j === 2 || f.type === 'category' ? BLANKS[Math.floor(r() * BLANKS.length)] : null;
      if (f.type === 'category') {
        if (u < 0.2) return UNSEEN[Math.floor(r() * UNSEEN.length)];
        const t = texts(j);
        const text = t[Math.floor(r() * t.length)];
        return u < 0.25 ? ` ${text}\t\u00a0` : text; // surrounding blanks are trimmed
      }
      const v = pool[j][Math.floor(r() * pool[j].length)];
      return j === 2 ? String(v) : v;
    });
    return { id: `c${i}`, cells };
  });
}
