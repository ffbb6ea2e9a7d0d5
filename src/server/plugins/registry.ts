import { VERSION_ID, artifactsOf, deploy, latestModelScores, listModels, measuredOn, recordCommand, rollback, runAndNotify, runReportWriter, workspacePaths } from '../../index.js';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
// Namespace import, not `import { z }` (see src/util/zod-locale.ts).
import * as z from 'zod';
import type { ModelList, ScoringView } from '../../contracts/api.js';
import { checkBearer } from '../auth.js';
import { HttpError, userErrorsAs } from '../http-errors.js';
import type { PluginOptions } from './shared.js';

/**
 * The registry over HTTP: model versions and their scores, and the routes that change production
 * (deploy, rollback, run). Those need the admin bearer token (auth.ts); the model holder picks the
 * new production model up on its own.
 */
const registry: FastifyPluginAsync<PluginOptions> = async (app, { state }) => {
  const { ctx, holder } = state;
  const { config, store } = ctx;

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
    if (!m) return { version: null, score: null, scores: [] } satisfies ScoringView;
    const records = await store.scores(m.version);
    const scores = records.map((r) => ({ ...r, measuredOn: measuredOn(r) })).reverse();
    // Recorded with the paths the CLI was given: shown workspace-relative (see workspace-path.ts).
    const body: ScoringView = { version: m.version, score: workspacePaths(latestModelScores(records).get(m.version) ?? null, config.dir), scores: workspacePaths(scores, config.dir) };
    return body;
  });

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
    // Recorded as the CLI's `deploy` is (GET /runs, `riskwatch runs`), failures included.
    return userErrorsAs(409, () => recordCommand(ctx, 'deploy', () => deploy(ctx, body.data.version, body.data.reason ?? 'deployed through the API')));
  });
  app.post('/rollback', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    return userErrorsAs(409, () => recordCommand(ctx, 'rollback', () => rollback(ctx, 'rolled back through the API')));
  });
  app.post('/run', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    const result = await runAndNotify(ctx, { report: runReportWriter(ctx) });
    return result.status === 'locked' ? reply.status(409).send(result) : result;
  });
};

export default registry;
