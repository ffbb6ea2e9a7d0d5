import { BINS_PER_FEATURE, MISSING_BIN, type FeatureBins } from './binning.js';
import { HIST_STRIDE } from './histogram.js';

/** What the split search needs of the settings. */
export interface SplitRules {
  minSamplesLeaf: number;
  minHessianLeaf: number;
  l2: number;
  catSmooth: number;
  minCatSupport: number;
  maxCatThreshold: number;
}

/** A node's best split; `goLeft[bin]` = 1 for the bins (missing bin included) sent left. */
export interface Split {
  feature: number;
  gain: number;
  /** Numeric: the last value bin on the left (count − 1 with missing alone on the right); −1 for a categorical split. */
  bin: number;
  missingLeft: boolean;
  goLeft: Uint8Array;
  leftG: number;
  leftH: number;
  leftCount: number;
}

/** Sums of a node. */
export interface NodeSums {
  g: number;
  h: number;
  count: number;
}

/**
 * Loss reduction of a split, Σ G²/(H + l2) over the children minus the parent's (no ½, as LightGBM
 * and sklearn write it; importance gains are in these units).
 */
function score(g: number, h: number, l2: number): number {
  return (g * g) / (h + l2);
}

/** The best split of a node over all features; null when none meets the rules with a positive gain. */
export function bestSplit(hist: Float64Array, sums: NodeSums, bins: readonly FeatureBins[], rules: SplitRules): Split | null {
  let best: Split | null = null;
  const parent = score(sums.g, sums.h, rules.l2);
  for (let f = 0; f < bins.length; f++) {
    const s = bins[f].categorical ? categoricalSplit(hist, f, sums, parent, bins[f], rules) : numericSplit(hist, f, sums, parent, bins[f], rules);
    if (s !== null && (best === null || s.gain > best.gain)) best = s;
  }
  return best;
}

/**
 * Numeric feature: every threshold between value bins, once with the missing rows on the right and
 * (when the node has any) once with them on the left — sklearn's left-to-right and right-to-left
 * scans. With missing rows present the split "every value left, missing right" is tried too. When
 * the node had no missing rows they are sent to the child with more rows, as sklearn does.
 */
export function numericSplit(hist: Float64Array, f: number, sums: NodeSums, parent: number, fb: FeatureBins, r: SplitRules): Split | null {
  const o = f * HIST_STRIDE;
  const nb = fb.count;
  const mo = o + MISSING_BIN * 3;
  const mg = hist[mo];
  const mh = hist[mo + 1];
  const mc = hist[mo + 2];
  const hasMissing = mc > 0;
  let bestGain = 0;
  let bestBin = -1;
  let bestMissingLeft = false;
  let bestG = 0;
  let bestH = 0;
  let bestC = 0;
  for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
    const missingLeft = pass === 1;
    let gl = missingLeft ? mg : 0;
    let hl = missingLeft ? mh : 0;
    let cl = missingLeft ? mc : 0;
    const last = missingLeft ? nb - 2 : hasMissing ? nb - 1 : nb - 2;
    for (let b = 0; b <= last; b++) {
      const s = o + b * 3;
      gl += hist[s];
      hl += hist[s + 1];
      cl += hist[s + 2];
      if (cl < r.minSamplesLeaf || hl < r.minHessianLeaf) continue;
      const cr = sums.count - cl;
      const hr = sums.h - hl;
      if (cr < r.minSamplesLeaf || hr < r.minHessianLeaf) break;
      const gain = score(gl, hl, r.l2) + score(sums.g - gl, hr, r.l2) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        bestBin = b;
        bestMissingLeft = missingLeft;
        bestG = gl;
        bestH = hl;
        bestC = cl;
      }
    }
  }
  if (bestBin < 0) return null;
  const goLeft = new Uint8Array(BINS_PER_FEATURE);
  goLeft.fill(1, 0, bestBin + 1);
  const missingLeft = hasMissing ? bestMissingLeft : bestC > sums.count - bestC;
  goLeft[MISSING_BIN] = missingLeft ? 1 : 0;
  return { feature: f, gain: bestGain, bin: bestBin, missingLeft, goLeft, leftG: bestG, leftH: bestH, leftCount: bestC };
}

/**
 * Categorical feature, the way LightGBM and sklearn 1.2 search it: the categories with at least
 * minCatSupport rows at the node (missing counts as one more category) are sorted by
 * G/(H + catSmooth), and the best left set is a run from either end of that order, at most
 * maxCatThreshold long. With catSmooth 0 this order makes the search exact (the best of every
 * two-way partition; Fisher 1958, Breiman et al. 1984) — the tests check it against brute force.
 * Categories left out for lack of rows go right; missing rows with no support of their own, too,
 * and missing (never seen at this node) goes to the child with more rows.
 */
export function categoricalSplit(hist: Float64Array, f: number, sums: NodeSums, parent: number, fb: FeatureBins, r: SplitRules): Split | null {
  const o = f * HIST_STRIDE;
  // Support is the hessian scaled to rows (sklearn's support_factor = rows / H at the node).
  const support = sums.count / sums.h;
  const used: number[] = [];
  const supported = (b: number) => hist[o + b * 3 + 2] > 0 && hist[o + b * 3 + 1] * support >= r.minCatSupport;
  for (let b = 0; b < fb.count; b++) if (supported(b)) used.push(b);
  const mc = hist[o + MISSING_BIN * 3 + 2];
  if (supported(MISSING_BIN)) used.push(MISSING_BIN);
  if (used.length < 2) return null;
  const ratio = (b: number) => hist[o + b * 3] / (hist[o + b * 3 + 1] + r.catSmooth);
  // Ties keep bin order (Array.prototype.sort is stable): the result does not depend on the engine.
  used.sort((a, b) => ratio(a) - ratio(b));
  // Left to right up to the middle, right to left to one short of it (a partition is tried once).
  const half = Math.floor((used.length + 1) / 2);
  let bestGain = 0;
  let bestLen = 0;
  let bestDir = 0;
  let bestG = 0;
  let bestH = 0;
  let bestC = 0;
  for (const dir of [1, -1]) {
    const maxLeft = Math.min(r.maxCatThreshold, dir === 1 ? half : half - 1);
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let i = 0; i < maxLeft; i++) {
      const b = used[dir === 1 ? i : used.length - 1 - i];
      const s = o + b * 3;
      gl += hist[s];
      hl += hist[s + 1];
      cl += hist[s + 2];
      if (cl < r.minSamplesLeaf || hl < r.minHessianLeaf) continue;
      const cr = sums.count - cl;
      const hr = sums.h - hl;
      if (cr < r.minSamplesLeaf || hr < r.minHessianLeaf) break;
      const gain = score(gl, hl, r.l2) + score(sums.g - gl, hr, r.l2) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        bestLen = i + 1;
        bestDir = dir;
        bestG = gl;
        bestH = hl;
        bestC = cl;
      }
    }
  }
  if (bestLen === 0) return null;
  const goLeft = new Uint8Array(BINS_PER_FEATURE);
  for (let i = 0; i < bestLen; i++) goLeft[used[bestDir === 1 ? i : used.length - 1 - i]] = 1;
  if (mc === 0) goLeft[MISSING_BIN] = bestC > sums.count - bestC ? 1 : 0;
  return { feature: f, gain: bestGain, bin: -1, missingLeft: goLeft[MISSING_BIN] === 1, goLeft, leftG: bestG, leftH: bestH, leftCount: bestC };
}
