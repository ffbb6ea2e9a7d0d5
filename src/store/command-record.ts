import { processAlive } from '../util/process-alive.js';
import type { Logger } from '../util/log.js';
import { nowIso } from '../util/time.js';
import { thisProcess } from './record-owner.js';
import type { Store } from './types.js';

// The error text of such a record. It says "run" as it has since it was introduced: readers match it.
export const INTERRUPTED = 'interrupted: the process ended before the run finished (killed?)';

/**
 * Record a `running` command record of `command` for this process, then close as `interrupted` the
 * records of this host whose process is gone: a command killed with SIGKILL (or by a power cut)
 * never finishes its record, and `train`, `ingest`, `score`… take no run lock that would tell the next
 * `run` it is dead. Only this host's records are checked (a pid means nothing on another machine);
 * records made before pids were kept are left to the run lock (`run` only). Best effort: a
 * failed check never fails the command that records itself.
 */
export async function recordCommandStart(store: Store, command: string, log: Logger): Promise<number> {
  const me = thisProcess();
  const id = await store.startCommandRecord(command, nowIso(), me);
  try {
    const dead = (await store.runningRecordsOn(me.host)).filter((r) => r.id !== id && !processAlive(r.pid));
    const closed = await store.interruptRecordIds(dead.map((r) => r.id), nowIso(), INTERRUPTED);
    for (const r of dead.filter((d) => closed.includes(d.id))) {
      log.warn({ runId: r.id, command: r.command, pid: r.pid }, `${r.command} ${r.id} ended without finishing (killed?): recorded as interrupted (its process ${r.pid} is gone)`);
    }
  } catch (err) {
    log.warn({ err: (err as Error).message }, `could not check for command records left running by killed processes: ${(err as Error).message}`);
  }
  return id;
}

export interface RecordCommandOptions<T> {
  /** What the record keeps of the command beside its timing (e.g. whether a score was ad hoc). */
  detail?: (result: T) => Record<string, unknown>;
  /** The one line a failure is recorded with (default: the error's message). */
  describe?: (err: unknown) => string;
}

/**
 * Run `fn` as command `command` with its command record: started `running` (closing this host's
 * records left running by killed processes, as recordCommandStart does), finished `ok` with its
 * duration in milliseconds under the command's name and `detail`, or `failed` with the error's
 * line. The error is rethrown, and a failure to finish the record never hides it. Every command
 * that records itself goes through here, from the CLI or from the API.
 */
export async function recordCommand<T>(ctx: { store: Store; log: Logger }, command: string, fn: () => Promise<T>, opts: RecordCommandOptions<T> = {}): Promise<T> {
  const id = await recordCommandStart(ctx.store, command, ctx.log);
  const t0 = performance.now();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    const message = opts.describe ? opts.describe(err) : ((err as Error)?.message ?? String(err));
    await ctx.store.finishCommandRecord(id, 'failed', nowIso(), { [command]: performance.now() - t0 }, message, {}).catch(() => {});
    throw err;
  }
  await ctx.store.finishCommandRecord(id, 'ok', nowIso(), { [command]: performance.now() - t0 }, null, opts.detail?.(result) ?? {});
  return result;
}
