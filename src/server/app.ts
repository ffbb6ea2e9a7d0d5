import { productionSource, runReportWriter, runSchedule, type Context } from '../index.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { Metrics } from './metrics.js';
import { ModelHolder } from './model-holder.js';
import { checkReadToken, warnIfOpen } from './read-access.js';
import { answerClientError, requestId, trustProxySetting } from './security.js';
import { growYoungGeneration } from './young-generation.js';
import dashboardData from './plugins/dashboard-data.js';
import dashboardFiles from './plugins/dashboard-files.js';
import httpBasics from './plugins/http-basics.js';
import prediction from './plugins/prediction.js';
import readAccessPlugin from './plugins/read-access.js';
import registry from './plugins/registry.js';
import runsAndDrift from './plugins/runs-drift.js';
import security from './plugins/security.js';
import service from './plugins/service.js';
import type { ServerState } from './plugins/shared.js';

export { redactPaths, neutraliseFormula } from './http-errors.js';

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

/**
 * The HTTP API over the library: thin routes, one production model held in memory and swapped
 * on deploy/rollback. Errors are `{error:{message}}` (validation: `{errors:[{record, field, message}]}`).
 */
export async function createServer(ctx: Context, opts: ServerOptions = {}): Promise<RiskwatchServer> {
  const { config, log } = ctx;
  checkReadToken(config.api);
  const holder = new ModelHolder(productionSource(ctx), { pollMs: opts.pollMs, log });
  await holder.start();
  // The model's explainer threads (TreeSHAP for trees) start now and build their tables while the
  // routes are registered and the population is read: the start-up warm-up (dashboard-data.ts)
  // explains the call list on them.
  holder.current?.fitted.prepareContributions();

  // Slow clients: without a request timeout (Fastify's default is none) a client trickling its
  // body one byte at a time holds a connection open forever. Timeouts are checked every second.
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, requestTimeout);
  const bodyLimit = opts.bodyLimit ?? BODY_LIMIT;
  const app = Fastify({
    logger: false,
    bodyLimit,
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

  const state: ServerState = { ctx, holder, metrics: new Metrics(), routes: [], bodyLimit, dashboardDir: opts.dashboardDir, dependencyTimeoutMs: opts.dependencyTimeoutMs ?? 15_000, warmers: [] };
  // Order matters: what every route relies on (hooks, parsers, error answers, the access check)
  // before the routes; each concern's routes in its own plugin (src/server/plugins/).
  await app.register(httpBasics, { state });
  await app.register(security, { state });
  await app.register(readAccessPlugin, { state });
  await app.register(service, { state });
  await app.register(prediction, { state });
  await app.register(registry, { state });
  await app.register(runsAndDrift, { state });
  await app.register(dashboardData, { state });
  await app.register(dashboardFiles, { state });

  await app.ready();
  // Fill the dashboard's caches once the server is up, so the first visitor does not wait for them.
  const warming = (async () => {
    for (const warm of state.warmers) await warm();
  })().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'dashboard cache warm-up failed'));
  return {
    app,
    holder,
    routes: state.routes,
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
