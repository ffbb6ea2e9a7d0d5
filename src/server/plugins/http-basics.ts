import { RiskwatchError } from '../../index.js';
import fp from 'fastify-plugin';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { allowedMethods } from '../allowed-methods.js';
import { errorBody, HttpError, redactPaths, storeBusy, STORE_BUSY_RETRY_AFTER_S } from '../http-errors.js';
import { parseJsonBody } from '../json-body.js';
import { loggedUrl } from '../security.js';
import type { PluginOptions } from './shared.js';

/**
 * What every route relies on: the routes list (onRoute), body parsers, the error and not-found
 * answers in the API's shape, the request log and metrics. Registered first: its onRoute hook
 * sees every route.
 */
const httpBasics: FastifyPluginCallback<PluginOptions> = (app, { state }, done) => {
  const { ctx, metrics, routes } = state;
  const { config, log } = ctx;

  app.addHook('onRoute', (r) => {
    // @fastify/cors's catch-all OPTIONS route (hidden): not a route of the API.
    if ((r.schema as { hide?: boolean } | undefined)?.hide) return;
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, path: r.url });
  });

  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer' }, (_req, body, next) => next(null, body));
  // JSON bodies: our parser (json-body.ts) says what is wrong — invalid UTF-8, a __proto__ key.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, next) => {
    try {
      next(null, parseJsonBody(body as Buffer));
    } catch (err) {
      next(err as Error, undefined);
    }
  });

  app.addHook('onResponse', (req, reply, next) => {
    log.info({ reqId: req.id, method: req.method, url: loggedUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    next();
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req: FastifyRequest, reply: FastifyReply) => {
    let status = err instanceof HttpError ? err.statusCode : typeof err.statusCode === 'number' ? err.statusCode : 500;
    let message = err.message;
    if (err instanceof RiskwatchError && !(err instanceof HttpError)) status = 500;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `request body is larger than ${state.bodyLimit / (1024 * 1024)} MB`;
    if (storeBusy(err)) {
      // Another process holds a write on the store: not a bug, come back later (one line, no stack).
      status = 503;
      message = err instanceof RiskwatchError ? err.message : `a database is locked by another process (${err.code}); try again later`;
      message = message.replace(/\s*[\r\n]+\s*/g, ' ');
      log.warn({ reqId: req.id, url: loggedUrl(req.url), why: err.message }, 'store busy: answered 503');
      void reply.header('retry-after', String(STORE_BUSY_RETRY_AFTER_S));
    } else if (status >= 500 && !(err instanceof HttpError)) {
      // A bug or an unexpected failure: logged with its stack, answered without it.
      log.error({ err, reqId: req.id, url: loggedUrl(req.url) }, 'request failed');
      message = err instanceof RiskwatchError ? err.message : 'internal error';
    }
    message = redactPaths(message, config.dir);
    const malformed = err.code === 'RW_MALFORMED_JSON' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
    void reply.status(status).type('application/json').send(errorBody(req.routeOptions.url, status, message, malformed));
  });

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

  done();
};

export default fp(httpBasics, { name: 'riskwatch-http-basics' });
