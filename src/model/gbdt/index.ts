/**
 * Gradient-boosted trees for binary log loss (issue 16 item 2): a self-contained numeric kernel.
 * It reads raw columns (NaN = missing, category codes for categorical features) and returns trees
 * as plain arrays; the model interface (src/model/fitted-model.ts) wires it to datasets and the
 * model document.
 */
export { fitGbdt, logLoss, shouldStop, stratifiedSplit, AUTO_EARLY_STOPPING_ROWS } from './boost.js';
export { GbdtPredictor } from './predict.js';
export { DEFAULT_GBDT_PARAMS, type GbdtInput, type GbdtModel, type GbdtParams, type GbdtTree } from './types.js';
