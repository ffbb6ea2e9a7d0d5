import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { makeContext } from '../context.js';
import { ingest, type IngestResult } from '../ingest/ingest.js';
import { score, type ScoreResult } from '../model/score.js';
import { train, type TrainResult } from '../model/train.js';
import { deploy, readProduction, type DeployResult } from '../registry/production.js';
import { simulate } from '../simulate/generate.js';
import { openStore } from '../store/open.js';
import type { Logger } from '../util/log.js';
import { terminalProgress } from '../util/progress.js';

export interface DemoResult {
  workspace: string;
  created: boolean;
  ingest: IngestResult;
  train?: TrainResult;
  score?: ScoreResult;
  deploy?: DeployResult;
  production: string | null;
  decision: string;
}

/** `npm start`: a workspace from the generator if there is none, then ingest → train → score → deploy. */
export async function runDemo(dir: string, log: Logger): Promise<DemoResult> {
  const workspace = resolve(dir);
  const configPath = join(workspace, 'config.json');
  const created = !existsSync(configPath);
  if (created) {
    const sim = simulate({ out: workspace });
    log.info({ workspace, clients: sim.clients }, `created demo workspace ${workspace}`);
  }
  const config = loadConfig(configPath);
  const store = await openStore(config);
  const ctx = makeContext(config, store, log, terminalProgress());
  try {
    const ing = await ingest(ctx);
    const prod = readProduction(config);
    if (!ing.newData && prod) {
      return { workspace, created, ingest: ing, production: prod.version, decision: `no new data; ${prod.version} stays in production` };
    }
    const trained = await train(ctx);
    const scored = await score(ctx, { model: trained.version });
    let decision: string;
    let deployed: DeployResult | undefined;
    if (!prod) {
      deployed = await deploy(ctx, trained.version, 'first model');
      decision = `deployed ${trained.version} (first model)`;
    } else {
      const champion = await score(ctx, { model: prod.version });
      if (scored.f1 >= champion.f1) {
        deployed = await deploy(ctx, trained.version, `F1 ${scored.f1.toFixed(4)} ≥ ${prod.version}'s ${champion.f1.toFixed(4)}`);
        decision = `deployed ${trained.version}: F1 ${scored.f1.toFixed(4)} ≥ ${champion.f1.toFixed(4)} of ${prod.version}`;
      } else {
        decision = `kept ${prod.version}: its F1 ${champion.f1.toFixed(4)} beats ${trained.version}'s ${scored.f1.toFixed(4)}`;
      }
    }
    return { workspace, created, ingest: ing, train: trained, score: scored, deploy: deployed, production: readProduction(config)?.version ?? null, decision };
  } finally {
    await store.close();
  }
}

export function formatDemo(r: DemoResult): string {
  const lines = [`workspace: ${r.workspace}${r.created ? ' (created from the generator)' : ''}`];
  lines.push(`ingest: ${r.ingest.files.filter((f) => f.status === 'ingested').length} files read, dataset ${r.ingest.rowsTotal} rows (${r.ingest.rowsAdded} new, ${r.ingest.duplicatesDropped} duplicates dropped, ${r.ingest.rowsRejected} rejected)`);
  if (r.train) lines.push(`train: ${r.train.version} on ${r.train.trainingRows} rows, ${r.train.iterations} iterations`);
  if (r.score) {
    const s = r.score;
    lines.push(`score: F1 ${s.f1.toFixed(4)}, ROC AUC ${s.rocAuc?.toFixed(4) ?? 'n/a'}, top-${s.topK.k} precision ${s.topK.precision.toFixed(4)} on ${s.rows} test rows`);
  }
  lines.push(`decision: ${r.decision}`);
  lines.push(`production: ${r.production ?? 'none'}`);
  return lines.join('\n');
}
