import type { Context } from '../context.js';
import { alertsFor, failureAlert, notifyInBackground, type AlertTarget, type NotifyOutcome } from './alerts.js';
import { runPipeline, type RunOptions, type RunResult } from './run.js';

/** Webhook targets from config; `url_env` names are resolved now, a missing variable is skipped with a warning. */
export function alertTargets(ctx: Context): AlertTarget[] {
  const out: AlertTarget[] = [];
  for (const w of ctx.config.alerts.webhooks) {
    const url = w.url ?? process.env[w.url_env!];
    if (!url) {
      ctx.log.warn({ env: w.url_env }, `alerts: environment variable ${w.url_env} is not set; that webhook is skipped`);
      continue;
    }
    out.push({ url, headers: w.headers });
  }
  return out;
}

/**
 * How long a run may spend on alerts after its work is recorded. With the defaults one dead target
 * costs up to 3 × 5 s + 1.5 s per event, so 40 s lets two events to it run their retries.
 */
const MAX_ALERT_WAIT_MS = 40_000;

/**
 * `run` and its alerts: drift, a deployment or a failure is POSTed to the configured webhooks
 * after the run is recorded and its lock released, bounded in time and never failing the run.
 */
export async function runAndNotify(ctx: Context, opts: RunOptions & { alertSignal?: AbortSignal } = {}): Promise<RunResult & { alerts?: NotifyOutcome }> {
  const targets = alertTargets(ctx);
  // Alerts are not aborted by a stop request for the run itself: a run that failed or deployed is
  // worth telling about, and the send is bounded anyway.
  const send = (events: ReturnType<typeof alertsFor>) =>
    notifyInBackground(events, targets, { timeoutMs: ctx.config.alerts.timeout_ms, retries: ctx.config.alerts.retries, log: ctx.log, maxWaitMs: MAX_ALERT_WAIT_MS, signal: opts.alertSignal });
  let result: RunResult;
  try {
    result = await runPipeline(ctx, opts);
  } catch (err) {
    if (targets.length) await send([failureAlert(err, (err as { runId?: number }).runId ?? null)]);
    throw err;
  }
  const events = alertsFor(result);
  if (!events.length || !targets.length) return result;
  return { ...result, alerts: await send(events) };
}
