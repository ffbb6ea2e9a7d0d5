import { RiskwatchError } from '../index.js';
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

/** A user error from the library (unknown version, nothing to roll back to) is the client's, not a 500. */
export async function userErrorsAs<T>(status: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RiskwatchError && !(err instanceof HttpError)) throw new HttpError(status, err.message);
    throw err;
  }
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
