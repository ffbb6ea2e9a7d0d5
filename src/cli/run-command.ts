import type { Config, Context, Logger } from '../index.js';
import { RiskwatchError } from '../contracts/errors.js';
import { library } from './library.js';
import { gracefulDone } from './stop.js';

export interface GlobalOptions {
  config: string;
  json?: boolean;
  logLevel?: string;
}

/** Turn any failure into (one line for the user, exit code). Bugs keep their stack at debug level. */
export function describeFailure(err: unknown, log?: Logger): { message: string; exitCode: number } {
  if (err instanceof RiskwatchError) return { message: err.message, exitCode: err.exitCode };
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e && typeof e.code === 'string' && e.syscall) {
    const what: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EROFS: 'read-only file system',
      ENOSPC: 'no space left on device',
      EDQUOT: 'disk quota exceeded',
      ENOENT: 'no such file or folder',
      EISDIR: 'is a folder',
      ENOTDIR: 'not a folder',
      EADDRINUSE: 'the port is in use by another process (choose another with --port or config "url")',
      EADDRNOTAVAIL: 'the address is not one of this machine\'s (choose another with --host or config "url")',
    };
    // A socket error names where: cannot listen on 127.0.0.1:8000 (its address and port).
    if (e.port !== undefined) return { message: `cannot ${e.syscall} on ${e.address?.includes(':') ? `[${e.address}]` : e.address ?? ''}:${e.port}: ${what[e.code] ?? e.code}`, exitCode: 1 };
    return { message: `cannot ${e.syscall} ${e.path ?? ''}: ${what[e.code] ?? e.code}`.replace(/\s+:/, ':'), exitCode: 1 };
  }
  log?.debug({ err }, 'internal error');
  return { message: `internal error: ${(err as Error)?.message ?? String(err)} (run with --log-level debug for details)`, exitCode: 1 };
}

function print(json: boolean, result: unknown, human: (r: never) => string): void {
  if (json) process.stdout.write(JSON.stringify(result) + '\n');
  else {
    const text = human(result as never);
    if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
}

/**
 * The shape of every command: load config, open the store, make a command record with its timing, call
 * the library, print a human summary or exactly one JSON object, and map errors to exit codes.
 */
export async function runCommand<T>(name: string, globals: GlobalOptions, fn: (ctx: Context) => Promise<T>, human: (r: T) => string, opts: { record?: boolean; exitCode?: (r: T) => number; detail?: (r: T) => Record<string, unknown> } = {}): Promise<void> {
  const { loadConfig, makeContext, openStore, createLogger, noProgress, terminalProgress, recordCommand, prestartIngest } = await library();
  if (name === 'ingest') prestartIngest();
  let log = createLogger(globals.logLevel ?? 'info');
  let config: Config;
  try {
    config = loadConfig(globals.config);
  } catch (err) {
    return fail(err, log, Boolean(globals.json));
  }
  if (!globals.logLevel && config.logLevel !== 'info') log = createLogger(config.logLevel);
  let ctx: Context;
  try {
    const store = await openStore(config);
    ctx = makeContext(config, store, log, globals.json ? noProgress : terminalProgress());
  } catch (err) {
    return fail(err, log, Boolean(globals.json));
  }
  // Commands make command records (timings feed diagnostics); the pipeline makes its own.
  const record = opts.record !== false;
  try {
    const result = record ? await recordCommand(ctx, name, () => fn(ctx), { detail: opts.detail, describe: (err) => describeFailure(err, log).message }) : await fn(ctx);
    print(Boolean(globals.json), result, human as (r: never) => string);
    const code = opts.exitCode?.(result) ?? 0;
    if (code) process.exitCode = code;
  } catch (err) {
    fail(err, log, Boolean(globals.json));
  } finally {
    gracefulDone();
    await ctx.store.close();
  }
}

/** Commands that need no config (simulate, schema). */
export async function runPlain<T>(globals: GlobalOptions, fn: (log: Logger) => Promise<T>, human: (r: T) => string): Promise<void> {
  const { createLogger } = await library();
  const log = createLogger(globals.logLevel ?? 'info');
  try {
    print(Boolean(globals.json), await fn(log), human as (r: never) => string);
  } catch (err) {
    fail(err, log, Boolean(globals.json));
  }
}

/** One line on stderr; with --json also the one JSON object on stdout, so scripts always get one. */
function fail(err: unknown, log: Logger, json = false): void {
  const { message, exitCode } = describeFailure(err, log);
  process.stderr.write(`riskwatch: ${message}\n`);
  if (json) process.stdout.write(JSON.stringify({ error: { message, exitCode } }) + '\n');
  process.exitCode = exitCode;
}
