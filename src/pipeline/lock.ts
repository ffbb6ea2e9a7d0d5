import { openDatabase } from '../store/sqlite/open-database.js';
import { readFileSync, rmSync } from 'node:fs';
import { makeDirSync } from '../util/make-dir.js';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { RiskwatchError } from '../util/errors.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import type { Context } from '../context.js';

/** Exit code of a command that found another run holding the lock. */
export const LOCKED_EXIT_CODE = 3;

export class LockedError extends RiskwatchError {
  constructor(message: string) {
    super(message, LOCKED_EXIT_CODE);
    this.name = 'LockedError';
  }
}

export interface RunLock {
  /** Synchronous for the file lock; a store's lock returns a promise: await it either way. */
  release(): void | Promise<void>;
}

/**
 * One pipeline run at a time per workspace. The lock is an exclusive transaction on a small
 * SQLite file: SQLite's locks are the operating system's file locks, so when the holder dies —
 * even by kill -9 — the kernel releases the lock and the next run simply gets it. No pid files to
 * go stale, no clean-up step. A side file names the holder so the refusal message can say who.
 */
export function acquireRunLock(path: string, what = 'run'): RunLock {
  makeDirSync(dirname(path));
  const db = openDatabase(path, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      let holder = '';
      try {
        const h = JSON.parse(readFileSync(`${path}.holder.json`, 'utf8')) as { pid: number; host: string; startedAt: string; what: string };
        holder = ` (pid ${h.pid} on ${h.host}, ${h.what} started ${h.startedAt})`;
      } catch {
        // The holder file is informational only.
      }
      throw new LockedError(`another run holds the lock ${path}${holder}; try again when it finishes`);
    }
    throw err;
  }
  writeFileAtomicSync(`${path}.holder.json`, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), what }) + '\n');
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(`${path}.holder.json`, { force: true });
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

/** Where the run lock of a sqlite workspace lives: beside the store. (A postgres store locks in the server.) */
export function runLockPath(ctx: Pick<Context, 'config'>): string {
  const sc = ctx.config.store;
  return join(sc.type === 'sqlite' ? dirname(sc.path) : ctx.config.dir, 'riskwatch.run.lock');
}

/**
 * The lock a pipeline run takes: the store's own when it is shared by several machines (postgres:
 * an advisory lock in the server), else the file lock beside the sqlite store. Same refusal either
 * way: LockedError, exit code 3, naming the holder when it can be told.
 */
export async function acquirePipelineLock(ctx: Pick<Context, 'config' | 'store'> & Partial<Pick<Context, 'log'>>, what = 'run'): Promise<RunLock> {
  const shared = ctx.store.shared;
  if (!shared) return acquireRunLock(runLockPath(ctx), what);
  const got = await shared.tryRunLock(what, (why) => ctx.log?.warn({ why }, `lost the run lock of the ${shared.describe()} (${why}); another run may start before this one ends`));
  if ('holder' in got) throw new LockedError(`another run holds the run lock of the ${shared.describe()} (${got.holder}); try again when it finishes`);
  return got.lock;
}
