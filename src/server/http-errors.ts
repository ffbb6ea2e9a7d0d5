import { BusyError, RiskwatchError } from '../index.js';
import type { FastifyRequest } from 'fastify';
import { mlflowCodeOf } from './mlflow.js';

/** An answer other than 200 a route chooses: its status and a message for `{error:{message}}`. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/**
 * Messages from the library can name files; a response names them relative to the workspace and
 * never shows another absolute path (internal layout stays private).
 */
export function redactPaths(message: string, workspaceDir: string): string {
  const root = workspaceDir.endsWith('/') ? workspaceDir : workspaceDir + '/';
  return message.split(root).join('').replace(/(^|[\s"'(=:])(?:\/[^\s"'()/:,;]+){2,}\/?/g, '$1<path>');
}

/** Spreadsheet formula injection: a cell starting with = + - @ (or tab / CR) becomes text. */
export function neutraliseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * A user error from the library (unknown version, nothing to roll back to) is the client's, not a 500.
 * A busy store is neither the client's nor a bug: it goes on to the error handler (storeBusy, a 503).
 */
export async function userErrorsAs<T>(status: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RiskwatchError && !(err instanceof HttpError) && !storeBusy(err)) throw new HttpError(status, err.message);
    throw err;
  }
}

/**
 * Seconds a client is told to wait (Retry-After) when the store is locked. The request already
 * waited the store's busy timeout (30 s) for the other process's write — a run, an ingest, a CLI
 * deploy — so that write is a long one; a few seconds more is a guess at "soon", not a promise.
 */
export const STORE_BUSY_RETRY_AFTER_S = 10;

/**
 * Whether an error is the store (or another SQLite file) held by another process's write beyond
 * the busy timeout: the SQLite store's BusyError, or a bare SQLITE_BUSY / SQLITE_LOCKED (extended
 * codes included) from a database read outside the store. Answered 503 with Retry-After.
 */
export function storeBusy(err: unknown): boolean {
  if (err instanceof BusyError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** The error shape of a path: /invocations answers every error as MLflow's scoring server does, {error_code, message}. */
export function errorBody(path: string | undefined, status: number, message: string, malformed = false): { error_code: string; message: string } | { error: { message: string } } {
  return path === '/invocations' ? { error_code: mlflowCodeOf(status, malformed), message } : { error: { message } };
}

/** A query string checked by a zod schema: its messages as one 400. */
export function badQuery(issues: ReadonlyArray<{ message: string }>): HttpError {
  return new HttpError(400, issues.map((i) => i.message).join('; '));
}

/** Whether the client asked for CSV before JSON (Accept). */
export function wantsCsv(req: FastifyRequest): boolean {
  const accept = String(req.headers.accept ?? '').toLowerCase();
  const csv = accept.indexOf('text/csv');
  if (csv < 0) return false;
  const json = accept.indexOf('application/json');
  return json < 0 || csv < json;
}
