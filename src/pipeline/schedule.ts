import { createRequire } from 'node:module';
import { silentLogger, type Logger } from '../util/log.js';

const nodeRequire = createRequire(import.meta.url);

/**
 * croner, loaded on first use (as util/log.ts does pino): validateSchedule is exported by the
 * library entry, which every command loads, and only the commands that schedule need croner. In
 * the CLI bundle `require` is the bundle's own and esbuild bundles this call as a lazily run copy
 * of croner; run unbundled, it is Node's, from node_modules.
 */
function croner(): typeof import('croner') {
  return typeof require === 'function' ? require('croner') : nodeRequire('croner');
}

/**
 * An in-process scheduler for long-lived riskwatch processes (a `schedule` / `serve` command):
 * run `tick` on a cron expression, never two at once. For a plain machine, cron or a systemd
 * timer calling `riskwatch run` does the same job with no process to keep alive (see deploy/).
 *
 * Built on croner 9. Its `protect` option is the overlap guard; verified in croner 9.1.0's source
 * (dist/croner.js, `_checkTrigger` / `_trigger`):
 * - `_trigger` sets an internal `blocking` flag, awaits the job function, then clears the flag;
 * - when a fire time comes while `blocking` is set and `protect` is set, the job function is NOT
 *   called; if `protect` is a function it is called (in a setTimeout 0) with the job; the fire is
 *   dropped, not queued, and the next fire time is scheduled as usual;
 * - if the job function throws and no `catch` option is set, the flag is never cleared (every
 *   later fire is skipped for good) and the rejection is unhandled. So the function given to
 *   croner here never throws: tick errors are caught, logged and passed to `onError`.
 * - `job.stop()` only cancels the timer; it does not wait for a running function. `stop()` below
 *   does.
 */

export interface ScheduleOptions {
  log?: Logger;
  /** IANA time zone the expression is read in (default: the process's local time zone). */
  timezone?: string;
  /** Called with whatever a tick threw or rejected with. The schedule keeps going. */
  onError?: (err: unknown) => void;
}

export interface Schedule {
  /**
   * Stop firing and wait for a tick in progress to finish. With `abort: true` the running tick's
   * signal is aborted first (runPipeline stops between steps). Idempotent.
   */
  stop(opts?: { abort?: boolean }): Promise<void>;
  /** When the next tick is due; null once stopped. */
  nextRun(): Date | null;
  /** A tick is in progress right now. */
  running(): boolean;
}

const EXPECTED = 'expected 5 fields "minute hour day-of-month month day-of-week" (or 6 with seconds first), e.g. "*/10 * * * *"';

/**
 * Check a cron expression (and time zone) and return it normalised (trimmed, spaces collapsed).
 * Throws an Error with one line naming the expression and what is expected.
 */
export function validateSchedule(cron: string, timezone?: string): string {
  if (typeof cron !== 'string') throw new Error(`schedule ${JSON.stringify(cron)}: not a string; ${EXPECTED}`);
  const expr = cron.trim().replace(/\s+/g, ' ');
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new Error(`schedule time zone ${JSON.stringify(timezone)}: not a known IANA time zone; expected e.g. "UTC" or "Europe/Paris"`);
    }
  }
  try {
    new (croner().CronPattern)(expr, timezone);
  } catch (err) {
    const why = String((err as Error).message ?? err).replace(/^CronPattern:\s*/, '').replace(/\.$/, '');
    throw new Error(`schedule ${JSON.stringify(cron)}: ${why.charAt(0).toLowerCase()}${why.slice(1)}; ${EXPECTED}`);
  }
  // Parses but can never fire (e.g. "0 0 30 2 *", February 30th): croner would just sit idle.
  const probe = new (croner().Cron)(expr, { timezone, paused: true });
  const next = probe.nextRun();
  probe.stop();
  if (next === null) throw new Error(`schedule ${JSON.stringify(cron)}: never matches a date; ${EXPECTED}`);
  return expr;
}

/**
 * Run `tick` on the cron expression `cron` (5 fields, or 6 with seconds first), never two ticks
 * at once: a fire time that comes while the previous tick still runs is skipped and logged (not
 * queued — the next tick is the next fire time after the running one ends). Every tick logs its
 * start and its end with outcome and duration. Throws at once if the expression is invalid.
 *
 * `tick` receives an AbortSignal, aborted by `stop({ abort: true })`: pass it on to runPipeline.
 */
export function startSchedule(cron: string, tick: (signal: AbortSignal) => Promise<unknown>, opts: ScheduleOptions = {}): Schedule {
  const expr = validateSchedule(cron, opts.timezone);
  const log = opts.log ?? silentLogger;
  let inFlight: Promise<void> | null = null;
  let controller: AbortController | null = null;
  let startedAt: string | null = null;
  let tickNo = 0;
  let skipped = 0;
  let stopped = false;
  let stopLogged = false;

  const safeLog = (level: 'info' | 'warn' | 'error', obj: Record<string, unknown>, msg: string) => {
    try {
      log[level]({ schedule: expr, ...obj }, msg);
    } catch {
      // logging must not break the schedule
    }
  };

  const run = async (): Promise<void> => {
    const n = ++tickNo;
    const t0 = performance.now();
    startedAt = new Date().toISOString();
    controller = new AbortController();
    safeLog('info', { tick: n }, `scheduled tick ${n} started`);
    try {
      const result = await tick(controller.signal);
      const seconds = Math.round(performance.now() - t0) / 1000;
      const r = result as { status?: unknown; reason?: unknown } | null | undefined;
      const summary = r && typeof r === 'object' && typeof r.status === 'string' ? { status: r.status, reason: r.reason } : {};
      safeLog('info', { tick: n, outcome: 'ok', seconds, ...summary }, `scheduled tick ${n} finished in ${seconds} s${typeof summary.status === 'string' ? `: ${summary.status}` : ''}`);
    } catch (err) {
      const seconds = Math.round(performance.now() - t0) / 1000;
      safeLog('error', { tick: n, outcome: 'failed', seconds, error: (err as Error)?.message ?? String(err) }, `scheduled tick ${n} failed after ${seconds} s: ${(err as Error)?.message ?? String(err)}`);
      try {
        opts.onError?.(err);
      } catch {
        // onError's own failure is not the schedule's problem
      }
    } finally {
      startedAt = null;
      controller = null;
    }
  };

  const job = new (croner().Cron)(expr, {
    timezone: opts.timezone,
    protect: () => {
      if (stopped) return;
      skipped++;
      safeLog('warn', { tick: tickNo, skipped, runningSince: startedAt }, `scheduled tick skipped: tick ${tickNo} (started ${startedAt}) is still running`);
    },
    // run() never throws; this only guards against a bug there leaving croner blocked for good.
    catch: (err: unknown) => safeLog('error', { error: String(err) }, `scheduler internal error: ${String(err)}`),
  }, async () => {
    if (stopped) return;
    const p = run();
    inFlight = p;
    try {
      await p;
    } finally {
      if (inFlight === p) inFlight = null;
    }
  });
  safeLog('info', { timezone: opts.timezone ?? null, nextRun: job.nextRun()?.toISOString() ?? null }, `schedule "${expr}" started; next tick ${job.nextRun()?.toISOString() ?? 'never'}`);

  return {
    async stop(stopOpts = {}) {
      if (!stopped) {
        stopped = true;
        job.stop();
        safeLog('info', { running: inFlight !== null }, inFlight ? `schedule "${expr}" stopping; waiting for tick ${tickNo} to finish` : `schedule "${expr}" stopped`);
      }
      if (stopOpts.abort) (controller as AbortController | null)?.abort(new Error('schedule stopped'));
      const p: Promise<void> | null = inFlight;
      if (p) {
        await p;
        if (!stopLogged) safeLog('info', {}, `schedule "${expr}" stopped after tick ${tickNo} finished`);
        stopLogged = true;
      }
    },
    nextRun() {
      return stopped ? null : job.nextRun();
    },
    running() {
      return inFlight !== null;
    },
  };
}
