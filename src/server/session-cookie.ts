import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens and dashboard sessions of read access control (read-access.ts), kept apart from the
 * routes so tests reach them directly.
 *
 * A token is compared as a SHA-256 digest with timingSafeEqual, as the admin token is (auth.ts):
 * equal lengths whatever was sent, constant time, so timing tells nothing about the token.
 *
 * A session cookie is never the token. It is `v1.<kind>.<expiry>.<id>.<signature>`: a random id,
 * an expiry (seconds since 1970), the token it was signed in with (`r` read, `a` admin), signed
 * with HMAC-SHA256 under a key derived from that token. Deriving the key (rather than a random key
 * per process) lets every server of a scaled-out deployment and a restarted server accept the
 * same session — the job a configured secret does in other tools — and changing a token ends
 * every session signed in with it. Knowing the token lets one forge a session, which grants no
 * more than the token itself.
 */

export type TokenKind = 'read' | 'admin';

export const SESSION_COOKIE = 'riskwatch_session';
/** How long a dashboard session lasts (seconds): a working day, then sign in again. */
export const SESSION_SECONDS = 12 * 60 * 60;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

// The configured tokens' digests, kept while the tokens stay the same: only the token sent is
// hashed per request (this check runs on every request, the prediction hot path included).
const configured = new Map<string, Buffer>();
function configuredDigest(token: string): Buffer {
  let d = configured.get(token);
  if (!d) {
    if (configured.size > 8) configured.clear(); // tokens change rarely; never grows
    d = digest(token);
    configured.set(token, d);
  }
  return d;
}

/**
 * Which configured token `given` is, if any. Both tokens are always compared (no early exit on
 * the first), each as a digest in constant time.
 */
export function tokenKind(given: string, tokens: { read?: string; admin?: string }): TokenKind | null {
  const g = digest(given);
  const read = tokens.read ? timingSafeEqual(g, configuredDigest(tokens.read)) : false;
  const admin = tokens.admin ? timingSafeEqual(g, configuredDigest(tokens.admin)) : false;
  return read ? 'read' : admin ? 'admin' : null;
}

/** The bearer token of an Authorization header (`Bearer <token>`, scheme in any case), or null. */
export function bearerOf(header: string | undefined): string | null {
  const m = /^Bearer[ \t]+(\S.*)$/i.exec(header ?? '');
  return m ? m[1].trim() : null;
}

/** One cookie's value from a Cookie header (the first of that name), or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

// One derived key per token value: the derivation runs once, not per request.
const keys = new Map<string, Buffer>();
function sessionKey(token: string): Buffer {
  const d = digest(token).toString('hex');
  let k = keys.get(d);
  if (!k) {
    if (keys.size > 8) keys.clear(); // tokens change rarely; never grows
    k = createHmac('sha256', token).update('riskwatch session key v1').digest();
    keys.set(d, k);
  }
  return k;
}

const KIND_CODE: Record<TokenKind, string> = { read: 'r', admin: 'a' };

function signature(token: string, payload: string): Buffer {
  return createHmac('sha256', sessionKey(token)).update(payload).digest();
}

export interface Session {
  id: string;
  kind: TokenKind;
  /** Expiry, seconds since 1970. */
  expires: number;
}

/** A new session cookie value for someone who signed in with `token` of `kind`. */
export function newSession(kind: TokenKind, token: string, nowMs = Date.now()): { value: string; session: Session } {
  const id = randomBytes(16).toString('base64url');
  const expires = Math.floor(nowMs / 1000) + SESSION_SECONDS;
  const payload = `v1.${KIND_CODE[kind]}.${expires.toString(36)}.${id}`;
  return { value: `${payload}.${signature(token, payload).toString('base64url')}`, session: { id, kind, expires } };
}

const COOKIE_FORM = /^v1\.([ra])\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * The session a cookie value holds when it is well formed, signed under the current token of its
 * kind, and not expired; null otherwise (forged, tampered, expired, or its token changed).
 */
export function verifySession(value: string | null, tokens: { read?: string; admin?: string }, nowMs = Date.now()): Session | null {
  if (!value) return null;
  const m = COOKIE_FORM.exec(value);
  if (!m) return null;
  const kind: TokenKind = m[1] === 'r' ? 'read' : 'admin';
  const token = kind === 'read' ? tokens.read : tokens.admin;
  if (!token) return null;
  const expires = parseInt(m[2], 36);
  const now = Math.floor(nowMs / 1000);
  if (!(expires > now) || expires > now + SESSION_SECONDS + 60) return null;
  const given = Buffer.from(m[4], 'base64url');
  const expected = signature(token, `v1.${m[1]}.${m[2]}.${m[3]}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { id: m[3], kind, expires };
}

/**
 * Sessions signed out before their expiry, until it. A cookie's value can outlive the browser's
 * copy (copied, or replayed by whoever saw it); sign-out ends it on this server. Only a signed-in
 * browser can add one, so the list is as long as the sign-outs of one expiry period.
 */
export class SignedOut {
  private readonly ids = new Map<string, number>();

  add(s: Session, nowMs = Date.now()): void {
    const now = Math.floor(nowMs / 1000);
    for (const [id, exp] of this.ids) if (exp <= now) this.ids.delete(id);
    this.ids.set(s.id, s.expires);
  }

  has(s: Session): boolean {
    return this.ids.has(s.id);
  }
}
