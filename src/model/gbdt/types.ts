/**
 * Shapes of the gradient-boosted trees kernel (issue 16 item 2). The kernel is self-contained: it
 * takes raw columns and labels and returns plain arrays; mapping a dataset's dictionaries and
 * writing the model document are the model interface's job (src/model/fitted-model.ts).
 */

/** Training data as the kernel reads it. */
export interface GbdtInput {
  /** One column per feature, NaN = missing. A categorical column holds integer codes 0..k-1. */
  columns: readonly Float64Array[];
  /** Per feature: true when its values are category codes (split by category sets). */
  categorical: readonly boolean[];
  /** 1 = positive (left), 0 = negative; one entry per row. */
  y: Uint8Array;
}

/**
 * Settings. Defaults are scikit-learn's HistGradientBoostingClassifier (1.2) where the issue does
 * not fix them; LightGBM agrees on every one the issue names (learning rate 0.1, 31 leaves,
 * 20 rows and a hessian of 1e-3 per leaf, L2 0, 255 bins, 100 iterations).
 */
export interface GbdtParams {
  learningRate: number;
  maxLeaves: number;
  /** Fewest training rows in a leaf. */
  minSamplesLeaf: number;
  /** Smallest hessian sum in a leaf (sklearn's min_hessian_to_split, LightGBM's min_sum_hessian_in_leaf). */
  minHessianLeaf: number;
  /** L2 penalty on leaf values: value = −G/(H + l2). sklearn's l2_regularization and LightGBM's lambda_l2 default to 0. */
  l2: number;
  /** Bins for the non-missing values of a feature (≤ 255); missing values have a bin of their own. */
  maxBins: number;
  maxIter: number;
  /** "auto": on when there are more than 10,000 rows (sklearn's rule). */
  earlyStopping: 'auto' | boolean;
  /** Share of the rows held out (stratified, seeded) to decide early stopping. */
  validationFraction: number;
  /** Stop after this many iterations without the validation log loss improving by more than tol. */
  nIterNoChange: number;
  tol: number;
  /** Seeds the validation split and the binning subsample. */
  seed: number;
  /**
   * Categorical splits, as scikit-learn 1.2 does them (its MIN_CAT_SUPPORT used for both, LightGBM's
   * cat_smooth and max_cat_threshold): categories are ordered by G/(H + catSmooth); one whose
   * hessian, scaled to rows (× rows/H at the node), is below minCatSupport is never placed on the
   * left; the left set holds at most maxCatThreshold categories.
   */
  catSmooth: number;
  minCatSupport: number;
  maxCatThreshold: number;
  /**
   * 2: the row work of every node with ≥ 20,000 rows — gradients, histogram, partition, leaf values
   * into scores — is cut in two halves by position, the second done by a helper thread; 1: this
   * thread does both halves. The halves are the same either way, so are the trees.
   */
  threads: number;
}

export const DEFAULT_GBDT_PARAMS: Readonly<GbdtParams> = Object.freeze({
  learningRate: 0.1,
  maxLeaves: 31,
  minSamplesLeaf: 20,
  minHessianLeaf: 1e-3,
  l2: 0,
  maxBins: 255,
  maxIter: 100,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 0,
  catSmooth: 10,
  minCatSupport: 10,
  maxCatThreshold: 32,
  threads: 2,
});

/**
 * One tree as parallel arrays over its nodes (node 0 is the root). A row goes left at a numeric
 * node when its value ≤ threshold, at a categorical node when its code is in `categories`; a
 * missing value (and a category the training rows never had) follows `missingLeft`.
 */
export interface GbdtTree {
  /** Feature index, −1 at a leaf. */
  feature: number[];
  /** Numeric split point (0 at leaves and categorical nodes). */
  threshold: number[];
  /** Categorical node: the codes that go left, ascending; otherwise null. */
  categories: (number[] | null)[];
  missingLeft: boolean[];
  /** Child node indices, −1 at a leaf. */
  left: number[];
  right: number[];
  /** At a leaf its addition to the log-odds (learning rate included); at a split node the value it would have as a leaf. */
  value: number[];
  /** Training rows that reached the node. */
  cover: number[];
}

export interface GbdtModel {
  /** Log-odds of the positive rate of the rows the trees were fitted on. */
  baseScore: number;
  trees: GbdtTree[];
  /** Per feature: the loss reduction its splits brought (sum of G²/(H+l2) gains) and how many splits use it. */
  importance: { gain: number[]; splits: number[] };
  /** Per categorical feature the codes the training rows had (others go the missing way); null for numeric. */
  knownCategories: (number[] | null)[];
  /** Validation log loss after 0, 1, … iterations when early stopping was on, else null. */
  validationLoss: number[] | null;
  /** Rows the trees were fitted on (all rows, or all less the validation share). */
  trainingRows: number;
  /**
   * Per input row, the log-odds the fit summed for it — baseScore, then each tree's leaf value in
   * tree order, as predict sums them. A row reaches the same leaf by its bins as by the thresholds
   * and categories the trees are written with, so these are its predictions (train.ts uses them
   * for the drift reference) — except, possibly, for a validation row with a category code the
   * training rows never had: it goes the missing way here but "(other)"'s way in a document that
   * folded categories. Such rows are NaN.
   */
  fittedScores: Float64Array;
}
