import { commandDetail, showCommandRecord, workspacePaths } from '../../index.js';
import type { FastifyPluginAsync } from 'fastify';
import type { DriftLatest, RunList } from '../../contracts/api.js';
import { badQuery } from '../http-errors.js';
import { runsQuery } from '../query-schemas.js';
import type { PluginOptions } from './shared.js';

/** Runs and drift, from recorded results only: none of these re-runs ingestion, training or the registry checks. */
const runsAndDrift: FastifyPluginAsync<PluginOptions> = async (app, { state }) => {
  const { config, store } = state.ctx;

  app.get('/runs', async (req) => {
    const q = runsQuery.safeParse(req.query);
    if (!q.success) throw badQuery(q.error.issues);
    const body: RunList = { runs: workspacePaths((await store.commandRecords(q.data.limit ?? 100)).map(showCommandRecord), config.dir) };
    return body;
  });

  app.get('/drift', async () => {
    const run = (await store.commandRecords(1000)).find((r) => r.command === 'run' && r.outcome === 'completed' && commandDetail(r).drift);
    const detail = commandDetail(run);
    const body: DriftLatest = run && detail.drift ? { latest: { runId: run.id, at: run.startedAt, drift: detail.drift, reason: detail.reason ?? null, deployed: detail.deployed ?? null } } : { latest: null };
    return body;
  });
};

export default runsAndDrift;
