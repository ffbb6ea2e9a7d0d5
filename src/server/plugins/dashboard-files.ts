import type { FastifyPluginAsync } from 'fastify';
import { dashboardFolder, loadDashboardFiles } from '../dashboard-files.js';
import { HttpError } from '../http-errors.js';
import type { PluginOptions } from './shared.js';

/** The dashboard: built files held in memory (dashboard-files.ts); / and /dashboard → /dashboard/. */
const dashboardFiles: FastifyPluginAsync<PluginOptions> = async (app, { state }) => {
  const dashboard = loadDashboardFiles(state.dashboardDir ?? dashboardFolder());
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
};

export default dashboardFiles;
