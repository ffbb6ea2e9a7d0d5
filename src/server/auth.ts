import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer-token check for the routes that change production (deploy, rollback, run). The token
 * comes from the environment variable named in config `api.token_env`; with none configured the
 * routes are off (403), never open. Tokens are compared as SHA-256 digests with timingSafeEqual:
 * equal length whatever was sent, and constant time, so timing reveals nothing about the token.
 */
export type AuthOutcome = { ok: true } | { ok: false; status: 401 | 403; message: string };

export function checkBearer(header: string | undefined, token: string | undefined): AuthOutcome {
  if (!token) return { ok: false, status: 403, message: 'this route is disabled: no API token is configured (config api.token_env)' };
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return { ok: false, status: 401, message: 'missing bearer token' };
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(m[1].trim()), digest(token))) return { ok: false, status: 401, message: 'invalid bearer token' };
  return { ok: true };
}
