import { RiskwatchError, type Config, type Logger } from '../index.js';
import type { SessionState } from '../contracts/api.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter } from './security.js';
import { SESSION_COOKIE, SESSION_SECONDS, SignedOut, bearerOf, cookieValue, newSession, tokenKind, verifySession, type TokenKind } from './session-cookie.js';
import { signInPage } from './signin-page.js';

/**
 * Read access control (config `api.read_token_env`). A ranked list of a company's clients by their
 * likelihood to leave is confidential: with a read token configured, every route but /health,
 * /ready and the sign-in routes answers 401 unless the request carries the read token (or the
 * admin token of `api.token_env`) as `Authorization: Bearer`, or — for a browser reading (GET,
 * HEAD) — a session cookie from the sign-in page. A browser's page navigation without either is
 * sent to the sign-in page instead. Unconfigured: everything stays open, as before, and `serve`
 * warns once when it listens beyond loopback. The routes that change production still need the
 * admin token on top (app.ts).
 */

/** Routes anyone may call: probes, and what signing in and out needs. */
const PUBLIC = new Set(['/health', '/ready', '/signin', '/signout', '/session']);
const DEFAULT_NEXT = '/dashboard/';
const MIN_TOKEN_LENGTH = 16;

export interface Who {
  kind: TokenKind;
  via: 'bearer' | 'session';
  /** Session expiry (s since 1970), for a session. */
  expires?: number;
}

/** Where to go after signing in: a path on this server only (no `//host`, no scheme, no backslash). */
export function safeNext(s: unknown): string {
  if (typeof s !== 'string' || s.length > 512) return DEFAULT_NEXT;
  if (!/^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/.test(s)) return DEFAULT_NEXT;
  if (/^\/sign(in|out)\b/.test(s)) return DEFAULT_NEXT;
  return s;
}

function sessionCookie(req: FastifyRequest, value: string, maxAge: number): string {
  // Secure when the browser reached us over https — directly, or through a proxy of
  // api.trusted_proxies saying so in X-Forwarded-Proto (fastify's req.protocol believes the
  // header only from those). Over plain http a Secure cookie would never come back.
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${req.protocol === 'https' ? '; Secure' : ''}`;
}

/** A form POSTed from another site (login/logout CSRF): browsers say so in Sec-Fetch-Site. */
const crossSite = (req: FastifyRequest) => req.headers['sec-fetch-site'] === 'cross-site';

/**
 * Before the server starts: a configured read token must be there and long enough. Fail closed
 * and loudly — a configured name with nothing behind it must not serve openly.
 */
export function checkReadToken(api: Config['api']): void {
  const name = api.read_token_env;
  if (!name) return;
  const t = process.env[name];
  if (!t) throw new RiskwatchError(`config api.read_token_env: the environment variable ${name} is not set; set it to the read token (e.g. \`openssl rand -hex 32\`) or remove the key`);
  if (t.length < MIN_TOKEN_LENGTH) throw new RiskwatchError(`config api.read_token_env: the token in ${name} has ${t.length} characters; use at least ${MIN_TOKEN_LENGTH} (e.g. \`openssl rand -hex 32\`)`);
}

export interface ReadAccessOptions {
  api: Config['api'];
  log: Logger;
}

/**
 * Adds the access check (an onRequest hook on the whole server, when a read token is configured)
 * and registers GET/POST /signin, POST /signout and GET /session (always: without a read token
 * they say so and send the browser to the dashboard). Call before the routes are registered.
 */
export function readAccess(app: FastifyInstance, { api, log }: ReadAccessOptions): void {
  const readEnv = api.read_token_env;
  const adminEnv = api.token_env;
  checkReadToken(api);
  // Read per request, as the admin guard reads its token: a token removed from the environment
  // stops working at once.
  const tokens = () => ({ read: readEnv ? process.env[readEnv] || undefined : undefined, admin: adminEnv ? process.env[adminEnv] || undefined : undefined });
  const signedOut = new SignedOut();

  /**
   * Who the request is, or why not. A bearer token, when sent, decides alone. Another scheme is
   * not ours — a proxy doing Basic authentication in front passes the browser's `Authorization:
   * Basic` on — and leaves the decision to the session cookie.
   */
  const identify = (req: FastifyRequest): Who | { refused: 'missing' | 'invalid' } => {
    const t = tokens();
    const bearer = bearerOf(req.headers.authorization);
    if (bearer !== null) {
      const kind = tokenKind(bearer, t);
      return kind ? { kind, via: 'bearer' } : { refused: 'invalid' };
    }
    const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (cookie === null) return { refused: 'missing' };
    // A session reads; it never authorises a POST (a form cannot post with it from elsewhere
    // anyway — SameSite=Strict — and no read the dashboard makes is a POST).
    const s = req.method === 'GET' || req.method === 'HEAD' ? verifySession(cookie, t) : null;
    if (!s || signedOut.has(s)) return { refused: 'invalid' };
    return { kind: s.kind, via: 'session', expires: s.expires };
  };

  if (readEnv) {
    // Callback style (no promise per request): this runs on every request, /prediction included.
    app.addHook('onRequest', (req, reply, done) => {
      const route = req.routeOptions.url;
      if (route !== undefined && PUBLIC.has(route)) return done();
      const who = identify(req);
      if (!('refused' in who)) return done();
      // A person opening a page (not a script's fetch) is shown the sign-in page.
      const navigation = (req.method === 'GET' || req.method === 'HEAD') && bearerOf(req.headers.authorization) === null && String(req.headers.accept ?? '').includes('text/html');
      if (navigation) {
        void reply.redirect(`/signin?next=${encodeURIComponent(safeNext(req.url))}`, 303);
        return;
      }
      const message = who.refused === 'missing' ? 'this server requires a read token: send Authorization: Bearer <token> (config api.read_token_env), or sign in at /signin' : 'invalid read token or session; sign in again at /signin';
      void reply
        .status(401)
        .header('www-authenticate', `Bearer realm="riskwatch"${who.refused === 'invalid' ? ', error="invalid_token"' : ''}`)
        .send({ error: { message } });
    });
  }

  // Sign-in attempts share the rate limit of the routes that change production (per client IP).
  const limiter = new RateLimiter({ burst: api.rate_limit.burst, perMinute: api.rate_limit.per_minute });

  void app.register(async (scope) => {
    // The sign-in form's body (application/x-www-form-urlencoded), only on these routes.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    const page = (reply: FastifyReply, status: number, opts: Parameters<typeof signInPage>[0]) => reply.status(status).type('text/html; charset=utf-8').send(signInPage(opts));

    scope.get('/signin', async (req, reply) => {
      const q = req.query as { next?: unknown; signedout?: unknown };
      if (!readEnv) return reply.redirect(safeNext(q.next), 303);
      return page(reply, 200, { next: safeNext(q.next), signedOut: q.signedout !== undefined });
    });

    scope.post('/signin', async (req, reply) => {
      const body = (req.body ?? {}) as { token?: unknown; next?: unknown };
      const next = safeNext(body.next);
      if (!readEnv) return reply.redirect(next, 303);
      if (crossSite(req)) return page(reply, 403, { next, error: 'Sign-in from another site is refused.' });
      const t = limiter.take(req.ip);
      if (!t.ok) return page(reply.header('retry-after', String(t.retryAfterSeconds)), 429, { next, error: `Too many sign-in attempts; try again in ${t.retryAfterSeconds} s.` });
      const given = typeof body.token === 'string' ? body.token.trim() : '';
      const current = tokens();
      const kind = given ? tokenKind(given, current) : null;
      if (!kind) {
        log.info({ reqId: req.id }, 'sign-in refused: wrong token');
        return page(reply, 401, { next, error: 'That token is not right.' });
      }
      const { value } = newSession(kind, kind === 'read' ? current.read! : current.admin!);
      log.info({ reqId: req.id, kind }, 'signed in');
      return reply.header('set-cookie', sessionCookie(req, value, SESSION_SECONDS)).redirect(next, 303);
    });

    scope.post('/signout', async (req, reply) => {
      if (!readEnv) return reply.redirect(DEFAULT_NEXT, 303);
      if (crossSite(req)) return page(reply, 403, { next: DEFAULT_NEXT, error: 'Sign-out from another site is refused.' });
      const s = verifySession(cookieValue(req.headers.cookie, SESSION_COOKIE), tokens());
      if (s) signedOut.add(s);
      return reply.header('set-cookie', sessionCookie(req, '', 0)).redirect('/signin?signedout', 303);
    });

    // Whether this server asks for a token and how this request is signed in (the dashboard shows
    // a sign-out button from it).
    scope.get('/session', async (req): Promise<SessionState> => {
      if (!readEnv) return { readAccess: 'open', signedIn: false, via: null, expiresAt: null };
      const who = identify(req);
      if ('refused' in who) return { readAccess: 'token', signedIn: false, via: null, expiresAt: null };
      return { readAccess: 'token', signedIn: true, via: who.via, expiresAt: who.expires ? new Date(who.expires * 1000).toISOString() : null };
    });
  });
}

const isLoopback = (host: string) => host === 'localhost' || /^127\./.test(host) || host === '::1' || /^::ffff:127\./i.test(host);

/** At start: one warning when reads are open to whoever reaches a non-loopback address. */
export function warnIfOpen(log: Logger, api: Config['api'], host: string): void {
  if (api.read_token_env || isLoopback(host)) return;
  log.warn({ host }, `api.read_token_env is not set and the server listens on ${host}: anyone who reaches it can read every client's risk (set api.read_token_env, see SECURITY.md)`);
}
