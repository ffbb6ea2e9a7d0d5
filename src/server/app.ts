import { growYoungGeneration } from './young-generation.js';
import { modelFeatureNames } from '../contracts/model-document.js';
import type { DriftLatest, ModelList, PopulationView, RiskList } from '../contracts/api.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
// Namespace import, not `import { z }`: that re-exported namespace object makes the CLI bundle keep all
// of zod in the chunk every command loads (see src/util/zod-locale.ts).
import * as z from 'zod';
import type { Context } from '../context.js';
import { listModels } from '../registry/list-models.js';
import { latestModelScores, measuredOn } from '../registry/model-score.js';
import { VERSION_ID } from '../registry/versions.js';
import { artifactsOf } from '../registry/deployment.js';
import { productionSource } from '../registry/production.js';
import { csvField } from '../data/dataset-files.js';
import { RiskwatchError } from '../util/errors.js';
import { workspacePaths } from '../util/workspace-path.js';
import { diagnose } from '../report/diagnose.js';
import { resolveDataPath } from './safe-path.js';
import { checkBearer } from './auth.js';
import { Metrics } from './metrics.js';
import { fromMlflow, mlflowCodeOf, type MlflowErrorCode } from './mlflow.js';
import { parseJsonBody } from './json-body.js';
import { docsPage, openApiDocument } from './openapi.js';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASET_CSV } from '../data/dataset-files.js';
import { SECURITY_HEADERS, corsHeaders, requestId, RateLimiter, trustProxySetting, loggedUrl, answerClientError } from './security.js';
import { PopulationCache } from './population.js';
import { highestRisk } from '../population/risk-list.js';
import { KeyedCache, dependencyCache, distributions, evaluate, riskHistogram, type Distributions, type Evaluation } from './insights.js';
import { dashboardFolder, loadDashboardFiles } from './dashboard-files.js';

const PACKAGE_VERSION = (() => {
  // dist/server/app.js, dist/cli/chunks/*.mjs and src/server/app.ts all sit below the package root.
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name: string; version: string }).version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
})();
import { runSchedule } from '../pipeline/run-schedule.js';
import { runReportWriter } from '../report/run-report.js';
import { deploy, rollback } from '../model/deploy.js';
import { runAndNotify } from '../pipeline/notify.js';
import { readTable } from '../data/read-table.js';
import { TooManyRowsError } from '../data/read-data-file.js';
import { OutsideError } from '../data/confinement.js';
import { jsonInSlices } from './json-slices.js';
import { predictionSchema } from '../data/columns.js';
import { ModelHolder, type LoadedModel } from './model-holder.js';
import { parseCsvRecords, parseJsonRecords, type FieldError, type ParsedRecords } from './records.js';
import { showCommandRecord } from '../store/command-timings.js';
import { riskQuery, runsQuery } from './query-schemas.js';
import { allowedMethods } from './allowed-methods.js';
import { checkReadToken, readAccess, warnIfOpen } from './read-access.js';
import { commandDetail } from '../store/command-detail.js';

export const BODY_LIMIT = 10 * 1024 * 1024;

export interface ServerOptions {
  /** Poll interval of the production-model watcher fallback (ms). Default 500. */
  pollMs?: number;
  bodyLimit?: number;
  /** A client must send its whole request head within this (slowloris). Default 10 s. */
  headersTimeoutMs?: number;
  /** ... and its whole request, body included, within this. Default 30 s. */
  requestTimeoutMs?: number;
  /** Folder of the built dashboard (default: dist/dashboard found beside the code). */
  dashboardDir?: string;
  /** Time limit of each npm call of GET /dependencies (ms). Default 15000. */
  dependencyTimeoutMs?: number;
}

/** Defaults of the slow-client limits (Fastify's own default requestTimeout is 0: none). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

export interface RiskwatchServer {
  app: FastifyInstance;
  holder: ModelHolder;
  routes: Array<{ method: string; path: string }>;
  /** Resolves once the dashboard's caches are filled after start (never rejects). */
  warmed: Promise<void>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}


/**
 * Messages from the library can name files; a response names them relative to the workspace and
 * never shows another absolute path (internal layout stays private).
 */
export function redactPaths(message: string, workspaceDir: string): string {
  const root = workspaceDir.endsWith('/') ? workspaceDir : workspaceDir + '/';
  return message.split(root).join('').replace(/(^|[\s"'(=:])(?:\/[^\s"'()/:,;]+){2,}\/?/g, '$1<path>');
}

/** Spreadsheet formula injection: a cell starting with = + - @ (or tab / CR) becomes text. */
export function neutraliseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}


/** A user error from the library (unknown version, nothing to roll back to) is the client's, not a 500. */
async function userErrorsAs<T>(status: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RiskwatchError && !(err instanceof HttpError)) throw new HttpError(status, err.message);
    throw err;
  }
}

function wantsCsv(req: FastifyRequest): boolean {
  const accept = String(req.headers.accept ?? '').toLowerCase();
  const csv = accept.indexOf('text/csv');
  if (csv < 0) return false;
  const json = accept.indexOf('application/json');
  return json < 0 || csv < json;
}

/**
 * The HTTP API over the library: thin routes, one production model held in memory and swapped
 * on deploy/rollback. Errors are `{error:{message}}` (validation: `{errors:[{record, field, message}]}`).
 */
export async function createServer(ctx: Context, opts: ServerOptions = {}): Promise<RiskwatchServer> {
  const { config, store, log } = ctx;
  checkReadToken(config.api);
  const holder = new ModelHolder(productionSource(ctx), { pollMs: opts.pollMs, log });
  await holder.start();

  // Slow clients: without a request timeout (Fastify's default is none) a client trickling its
  // body one byte at a time holds a connection open forever. Timeouts are checked every second.
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, requestTimeout);
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? BODY_LIMIT,
    return503OnClosing: true,
    requestTimeout,
    http: { headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    genReqId: (req) => requestId(req.headers['x-request-id']),
    // req.ip (the rate limit's key) from X-Forwarded-For only when a configured proxy connects.
    trustProxy: trustProxySetting(config.api.trusted_proxies),
    // A request Node's HTTP parser refuses before any route sees it (a duplicate Content-Length,
    // a bad Transfer-Encoding, headers over 16 KB) is answered in the API's error shape with the
    // security headers, as every other error (security.ts).
    clientErrorHandler: (err, socket) => answerClientError(err, socket, log),
  });

  // Security (security.ts): request id echoed, CORS only for configured origins (preflights
  // answered here), a token bucket per client IP on the routes that change production, and the
  // security headers on every response, errors included.
  const corsOrigins = config.api.cors_origins;
  const limiter = new RateLimiter({ burst: config.api.rate_limit.burst, perMinute: config.api.rate_limit.per_minute });
  const LIMITED = new Set(['/deploy', '/rollback', '/run']);
  // Callback-style hooks (not async): no promise per request on the hot path.
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    const cors = corsHeaders(typeof req.headers.origin === 'string' ? req.headers.origin : undefined, corsOrigins);
    if (cors) void reply.headers(cors);
    if (req.method === 'OPTIONS' && cors && req.headers['access-control-request-method']) {
      void reply.status(204).send();
      return;
    }
    if (req.method === 'POST' && LIMITED.has(req.routeOptions.url ?? '')) {
      const t = limiter.take(req.ip);
      if (!t.ok) {
        void reply.status(429).header('retry-after', String(t.retryAfterSeconds)).send({ error: { message: `too many requests to ${req.routeOptions.url}; retry in ${t.retryAfterSeconds} s` } });
        return;
      }
    }
    done();
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    void reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  // Every route as registered (method, path): the OpenAPI test checks each is documented.
  const routes: Array<{ method: string; path: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, path: r.url });
  });

  // Read access control (read-access.ts): with api.read_token_env, a token or session on every
  // route but the probes; added before the routes so its check runs for all of them.
  readAccess(app, { api: config.api, log });

  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // JSON bodies: our parser (json-body.ts) says what is wrong — invalid UTF-8, a __proto__ key.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  const metrics = new Metrics();
  app.addHook('onResponse', (req, reply, done) => {
    log.info({ reqId: req.id, method: req.method, url: loggedUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  /** Score a batch with one model version; counts the predicted classes for /metrics. */
  const scored = (model: LoadedModel, input: ParsedRecords) => {
    const prob = model.fitted.predictProba(input);
    const predictions = new Array<{ id: string; probability: number; prediction: 0 | 1 }>(input.rows);
    let positive = 0;
    for (let i = 0; i < input.rows; i++) {
      const prediction = prob[i] > model.threshold ? 1 : 0;
      positive += prediction;
      predictions[i] = { id: input.ids[i], probability: prob[i], prediction };
    }
    metrics.observePredictions(positive, input.rows - positive);
    return { version: model.version, predictions };
  };

  app.get('/metrics', async (_req, reply) => {
    const runs = (await store.commandRecords(200)).filter((r) => r.command === 'run' && r.status !== 'running');
    const last = runs[0];
    const withDrift = runs.map(commandDetail).find((d) => d.featureDrift)?.featureDrift;
    const text = metrics.render({
      version: holder.current?.version ?? null,
      lastRun: last ? { status: last.outcome ?? last.status, finishedAt: last.finishedAt } : null,
      drift: withDrift ?? null,
    });
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req: FastifyRequest, reply: FastifyReply) => {
    let status = err instanceof HttpError ? err.statusCode : typeof err.statusCode === 'number' ? err.statusCode : 500;
    let message = err.message;
    if (err instanceof RiskwatchError && !(err instanceof HttpError)) status = 500;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `request body is larger than ${(opts.bodyLimit ?? BODY_LIMIT) / (1024 * 1024)} MB`;
    if (status >= 500 && !(err instanceof HttpError)) {
      // A bug or an unexpected failure: logged with its stack, answered without it.
      log.error({ err, reqId: req.id, url: loggedUrl(req.url) }, 'request failed');
      message = err instanceof RiskwatchError ? err.message : 'internal error';
    }
    message = redactPaths(message, config.dir);
    const malformed = err.code === 'RW_MALFORMED_JSON' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
    void reply.status(status).type('application/json').send(errorBody(req.routeOptions.url, status, message, malformed));
  });

  /** The error shape of a path: /invocations answers every error as MLflow's scoring server does, {error_code, message}. */
  const errorBody = (path: string | undefined, status: number, message: string, malformed = false) =>
    path === '/invocations' ? { error_code: mlflowCodeOf(status, malformed), message } : { error: { message } };

  // A known path asked with another method is a 405 naming the methods it takes (Allow), not a 404.
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const allowed = allowedMethods(routes, path);
    // The router did not take it though a pattern matches with this very method (an encoded
    // slash, say): that is a missing resource, not a wrong method.
    if (allowed.length && !allowed.includes(req.method)) {
      void reply.status(405).header('allow', allowed.join(', ')).send(errorBody(path, 405, `method ${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`));
      return;
    }
    void reply.status(404).send({ error: { message: `no route ${req.method} ${path}` } });
  });

  const requireModel = (): LoadedModel => {
    const m = holder.current;
    if (!m) throw new HttpError(503, 'no model in production; run `riskwatch deploy`');
    return m;
  };

  app.get('/health', async () => ({ status: 'ok' }));

  const document = () => openApiDocument(config, (holder.current ? modelFeatureNames(holder.current.doc) : config.features), PACKAGE_VERSION);
  app.get('/openapi.json', async () => document());
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(docsPage(document())));

  app.get('/ready', async (_req, reply) => {
    const m = holder.current;
    if (!m) return reply.status(503).send({ ready: false, version: null });
    return { ready: true, version: m.version };
  });

  // Routes that change production: bearer token required (auth.ts); each records itself as the
  // CLI commands do, and the model holder picks the new production model up on its own.
  const guard = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const tokenEnv = config.api.token_env;
    const auth = checkBearer(req.headers.authorization, tokenEnv ? process.env[tokenEnv] : undefined);
    if (!auth.ok) void reply.status(auth.status).send({ error: { message: auth.message } });
    return auth.ok;
  };
  const deployBody = z.object({ version: z.string().regex(VERSION_ID, 'version: expected a version id such as v3').optional(), reason: z.string().max(500).optional() }).strict();
  app.post('/deploy', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    const body = deployBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, body.error.issues.map((i) => i.message).join('; '));
    return userErrorsAs(409, () => deploy(ctx, body.data.version, body.data.reason ?? 'deployed through the API'));
  });
  app.post('/rollback', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    return userErrorsAs(409, () => rollback(ctx, 'rolled back through the API'));
  });
  app.post('/run', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    const result = await runAndNotify(ctx, { report: runReportWriter(ctx) });
    return result.status === 'locked' ? reply.status(409).send(result) : result;
  });

  // The original project's call, confined to the data folders (see safe-path.ts).
  app.get('/prediction', async (req, reply) => {
    const filepath = (req.query as { filepath?: unknown }).filepath;
    if (typeof filepath !== 'string' || !filepath) throw new HttpError(400, 'filepath: expected a relative path to a data file');
    const model = requireModel();
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
    const model = requireModel();
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
    const model = requireModel();
    const features = modelFeatureNames(model.doc);
    const type = String(req.headers['content-type'] ?? '');
    const parsed = Buffer.isBuffer(req.body) && /csv/i.test(type) ? parseCsvRecords(req.body, config, features) : parseJsonRecords(req.body, config, features);
    if (!parsed.ok) return reply.status(400).send({ errors: parsed.errors });
    return scored(model, parsed.value);
  });

  app.get('/models', async (): Promise<ModelList> => listModels(ctx));

  app.get<{ Params: { version: string } }>('/models/:version', async (req) => {
    const { version } = req.params;
    if (!VERSION_ID.test(version) || !(await store.getModel(version))) throw new HttpError(404, `model version "${version}" not found`);
    return artifactsOf(ctx).loadModel(version);
  });

  // `score` is the production model's score (what `models` and the dashboard show); `scores` every
  // recorded one, latest first, ad-hoc ones included and marked by their kind.
  app.get('/scoring', async () => {
    const m = holder.current;
    if (!m) return { version: null, score: null, scores: [] };
    const records = await store.scores(m.version);
    const scores = records.map((r) => ({ ...r, measuredOn: measuredOn(r) })).reverse();
    // Recorded with the paths the CLI was given: shown workspace-relative (see workspace-path.ts).
    return { version: m.version, score: workspacePaths(latestModelScores(records).get(m.version) ?? null, config.dir), scores: workspacePaths(scores, config.dir) };
  });

  // Recorded results only: none of these re-runs ingestion, training or the registry checks.
  app.get('/runs', async (req) => {
    const q = runsQuery.safeParse(req.query);
    if (!q.success) throw new HttpError(400, q.error.issues.map((i) => i.message).join('; '));
    return { runs: workspacePaths((await store.commandRecords(q.data.limit ?? 100)).map(showCommandRecord), config.dir) };
  });

  // diagnose re-reads the dataset: computed once per (dataset file, latest run, production model).
  const diagnoses = new KeyedCache<Awaited<ReturnType<typeof diagnose>>>();
  const diagnosis = async () => {
    let fp = 'none';
    try {
      const st = await stat(join(config.outputFolder, DATASET_CSV), { bigint: true });
      fp = `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch {
      // nothing ingested yet
    }
    const last = (await store.commandRecords(1))[0];
    const files = await store.latestFileRecords();
    const lastIngestion = Math.max(0, ...files.map((f) => f.ingestionId ?? 0));
    const model = holder.current;
    const key = `${fp}|${files.length}:${lastIngestion}|${last?.id ?? '-'}:${last?.status ?? ''}|${model?.version ?? '-'}:${model?.doc.createdAt ?? ''}|${(await store.scores()).length}`;
    const d = await diagnoses.get(key, () => diagnose(ctx, { dependencies: false }));
    // The model's age is the one figure that changes with the clock alone.
    if (d.model && model && d.model.version === model.version) return { ...d, model: { ...d.model, ageDays: (Date.now() - Date.parse(model.doc.createdAt)) / 86_400_000 } };
    return d;
  };
  app.get('/diagnostics', diagnosis);

  app.get('/summarystats', async () => {
    const d = await diagnosis();
    return { dataset: d.dataset, summary: d.summary, missing: d.missing };
  });

  app.get('/drift', async () => {
    const run = (await store.commandRecords(1000)).find((r) => r.command === 'run' && r.outcome === 'completed' && commandDetail(r).drift);
    const detail = commandDetail(run);
    const body: DriftLatest = run && detail.drift ? { latest: { runId: run.id, at: run.startedAt, drift: detail.drift, reason: detail.reason ?? null, deployed: detail.deployed ?? null } } : { latest: null };
    return body;
  });

  const population = new PopulationCache(config);
  const rankedPopulation = async (model: LoadedModel) => {
    const p = await population.get(model);
    if (!p) throw new HttpError(404, 'no dataset yet; run `riskwatch ingest`');
    return p;
  };

  // The call list (src/population/risk-list.ts): the current clients, one row each, ranked once
  // per (production version, population hash) by PopulationCache, not per request.
  app.get('/risk', async (req, reply) => {
    const q = riskQuery.safeParse(req.query);
    if (!q.success) throw new HttpError(400, q.error.issues.map((i) => i.message).join('; '));
    const top = q.data.top ?? config.topK;
    const model = requireModel();
    const p = await rankedPopulation(model);
    const rows = highestRisk(p, top);
    const n = rows.length;
    if (wantsCsv(req)) {
      const lines = [`rank,${csvField(config.id)},probability`, ...rows.map((r) => `${r.rank},${csvField(neutraliseFormula(r.id))},${r.probability}`)];
      return reply
        .type('text/csv; charset=utf-8')
        .header('x-model-version', model.version)
        .header('x-population-source', p.population.source)
        .header('x-population-clients', String(p.population.clients))
        .header('content-disposition', `attachment; filename="risk-top${n}-${model.version}.csv"`)
        .send(lines.join('\n') + '\n');
    }
    const list: RiskList = { version: model.version, datasetHash: p.datasetHash, population: p.population, rows };
    return list;
  });

  // Dashboard data (insights.ts): aggregated server-side, cached per what they depend on.
  app.get('/population', async () => {
    const model = requireModel();
    const p = await rankedPopulation(model);
    const h = riskHistogram(p, model.threshold);
    const view: PopulationView = { version: model.version, datasetHash: p.datasetHash, population: p.population, rows: p.rows, threshold: model.threshold, topK: config.topK, aboveThreshold: h.aboveThreshold, histogram: { ...h.histogram, counts: h.counts } };
    return view;
  });

  const evaluations = new KeyedCache<Evaluation>(60_000);
  const evaluation = async () => {
    const versions = (await store.listModels()).map((m) => ({ version: m.version, createdAt: m.createdAt }));
    const prod = holder.current;
    return evaluations.get(`${prod?.version ?? '-'}|${versions.map((v) => v.version).join(',')}`, () => evaluate(ctx, versions, prod?.doc));
  };
  app.get('/evaluation', evaluation);

  const dists = new KeyedCache<Distributions | null>(60_000);
  const distributionsOf = async (model: LoadedModel) => {
    const files = (await store.latestFileRecords()).map((f) => `${f.name}:${f.sha256}`).join(',');
    return dists.get(`${model.version}|${files}`, () => distributions(ctx, model.doc));
  };
  app.get('/distributions', async () => {
    const model = requireModel();
    const d = await distributionsOf(model);
    if (!d) throw new HttpError(404, `model ${model.version} has no drift reference; train a new version`);
    return d;
  });

  /** Fill the dashboard's caches once the server is up, so the first visitor does not wait for them. */
  const warmUp = async () => {
    const model = holder.current;
    if (!model) return;
    await population.get(model);
    await diagnosis();
    await evaluation();
    await distributionsOf(model);
  };

  const deps = dependencyCache(opts.dependencyTimeoutMs ?? 15_000);
  app.get('/dependencies', async () => deps());

  // The dashboard: built files held in memory (dashboard-files.ts); /dashboard → /dashboard/.
  const dashboard = loadDashboardFiles(opts.dashboardDir ?? dashboardFolder());
  app.get('/dashboard', async (_req, reply) => reply.redirect('/dashboard/', 301));
  // The server's root is where a person lands first: send them to the dashboard (302: the root
  // may mean something else in a later release).
  app.get('/', async (_req, reply) => reply.redirect('/dashboard/', 302));
  app.get<{ Params: { '*': string } }>('/dashboard/*', async (req, reply) => {
    const name = req.params['*'] || 'index.html';
    const file = dashboard.get(name);
    if (!file) {
      if (!dashboard.size) throw new HttpError(404, 'the dashboard is not built; run `npm run build`');
      throw new HttpError(404, `no dashboard file ${name}`);
    }
    void reply.header('etag', file.etag).header('cache-control', file.cacheControl).type(file.type);
    if (req.headers['if-none-match'] === file.etag) return reply.status(304).send();
    return reply.send(file.body);
  });

  await app.ready();
  const warming = warmUp().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'dashboard cache warm-up failed'));
  return {
    app,
    holder,
    routes,
    warmed: warming,
    async close() {
      holder.stop();
      await warming;
      await app.close();
    },
  };
}

/** Listen on host:port (defaults from config `url`); resolves once listening. */
export async function startServer(ctx: Context, opts: ServerOptions & { host?: string; port?: number } = {}): Promise<RiskwatchServer & { url: string }> {
  const server = await createServer(ctx, opts);
  const young = growYoungGeneration();
  ctx.log.debug({ youngGenerationBytes: young.bytes, ms: young.ms }, 'young generation sized for serving');
  const { host, port } = listenAddress(ctx, opts);
  try {
    await server.app.listen({ host, port });
  } catch (err) {
    await server.close(); // e.g. the port is taken: stop the model watcher too
    throw err;
  }
  warnIfOpen(ctx.log, ctx.config.api, host);
  const addr = server.app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { ...server, url: `http://${shownHost}:${bound}` };
}

export function listenAddress(ctx: Context, opts: { host?: string; port?: number }): { host: string; port: number } {
  const u = ctx.config.url;
  const host = opts.host ?? (u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1');
  const port = opts.port ?? Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return { host, port };
}

/** `riskwatch serve`: run until the signal aborts, then close cleanly. */
export async function serve(ctx: Context, opts: { host?: string; port?: number; signal?: AbortSignal; schedule?: boolean; onListening?: (url: string) => void }): Promise<{ url: string; stopped: true; ticks?: number }> {
  const server = await startServer(ctx, opts);
  opts.onListening?.(server.url);
  // --schedule: the pipeline on config "schedule", in this process; the model holder serves what
  // each run deploys. Stopped (between steps) with the server.
  let scheduled: Promise<{ ticks: number }> | undefined;
  if (opts.schedule) {
    const stop = opts.signal ?? new AbortController().signal;
    scheduled = runSchedule(ctx, { signal: stop, report: runReportWriter(ctx) });
  }
  ctx.log.info({ url: server.url, version: server.holder.current?.version ?? null }, `listening on ${server.url}`);
  process.stderr.write(`riskwatch: listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    if (!opts.signal || opts.signal.aborted) {
      if (opts.signal?.aborted) resolve();
      return; // no signal: runs until the process exits
    }
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const ticks = scheduled ? (await scheduled).ticks : undefined;
  await server.close();
  return { url: server.url, stopped: true, ...(ticks === undefined ? {} : { ticks }) };
}
