import fp from 'fastify-plugin';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import { HELMET_OPTIONS, PERMISSIONS_POLICY, RateLimiter, corsDelegator, helmetHeaders, tokenBucketStore } from '../security.js';
import { HttpError } from '../http-errors.js';
import type { PluginOptions } from './shared.js';

/** The routes that change production: the rate limit's (one token bucket per client IP). */
export const LIMITED_ROUTES = new Set(['/deploy', '/rollback', '/run']);

/**
 * Security (settings in security.ts): the request id echoed; the security headers on every
 * response, errors included (helmet, plus Permissions-Policy); CORS only for configured
 * origins, preflights answered here (@fastify/cors); a token bucket per client IP on the routes
 * that change production (@fastify/rate-limit with a token-bucket store), checked before the
 * read-access check and the token guard, as before.
 */
const security: FastifyPluginAsync<PluginOptions> = async (app, { state }) => {
  const { api } = state.ctx.config;

  // helmet's headers for HELMET_OPTIONS, computed once (helmetHeaders), plus Permissions-Policy.
  // (@fastify/helmet runs helmet's middleware anew on every request, in two hooks, one async, and
  // sets the headers on the raw response: about a tenth of a single-record prediction's CPU,
  // measured in BENCHMARKS.md.)
  const headers = { ...helmetHeaders(HELMET_OPTIONS), 'permissions-policy': PERMISSIONS_POLICY };
  // Callback-style hooks (not async): no promise per request on the hot path.
  app.addHook('onRequest', (req, reply, next) => {
    void reply.header('x-request-id', req.id);
    next();
  });
  app.addHook('onSend', (_req, reply, payload, next) => {
    void reply.headers(headers);
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    next(null, payload);
  });

  // No origin configured: no CORS plugin at all (no headers, no preflight route), as before.
  if (api.cors_origins.length) await app.register(fastifyCors, { delegator: corsDelegator(api.cors_origins), hideOptionsRoute: true });

  // The limiter as a hook of our own, added here: it runs before read access (registered next),
  // so a request refused for its token still spends one; the plugin's own per-route hooks would
  // run after every global hook.
  const limiter = new RateLimiter({ burst: api.rate_limit.burst, perMinute: api.rate_limit.per_minute });
  await app.register(fastifyRateLimit, {
    global: false,
    store: tokenBucketStore(limiter),
    max: api.rate_limit.burst,
    timeWindow: 60_000,
    // req.ip as is: from X-Forwarded-For only through api.trusted_proxies (trustProxySetting).
    keyGenerator: (req) => req.ip,
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (req, c) => new HttpError(c.statusCode, `too many requests to ${req.routeOptions.url}; retry in ${Math.ceil(c.ttl / 1000)} s`),
  });
  const limit = app.rateLimit();
  app.addHook('onRequest', (req, reply, next) => {
    if (req.method !== 'POST' || !LIMITED_ROUTES.has(req.routeOptions.url ?? '')) return next();
    limit.call(app, req, reply).then(() => next(), next);
  });
};

export default fp(security, { name: 'riskwatch-security' });
