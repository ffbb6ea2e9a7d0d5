import type { Evaluation } from '../contracts/api.js';
import type { Context } from '../context.js';
import { modelFeatureNames, type ModelDocument } from '../contracts/model-document.js';
import { trainingSchema } from '../data/columns.js';
import { readTable } from '../data/read-table.js';
import { loadModel } from '../model/fitted-model.js';
import { computeMetrics } from '../model/metrics.js';
import { artifactsOf } from '../registry/deployment.js';
import { calibration } from '../stats/reference.js';
import { RiskwatchError } from '../util/errors.js';
import { prCurve, rocCurve } from './curves.js';

/**
 * Every model version evaluated on the test data — the metrics trend the dashboard draws
 * (GET /evaluation) — and the production model's ROC / precision-recall curves (≤ 200 points) and
 * calibration there. Versions trained on other features than the production model's get no metrics.
 */
export async function evaluateVersions(ctx: Context, versions: Array<{ version: string; createdAt: string }>, production: ModelDocument | undefined): Promise<Evaluation> {
  const { config } = ctx;
  const features = production ? modelFeatureNames(production) : config.features;
  let table;
  try {
    table = await readTable(config.testDataPath, config.extension, { ...trainingSchema(config), features, requireId: false });
  } catch (err) {
    if (err instanceof RiskwatchError) return { data: null, production: production?.version ?? null, versions: versions.map((v) => ({ ...v, metrics: null })), curves: null, problem: `test data unreadable: ${err.message}` };
    throw err;
  }
  const ds = table.dataset;
  let positives = 0;
  for (let i = 0; i < ds.rows; i++) positives += ds.y[i] === 1 ? 1 : 0;
  const out: Evaluation = { data: { path: 'test data', hash: table.hash, rows: ds.rows, positives }, production: production?.version ?? null, versions: [], curves: null, calibration: null };
  for (const v of versions) {
    let doc: ModelDocument;
    try {
      doc = await artifactsOf(ctx).loadModel(v.version);
    } catch {
      out.versions.push({ ...v, metrics: null });
      continue;
    }
    // A version trained on other features than the test data was read with cannot be scored on it.
    if (modelFeatureNames(doc).join('\u0000') !== features.join('\u0000') || ds.rows === 0) {
      out.versions.push({ ...v, metrics: null });
      continue;
    }
    const model = loadModel(doc);
    const prob = model.predictProba(ds);
    out.versions.push({ ...v, metrics: computeMetrics(ds.y, prob, model.threshold, config.topK) });
    if (production && doc.version === production.version) {
      out.curves = { version: doc.version, roc: rocCurve(ds.y, prob), pr: prCurve(ds.y, prob) };
      out.calibration = { version: doc.version, ece: calibration(ds.y, prob).ece };
    }
  }
  return out;
}
