import type { FeatureBins } from './binning.js';
import { subtractHistogram } from './histogram.js';
import type { FitThreads } from './histogram-threads.js';
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

/** −G/(H + l2), sklearn's compute_node_value (its 1e-15 guards H + l2 = 0). */
function leafValue(s: NodeSums, r: GrowRules): number {
  return (-r.learningRate * s.g) / (s.h + r.l2 + 1e-15);
}

/**
 * Grows one tree leaf-wise (LightGBM's best-first order): the leaf whose best split lowers the loss
 * most is split next, until maxLeaves leaves or no leaf has a split meeting the rules. Each leaf
 * owns a contiguous run of `scratch.rows`; a split partitions the run stably (rows stay ascending,
 * so column reads stay sequential). Only the smaller child's histogram is built from its rows; the
 * larger one is the parent's minus it. Reads the gradient pairs in `fit.arrays.gh`; at the end
 * adds each leaf's value to the scores `fit.arrays.raw` of its rows and sets their gradient pairs
 * for the next tree.
 */
export function growTree(featureBins: readonly FeatureBins[], rules: GrowRules, fit: FitThreads): BinTree {
  const n = fit.arrays.n;
  fit.resetRows();
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

  const rootSums = { ...fit.rootSums(), count: n };
  const root: Leaf = { node: addNode(rootSums), start: 0, end: n, sums: rootSums, hist: null, split: null };
  const open: Leaf[] = [];
  const closed: Leaf[] = [];
  if (rules.maxLeaves > 1 && splittable(rootSums)) {
    root.hist = fit.take();
    fit.build(root.hist, 0, n, true);
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
    const goLeft = s.goLeft;
    const l = fit.partition(leaf.start, leaf.end, s.feature, goLeft);
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
      small.hist = fit.take();
      fit.build(small.hist, small.start, small.end, false);
      subtractHistogram(leaf.hist!, small.hist);
      large.hist = leaf.hist;
      for (const c of [left, right]) {
        if (splittable(c.sums)) c.split = bestSplit(c.hist!, c.sums, featureBins, rules);
      }
    } else {
      fit.give(leaf.hist);
    }
    for (const c of [left, right]) {
      if (c.split) open.push(c);
      else {
        fit.give(c.hist);
        c.hist = null;
        closed.push(c);
      }
    }
  }
  for (const leaf of open) {
    fit.give(leaf.hist);
    closed.push(leaf);
  }
  fit.applyLeaves(closed.map((leaf) => [leaf.start, leaf.end, tree.value[leaf.node]] as const));
  return tree;
}
