import type { FeatureBins } from './binning.js';
import { subtractHistogram } from './histogram.js';
import type { HistogramBuilder } from './histogram-threads.js';
import { bestSplit, type NodeSums, type Split, type SplitRules } from './split.js';

/** A tree in bin space, as grown: the boosting loop turns it into a GbdtTree with real thresholds. */
export interface BinTree {
  feature: number[];
  /** Per split node: goLeft[bin] (the missing bin included); null at a leaf. */
  goLeft: (Uint8Array | null)[];
  /** Per split node the numeric bin of its threshold (−1 categorical / leaf). */
  bin: number[];
  missingLeft: boolean[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
  gain: number[];
}

export interface GrowRules extends SplitRules {
  maxLeaves: number;
  learningRate: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  sums: NodeSums;
  hist: Float64Array | null;
  split: Split | null;
}

/** Buffers reused by every tree of one fit (n = training rows, p = features). */
export class GrowScratch {
  readonly tmp: Int32Array;
  constructor(readonly histograms: HistogramBuilder) {
    this.tmp = new Int32Array(histograms.n);
  }
}

/** −G/(H + l2), sklearn's compute_node_value (its 1e-15 guards H + l2 = 0). */
function leafValue(s: NodeSums, r: GrowRules): number {
  return (-r.learningRate * s.g) / (s.h + r.l2 + 1e-15);
}

/**
 * Grows one tree leaf-wise (LightGBM's best-first order): the leaf whose best split lowers the loss
 * most is split next, until maxLeaves leaves or no leaf has a split meeting the rules. Each leaf
 * owns a contiguous run of `scratch.rows`; a split partitions the run stably (rows stay ascending,
 * so column reads stay sequential). Only the smaller child's histogram is built from its rows; the
 * larger one is the parent's minus it. Adds each leaf's value to `raw` for its rows.
 */
export function growTree(
  bins: Uint8Array,
  featureBins: readonly FeatureBins[],
  grad: Float64Array,
  hess: Float64Array,
  raw: Float64Array,
  rules: GrowRules,
  scratch: GrowScratch,
): BinTree {
  const { tmp, histograms } = scratch;
  const { n, rows } = histograms;
  for (let i = 0; i < n; i++) rows[i] = i;
  const tree: BinTree = { feature: [], goLeft: [], bin: [], missingLeft: [], left: [], right: [], value: [], cover: [], gain: [] };
  const addNode = (sums: NodeSums): number => {
    tree.feature.push(-1);
    tree.goLeft.push(null);
    tree.bin.push(-1);
    tree.missingLeft.push(false);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(leafValue(sums, rules));
    tree.cover.push(sums.count);
    tree.gain.push(0);
    return tree.feature.length - 1;
  };
  const splittable = (s: NodeSums) => s.count >= 2 * rules.minSamplesLeaf && s.h >= 2 * rules.minHessianLeaf;

  let g = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    g += grad[i];
    h += hess[i];
  }
  const rootSums = { g, h, count: n };
  const root: Leaf = { node: addNode(rootSums), start: 0, end: n, sums: rootSums, hist: null, split: null };
  const open: Leaf[] = [];
  const closed: Leaf[] = [];
  if (rules.maxLeaves > 1 && splittable(rootSums)) {
    root.hist = histograms.take();
    histograms.build(root.hist, 0, n, grad, hess, true);
    root.split = bestSplit(root.hist, rootSums, featureBins, rules);
  }
  (root.split ? open : closed).push(root);
  let leaves = 1;

  while (open.length > 0 && leaves < rules.maxLeaves) {
    let k = 0;
    for (let i = 1; i < open.length; i++) if (open[i].split!.gain > open[k].split!.gain) k = i;
    const leaf = open[k];
    open.splice(k, 1);
    const s = leaf.split!;
    // Partition the leaf's rows: left ones stay in place (in order), right ones go through tmp.
    const col = s.feature * n;
    const goLeft = s.goLeft;
    // Branch-free: each row is written to both places and only one cursor moves (the side is a
    // coin flip to the branch predictor).
    let l = leaf.start;
    let t = 0;
    for (let i = leaf.start; i < leaf.end; i++) {
      const r = rows[i];
      const go = goLeft[bins[col + r]];
      rows[l] = r;
      tmp[t] = r;
      l += go;
      t += 1 - go;
    }
    rows.set(tmp.subarray(0, t), l);
    const leftSums = { g: s.leftG, h: s.leftH, count: l - leaf.start };
    const rightSums = { g: leaf.sums.g - s.leftG, h: leaf.sums.h - s.leftH, count: leaf.end - l };
    const node = leaf.node;
    tree.feature[node] = s.feature;
    tree.goLeft[node] = goLeft;
    tree.bin[node] = s.bin;
    tree.missingLeft[node] = s.missingLeft;
    tree.gain[node] = s.gain;
    const left: Leaf = { node: addNode(leftSums), start: leaf.start, end: l, sums: leftSums, hist: null, split: null };
    const right: Leaf = { node: addNode(rightSums), start: l, end: leaf.end, sums: rightSums, hist: null, split: null };
    tree.left[node] = left.node;
    tree.right[node] = right.node;
    leaves++;

    const mayGrow = leaves < rules.maxLeaves && (splittable(leftSums) || splittable(rightSums));
    if (mayGrow) {
      const [small, large] = left.sums.count <= right.sums.count ? [left, right] : [right, left];
      small.hist = histograms.take();
      histograms.build(small.hist, small.start, small.end, grad, hess, false);
      subtractHistogram(leaf.hist!, small.hist);
      large.hist = leaf.hist;
      for (const c of [left, right]) {
        if (splittable(c.sums)) c.split = bestSplit(c.hist!, c.sums, featureBins, rules);
      }
    } else {
      histograms.give(leaf.hist);
    }
    for (const c of [left, right]) {
      if (c.split) open.push(c);
      else {
        histograms.give(c.hist);
        c.hist = null;
        closed.push(c);
      }
    }
  }
  for (const leaf of open) {
    histograms.give(leaf.hist);
    closed.push(leaf);
  }
  for (const leaf of closed) {
    const v = tree.value[leaf.node];
    for (let i = leaf.start; i < leaf.end; i++) raw[rows[i]] += v;
  }
  return tree;
}
