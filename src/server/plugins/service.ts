import { commandDetail } from '../../index.js';
import type { FastifyPluginAsync } from 'fastify';
import { readFileSync } from 'node:fs';
import { docsPage, openApiDocument } from '../openapi.js';
import type { PluginOptions } from './shared.js';
import { modelFeatureNames } from '../../contracts/model-document.js';

const PACKAGE_VERSION = (() => {
  // dist/server/plugins/*.js, dist/cli/chunks/*.mjs and src/server/plugins/*.ts all sit below the package root.
  for (const up of ['../../package.json', '../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name: string; version: string };
      if (pkg.name === 'riskwatch') return pkg.version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
})();

/** The service's own routes: probes (/health, /ready), Prometheus /metrics, the OpenAPI document and its page. */
const service: FastifyPluginAsync<PluginOptions> = async (app, { state }) => {
  const { ctx, holder, metrics } = state;
  const { config, store } = ctx;

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_req, reply) => {
    const m = holder.current;
    if (!m) return reply.status(503).send({ ready: false, version: null });
    return { ready: true, version: m.version };
  });

  const document = () => openApiDocument(config, holder.current ? modelFeatureNames(holder.current.doc) : config.features, PACKAGE_VERSION);
  app.get('/openapi.json', async () => document());
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(docsPage(document())));

  app.get('/metrics', async (_req, reply) => {
    const runs = (await store.commandRecords(200)).filter((r) => r.command === 'run' && r.status !== 'running');
    const last = runs[0];
    const withDrift = runs.map(commandDetail).find((d) => d.featureDrift)?.featureDrift;
    const text = await metrics.render({
      version: holder.current?.version ?? null,
      lastRun: last ? { status: last.outcome ?? last.status, finishedAt: last.finishedAt } : null,
      drift: withDrift ?? null,
    });
    return reply.type(metrics.contentType).send(text);
  });
};

export default service;
