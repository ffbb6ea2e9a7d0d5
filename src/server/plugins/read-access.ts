import fp from 'fastify-plugin';
import type { FastifyPluginCallback } from 'fastify';
import { readAccess } from '../read-access.js';
import type { PluginOptions } from './shared.js';

/**
 * Read access control (read-access.ts): with api.read_token_env, a token or session on every
 * route but the probes, and the sign-in page. Registered before the route plugins so its check
 * runs for all of them, the dashboard's files included.
 */
const readAccessPlugin: FastifyPluginCallback<PluginOptions> = (app, { state }, done) => {
  readAccess(app, { api: state.ctx.config.api, log: state.ctx.log });
  done();
};

export default fp(readAccessPlugin, { name: 'riskwatch-read-access' });
