import { Random } from '../../util/random.js';
import { binRows, categoryBin, fitBins, MISSING_BIN, type FeatureBins } from './binning.js';
import { growTree, type BinTree } from './grow.js';
import { FitThreads } from './histogram-threads.js';
import { DEFAULT_GBDT_PARAMS, type GbdtInput, type GbdtModel, type GbdtParams, type GbdtTree } from './types.js';

/** Early stopping under "auto" needs more rows than this (sklearn's rule). */
export const AUTO_EARLY_STOPPING_ROWS = 10_000;

/**
 * Fits gradient-boosted trees for binary log loss (issue 16 item 2): the loop of scikit-learn's
 * HistGradientBoostingClassifier and LightGBM. Start from the log-odds of the positive rate; each
 * iteration fits one tree to the gradients g = p − y and hessians h = p(1 − p) of the current
 * predictions (Newton steps, leaf value −G/(H + l2) times the learning rate). No randomness beyond
 * the seeded validation split and binning sample: the same input and params give the same model.
 */
export function fitGbdt(input: GbdtInput, options: Partial<GbdtParams> = {}): GbdtModel {
  const params: GbdtParams = { ...DEFAULT_GBDT_PARAMS, ...options };
  const { columns, categorical, y } = input;
  checkInput(input, params);
  const n = y.length;
  const early = params.earlyStopping === 'auto' ? n > AUTO_EARLY_STOPPING_ROWS : params.earlyStopping;
  const { train, validation } = early ? stratifiedSplit(y, params.validationFraction, params.seed) : { train: identity(n), validation: new Int32Array(0) };
  const nt = train.length;
  const yt = new Uint8Array(nt);
  let positives = 0;
  for (let i = 0; i < nt; i++) positives += yt[i] = y[train[i]];
  if (positives === 0 || positives === nt) throw new RangeError('the training rows hold one class only: gradient boosting needs both');

  const featureBins = fitBins(columns, categorical, train, params.maxBins, params.seed);
  const fit = new FitThreads(nt, columns.length, params.maxLeaves + 2, params.maxLeaves, params.threads, (out) => binRows(columns, featureBins, train, out));
  const baseScore = Math.log(positives / (nt - positives));
  fit.arrays.raw.fill(baseScore);
  fit.arrays.y.set(yt);
  fit.gradients();

  const nv = validation.length;
  const valBins = binRows(columns, featureBins, validation);
  const valRaw = new Float64Array(nv).fill(baseScore);
  const yv = new Uint8Array(nv);
  for (let i = 0; i < nv; i++) yv[i] = y[validation[i]];
  const validationLoss: number[] | null = early ? [logLoss(valRaw, yv)] : null;

  const binTrees: BinTree[] = [];
  const fittedScores = new Float64Array(n).fill(Number.NaN);
  try {
    for (let iter = 0; iter < params.maxIter; iter++) {
      const tree = growTree(featureBins, params, fit);
      binTrees.push(tree);
      if (validationLoss) {
        addBinTree(tree, valBins, nv, valRaw);
        validationLoss.push(logLoss(valRaw, yv));
        if (shouldStop(validationLoss, params.nIterNoChange, params.tol)) break;
      }
    }
    const raw = fit.arrays.raw;
    for (let i = 0; i < nt; i++) fittedScores[train[i]] = raw[i];
    for (let j = 0; j < nv; j++) if (knownCategories(columns, featureBins, validation[j])) fittedScores[validation[j]] = valRaw[j];
  } finally {
    fit.close();
  }

  const importance = { gain: new Array<number>(columns.length).fill(0), splits: new Array<number>(columns.length).fill(0) };
  for (const t of binTrees) {
    t.feature.forEach((f, i) => {
      if (f < 0) return;
      importance.gain[f] += t.gain[i];
      importance.splits[f] += 1;
    });
  }
  return {
    baseScore,
    trees: binTrees.map((t) => realTree(t, featureBins)),
    importance,
    knownCategories: featureBins.map((fb) => (fb.seen ? Array.from(fb.seen.keys()).filter((c) => fb.seen![c] === 1) : null)),
    validationLoss,
    trainingRows: nt,
    fittedScores,
  };
}

function checkInput(input: GbdtInput, p: GbdtParams): void {
  const n = input.y.length;
  if (input.categorical.length !== input.columns.length) throw new RangeError(`${input.columns.length} columns but ${input.categorical.length} categorical flags`);
  input.columns.forEach((c, f) => {
    if (c.length !== n) throw new RangeError(`feature ${f} has ${c.length} values for ${n} labels`);
  });
  for (let i = 0; i < n; i++) if (input.y[i] > 1) throw new RangeError(`label ${input.y[i]} at row ${i}: labels are 0 or 1`);
  if (!(p.maxBins >= 2 && p.maxBins <= 255 && Number.isInteger(p.maxBins))) throw new RangeError(`maxBins ${p.maxBins}: an integer from 2 to 255`);
  if (!(p.maxLeaves >= 1 && Number.isInteger(p.maxLeaves))) throw new RangeError(`maxLeaves ${p.maxLeaves}: an integer ≥ 1`);
  if (!(p.maxIter >= 0 && Number.isInteger(p.maxIter))) throw new RangeError(`maxIter ${p.maxIter}: an integer ≥ 0`);
  if (!(p.learningRate > 0)) throw new RangeError(`learningRate ${p.learningRate}: must be > 0`);
  if (!(p.l2 >= 0)) throw new RangeError(`l2 ${p.l2}: must be ≥ 0`);
  if (!(p.minSamplesLeaf >= 1)) throw new RangeError(`minSamplesLeaf ${p.minSamplesLeaf}: must be ≥ 1`);
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/**
 * Holds out round(fraction · count) rows of each class, drawn by a seeded shuffle; both parts keep
 * the rows' order (sequential reads while binning).
 */
export function stratifiedSplit(y: Uint8Array, fraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const rng = new Random(seed);
  const held = new Uint8Array(y.length);
  const counts = [0, 0];
  for (let i = 0; i < y.length; i++) if (y[i] <= 1) counts[y[i]]++;
  for (const cls of [0, 1]) {
    const idx = new Int32Array(counts[cls]);
    let m = 0;
    for (let i = 0; i < y.length; i++) if (y[i] === cls) idx[m++] = i;
    const k = Math.round(fraction * idx.length);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(idx.length - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      held[idx[i]] = 1;
    }
  }
  let nv = 0;
  for (let i = 0; i < y.length; i++) nv += held[i];
  const train = new Int32Array(y.length - nv);
  const validation = new Int32Array(nv);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (held[i]) validation[b++] = i;
    else train[a++] = i;
  }
  return { train, validation };
}

/** Mean log loss of raw scores: log(1 + e^−s) for a positive, log(1 + e^s) for a negative. */
export function logLoss(raw: Float64Array, y: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < raw.length; i++) {
    const s = y[i] === 1 ? -raw[i] : raw[i];
    sum += s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
  }
  return raw.length === 0 ? 0 : sum / raw.length;
}

/**
 * sklearn's _should_stop: stop when none of the last n losses is below the loss n + 1 iterations
 * back by more than tol. The trees fitted meanwhile are kept, as sklearn keeps them.
 */
export function shouldStop(losses: readonly number[], n: number, tol: number): boolean {
  if (losses.length < n + 1) return false;
  const reference = losses[losses.length - n - 1] - tol;
  for (let i = losses.length - n; i < losses.length; i++) if (losses[i] < reference) return false;
  return true;
}

/** Whether every category code of row `r` is one the training rows had (or missing). */
function knownCategories(columns: readonly Float64Array[], fb: readonly FeatureBins[], r: number): boolean {
  for (let f = 0; f < fb.length; f++) {
    const seen = fb[f].seen;
    if (!seen) continue;
    const v = columns[f][r];
    if (v === v && categoryBin(v, seen) === MISSING_BIN) return false;
  }
  return true;
}

/** Adds a bin-space tree's leaf values to raw scores of binned rows (the validation rows). */
function addBinTree(t: BinTree, bins: Uint8Array, n: number, raw: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let node = 0;
    while (t.feature[node] >= 0) node = t.goLeft[node]![bins[t.feature[node] * n + i]] === 1 ? t.left[node] : t.right[node];
    raw[i] += t.value[node];
  }
}

/**
 * The tree in the document's terms: a numeric split's threshold is its bin's upper edge (the
 * largest finite double when every value goes left and only missing goes right); a categorical
 * split lists the codes that go left.
 */
function realTree(t: BinTree, fb: readonly FeatureBins[]): GbdtTree {
  return {
    feature: t.feature.slice(),
    threshold: t.feature.map((f, i) => {
      if (f < 0 || fb[f].categorical) return 0;
      const th = fb[f].thresholds;
      return t.bin[i] < th.length ? th[t.bin[i]] : Number.MAX_VALUE;
    }),
    categories: t.feature.map((f, i) => {
      if (f < 0 || !fb[f].categorical) return null;
      const out: number[] = [];
      for (let c = 0; c < fb[f].count; c++) if (t.goLeft[i]![c] === 1) out.push(c);
      return out;
    }),
    missingLeft: t.missingLeft.slice(),
    left: t.left.slice(),
    right: t.right.slice(),
    value: t.value.slice(),
    cover: t.cover.slice(),
  };
}
