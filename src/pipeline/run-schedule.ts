import type { RunReportWriter } from '../contracts/run.js';
import type { Context } from '../context.js';
import { DataError, UsageError } from '../util/errors.js';
import { runAndNotify } from './notify.js';
import { startSchedule, validateSchedule } from './schedule.js';

/**
 * `riskwatch schedule`: `run` (with its alerts) on the configured cron expression, in this
 * process, until `signal` aborts (SIGTERM/SIGINT); then the tick in progress stops between steps
 * and the schedule ends. A run that is still going when the next tick is due makes that tick
 * skip (logged); the workspace lock also keeps out any other process's run.
 */
export async function runSchedule(ctx: Context, opts: { cron?: string; signal: AbortSignal; report?: RunReportWriter }): Promise<{ ticks: number; cron: string }> {
  const cron = opts.cron ?? ctx.config.schedule;
  try {
    validateSchedule(cron);
  } catch (err) {
    // A bad --cron is a bad flag value (usage, exit 2); a bad config "schedule" is bad config (exit 1).
    if (opts.cron) throw new UsageError(`--cron: ${(err as Error).message}`);
    throw new DataError(`${ctx.config.file}: key "schedule": ${(err as Error).message}`);
  }
  let ticks = 0;
  const schedule = startSchedule(
    cron,
    async (tickSignal) => {
      ticks++;
      // Stopping the schedule also cuts short alerts still being retried.
      const stop = AbortSignal.any([tickSignal, opts.signal]);
      await runAndNotify(ctx, { signal: stop, alertSignal: stop, report: opts.report });
    },
    // The scheduler logs a failed tick itself; nothing more to do here.
    { log: ctx.log },
  );
  ctx.log.info({ cron, next: schedule.nextRun()?.toISOString() }, `schedule started: ${cron}`);
  await new Promise<void>((resolve) => (opts.signal.aborted ? resolve() : opts.signal.addEventListener('abort', () => resolve(), { once: true })));
  ctx.log.info('stopping the schedule');
  await schedule.stop({ abort: true });
  return { ticks, cron };
}
