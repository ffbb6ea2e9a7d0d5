import { type Context } from '../../index.js';
import type { Metrics } from '../metrics.js';
import type { LoadedModel, ModelHolder } from '../model-holder.js';
import { HttpError } from '../http-errors.js';

/**
 * What the server's plugins share, made once by createServer (app.ts) and handed to each as its
 * options: the context, the production model holder, the metrics, and the routes as registered.
 */
export interface ServerState {
  ctx: Context;
  holder: ModelHolder;
  metrics: Metrics;
  /** Every route as registered (method, path); the OpenAPI test checks each is documented. */
  routes: Array<{ method: string; path: string }>;
  /** Body limit in bytes (named in the 413 message). */
  bodyLimit: number;
  /** Folder of the built dashboard (undefined: found beside the code). */
  dashboardDir?: string;
  /** Time limit of each npm call of GET /dependencies (ms). */
  dependencyTimeoutMs: number;
  /** Work to do once the server is up (fill the dashboard's caches); plugins add theirs. */
  warmers: Array<() => Promise<unknown>>;
}

export interface PluginOptions {
  state: ServerState;
}

/** The production model, or a 503 when none is deployed. Read once per request: a swap mid-request does not mix versions. */
export function requireModel(holder: ModelHolder): LoadedModel {
  const m = holder.current;
  if (!m) throw new HttpError(503, 'no model in production; run `riskwatch deploy`');
  return m;
}
