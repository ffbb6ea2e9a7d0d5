import { OutsideError, RiskwatchError, TooManyRowsError, parseCsvRecords, parseJsonRecords, predictRecords, predictionSchema, readTable, resolveDataPath, type FieldError, type RecordsInput } from '../../index.js';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { HttpError, badQuery } from '../http-errors.js';
import { predictionQuery } from '../query-schemas.js';
import { explainCount, reasonWriter } from '../reasons.js';
import { jsonInSlices } from '../json-slices.js';
import { fromMlflow, type MlflowErrorCode } from '../mlflow.js';
import type { LoadedModel } from '../model-holder.js';
import { requireModel, type PluginOptions } from './shared.js';
import { modelFeatureNames } from '../../contracts/model-document.js';

/**
 * Prediction and invocations: POST /prediction (JSON or CSV records), GET /prediction (a data
 * file inside the data folders), POST /invocations (MLflow's scoring-server formats). Each
 * request reads the production model once, so it is scored by one version even across a swap.
 */
const prediction: FastifyPluginAsync<PluginOptions> = async (app, { state }) => {
  const { ctx, holder, metrics } = state;
  const { config } = ctx;

  /** Predict a batch with one model version (the library's predictRecords); counts the predicted classes for /metrics. */
  const scored = (model: LoadedModel, input: RecordsInput) => {
    const { version, predictions, positive } = predictRecords(model.fitted, input);
    metrics.observePredictions(positive, input.rows - positive);
    return { version, predictions };
  };

  // The original project's call, confined to the data folders (see src/data/data-path.ts).
  app.get('/prediction', async (req, reply) => {
    const filepath = (req.query as { filepath?: unknown }).filepath;
    if (typeof filepath !== 'string' || !filepath) throw new HttpError(400, 'filepath: expected a relative path to a data file');
    const model = requireModel(holder);
    const safe = await resolveDataPath(filepath, config.dir, [config.inputFolder, config.testDataPath, config.outputFolder]);
    if (!safe.ok) return reply.status(safe.status).send({ error: { message: safe.message } });
    let table;
    try {
      // Every file read is confined again (a folder's files, each descriptor opened), and the
      // rows are capped: the reading stops past api.max_rows, so one request cannot hold the
      // server's memory or time (it reads in chunks, other requests answered in between).
      const limits = { within: safe.within, maxRows: config.api.max_rows };
      table = await readTable(safe.path, config.extension, { ...predictionSchema(config), features: modelFeatureNames(model.doc) }, undefined, undefined, undefined, limits);
    } catch (err) {
      if (err instanceof OutsideError) return reply.status(403).send({ error: { message: err.message } });
      if (err instanceof TooManyRowsError) throw new HttpError(413, `${filepath}: more than ${err.limit} rows, the most this route reads (config api.max_rows); score it with \`riskwatch predict --data\``);
      if (err instanceof RiskwatchError) throw new HttpError(400, err.message.replace(safe.path, filepath));
      throw err;
    }
    const ds = table.dataset;
    const r = scored(model, { ids: ds.ids.toArray(), x: ds.x, rows: ds.rows, levels: ds.levels });
    // A big answer (up to api.max_rows) is serialised in slices, other requests answered between.
    if (r.predictions.length <= 10_000) return r;
    return reply.type('application/json; charset=utf-8').send(jsonInSlices({ version: r.version }, 'predictions', r.predictions));
  });

  // MLflow scoring-server compatible: JSON (dataframe_split / dataframe_records / instances /
  // inputs) or CSV in, {predictions:[probability, ...]} out.
  const mlflowError = (reply: FastifyReply, code: MlflowErrorCode, message: string) => reply.status(400).send({ error_code: code, message });
  const fieldErrors = (errors: FieldError[]) => errors.map((e) => `${[e.record === null ? '' : `record ${e.record}`, e.field ? `column "${e.field}"` : ''].filter(Boolean).join(' ') || 'input'}: ${e.message}`).join('; ');
  app.post('/invocations', async (req, reply) => {
    const model = requireModel(holder);
    const features = modelFeatureNames(model.doc);
    const type = String(req.headers['content-type'] ?? '');
    let parsed;
    if (Buffer.isBuffer(req.body) && /csv/i.test(type)) parsed = parseCsvRecords(req.body, config, features);
    else {
      const converted = fromMlflow(req.body, features, new Set([config.id, ...features, config.target]));
      if (!converted.ok) return mlflowError(reply, converted.code, converted.message);
      parsed = parseJsonRecords(converted.body, config, features);
    }
    if (!parsed.ok) return mlflowError(reply, 'BAD_REQUEST', fieldErrors(parsed.errors));
    const r = scored(model, parsed.value);
    return { predictions: r.predictions.map((p) => p.probability) };
  });

  app.post('/prediction', async (req, reply) => {
    // One read of the holder: the whole request is scored by this version, even across a swap.
    const model = requireModel(holder);
    const q = predictionQuery.safeParse(req.query);
    if (!q.success) throw badQuery(q.error.issues);
    const explain = explainCount(q.data.explain, model, config.risk.reasons);
    const features = modelFeatureNames(model.doc);
    const type = String(req.headers['content-type'] ?? '');
    const parsed = Buffer.isBuffer(req.body) && /csv/i.test(type) ? parseCsvRecords(req.body, config, features) : parseJsonRecords(req.body, config, features);
    if (!parsed.ok) return reply.status(400).send({ errors: parsed.errors });
    const r = scored(model, parsed.value);
    if (explain === undefined) return r;
    // ?explain=N: each prediction gains its contributions, reasons and keeping; the answer base.
    const why = reasonWriter(model, config).explainRows(model.fitted, parsed.value, explain);
    const predictions = r.predictions.map((p, i) => ({ ...p, ...why.rows[i] }));
    return { version: r.version, predictions, base: why.base };
  });
};

export default prediction;
