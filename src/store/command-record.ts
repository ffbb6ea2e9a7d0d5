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

/**
 * Run `fn` as a recorded command, as the CLI records each of its commands: a `running` record
 * first, then `ok` with its time in ms and `detail(result)`, or `failed` with the error's message
 * (the error is thrown on). The server records a deploy or rollback made through the API with it.
 */
export async function recordedCommand<T>(ctx: { store: Store; log: Logger }, command: string, fn: () => Promise<T>, detail?: (result: T) => Record<string, unknown>): Promise<T> {
  const id = await recordCommandStart(ctx.store, command, ctx.log);
  const t0 = performance.now();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await ctx.store.finishCommandRecord(id, 'failed', nowIso(), { [command]: performance.now() - t0 }, (err as Error)?.message ?? String(err), {}).catch(() => undefined);
    throw err;
  }
  await ctx.store.finishCommandRecord(id, 'ok', nowIso(), { [command]: performance.now() - t0 }, null, detail?.(result) ?? {});
  return result;
}
