import fp from 'fastify-plugin';
import type { FastifyPluginCallback } from 'fastify';
import { SECURITY_HEADERS, corsHeaders, RateLimiter } from '../security.js';
import type { PluginOptions } from './shared.js';

/** The routes that change production: the rate limit's (one token bucket per client IP). */
export const LIMITED_ROUTES = new Set(['/deploy', '/rollback', '/run']);

/**
 * Security (security.ts): request id echoed, CORS only for configured origins (preflights
 * answered here), a token bucket per client IP on the routes that change production, and the
 * security headers on every response, errors included.
 */
const security: FastifyPluginCallback<PluginOptions> = (app, { state }, done) => {
  const { api } = state.ctx.config;
  const corsOrigins = api.cors_origins;
  const limiter = new RateLimiter({ burst: api.rate_limit.burst, perMinute: api.rate_limit.per_minute });
  // Callback-style hooks (not async): no promise per request on the hot path.
  app.addHook('onRequest', (req, reply, next) => {
    void reply.header('x-request-id', req.id);
    const cors = corsHeaders(typeof req.headers.origin === 'string' ? req.headers.origin : undefined, corsOrigins);
    if (cors) void reply.headers(cors);
    if (req.method === 'OPTIONS' && cors && req.headers['access-control-request-method']) {
      void reply.status(204).send();
      return;
    }
    if (req.method === 'POST' && LIMITED_ROUTES.has(req.routeOptions.url ?? '')) {
      const t = limiter.take(req.ip);
      if (!t.ok) {
        void reply.status(429).header('retry-after', String(t.retryAfterSeconds)).send({ error: { message: `too many requests to ${req.routeOptions.url}; retry in ${t.retryAfterSeconds} s` } });
        return;
      }
    }
    next();
  });
  app.addHook('onSend', (_req, reply, payload, next) => {
    void reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    next(null, payload);
  });
  done();
};

export default fp(security, { name: 'riskwatch-security' });
