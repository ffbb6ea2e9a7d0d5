import { randomBytes } from 'node:crypto';
import { maxHeaderSize, type IncomingMessage, type ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The server's protections that are not about one route: security headers on every response,
 * CORS only for configured origins, request ids, and a token bucket per client IP on the routes
 * that change production. The settings and plain functions live here (tests reach them directly);
 * src/server/plugins/security.ts hands them to helmet, @fastify/cors and @fastify/rate-limit.
 */

/**
 * helmet's settings: exactly the headers of SECURITY_HEADERS below, nothing more (the
 * headers helmet adds by default — HSTS, Origin-Agent-Cluster, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection — are off, as before;
 * HSTS belongs to the TLS proxy in front). The CSP allows only this server's own scripts, styles
 * and fetches (the dashboard is built with no CDN); inline styles stay allowed for the /docs page
 * and for chart attributes set from script.
 */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  xContentTypeOptions: true,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  crossOriginEmbedderPolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xPoweredBy: false,
  xXssProtection: false,
} as const;

/**
 * The headers helmet's middleware sets for `options`, recorded once from a stand-in response.
 * The hook then adds them as fastify reply headers: calling the middleware per request would set
 * them on the raw response, and a raw response with headers of its own takes Node's slower
 * writeHead path (every header merged and validated again), measured in BENCHMARKS.md.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/** Helmet has no Permissions-Policy: set beside it. */
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=()';

/**
 * Sent with every response: what helmet sends with HELMET_OPTIONS, plus Permissions-Policy. Also
 * written by hand where no hook runs (answerClientError); the tests check every kind of answer
 * carries exactly these. (The CSP's directives are the ones the server always sent; helmet joins
 * them with ";" where the hand-written header had "; ".)
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;connect-src 'self';font-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': PERMISSIONS_POLICY,
});

/** What a CORS answer says beside the origin (preflights: methods, headers, how long to cache). */
const CORS_SETTINGS = {
  methods: 'GET, POST, OPTIONS',
  allowedHeaders: 'authorization, content-type, accept, x-request-id',
  exposedHeaders: 'x-request-id, x-model-version',
  maxAge: 600,
};

type CorsRequest = { method: string; headers: Record<string, string | string[] | undefined> };
type CorsAnswer = typeof CORS_SETTINGS & { origin: string | false; preflight: boolean; strictPreflight: boolean };

/**
 * @fastify/cors's per-request options (its `delegator`) for config `api.cors_origins`: an allowed
 * origin (or any, with "*") gets the CORS headers; any other origin, or none, gets none — the
 * browser then refuses. Only an OPTIONS with Access-Control-Request-Method is a preflight (answered
 * 204); another OPTIONS is an ordinary request (405 with Allow, as for any method a path lacks).
 */
export function corsDelegator(allowed: readonly string[]): (req: CorsRequest, cb: (err: Error | null, options: CorsAnswer | { origin: false }) => void) => void {
  const any = allowed.includes('*');
  return (req, cb) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || (!any && !allowed.includes(origin))) return cb(null, { origin: false });
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    cb(null, { ...CORS_SETTINGS, origin: any ? '*' : origin, preflight, strictPreflight: false });
  };
}

/**
 * @fastify/rate-limit's store: a token bucket per key (RateLimiter below) instead of its fixed
 * window — `burst` requests at once, then `perMinute` spread evenly, as config api.rate_limit
 * says. One store for every limited route (child() is itself): one bucket per client, shared by
 * the routes that change production, as before.
 */
export function tokenBucketStore(limiter: RateLimiter) {
  return class TokenBucketStore {
    incr(key: string, cb: (err: Error | null, result: { current: number; ttl: number }) => void, _timeWindow: number, max: number): void {
      const t = limiter.take(key);
      // Past `max` is what the plugin refuses; ttl (ms) becomes Retry-After (s, rounded up).
      cb(null, t.ok ? { current: 1, ttl: 0 } : { current: max + 1, ttl: t.retryAfterSeconds * 1000 });
    }
    child(): TokenBucketStore {
      return this;
    }
  };
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

// A random prefix per process and a counter: unique across restarts and processes, and cheap —
// random bytes per request cost about 4% of a single-record prediction's CPU (profiled).
const PROCESS_PREFIX = randomBytes(4).toString('hex');
let counter = 0;

/**
 * A request id: the caller's `x-request-id` when it is a short token (so a proxy's id follows the
 * request through the logs; anything else could forge log lines), else `<process prefix>-<counter>`.
 */
export function requestId(header: string | string[] | undefined): string {
  const h = Array.isArray(header) ? header[0] : header;
  if (h && CLIENT_REQUEST_ID.test(h)) return h;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PROCESS_PREFIX}-${counter.toString(36)}`;
}

export interface RateLimitOptions {
  /** Requests allowed at once (bucket size). */
  burst: number;
  /** Refill rate, requests per minute. */
  perMinute: number;
  /** Clock (ms), for tests. */
  now?: () => number;
  /** Most clients tracked; the least recently seen are forgotten beyond it (memory stays bounded). */
  maxClients?: number;
}

/** Token bucket per key (client IP): `take` answers whether a request may go on, or after how many seconds. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;
  private readonly maxClients: number;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
    this.maxClients = opts.maxClients ?? 10_000;
  }

  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const perMs = this.opts.perMinute / 60_000;
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-inserted below: Map order = least recently seen first
      b.tokens = Math.min(this.opts.burst, b.tokens + (now - b.at) * perMs);
      b.at = now;
    } else {
      b = { tokens: this.opts.burst, at: now };
    }
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
  }
}

/**
 * fastify's `trustProxy` for config `api.trusted_proxies`. With a list, fastify (proxy-addr)
 * takes `req.ip` from X-Forwarded-For only when the connecting address is in it, walking the
 * header from the right past trusted hops: the client is the rightmost untrusted address, so a
 * client cannot pick its own rate-limit key by sending the header itself. Empty: `false`, the
 * connecting address is the client and the header is ignored (one bucket for everyone behind an
 * untrusted proxy). Never `true` or a hop count: those would trust any peer's header.
 */
export function trustProxySetting(trusted: readonly string[]): string[] | false {
  return trusted.length ? [...trusted] : false;
}

/** Query parameters the routes read; any other parameter's value is masked in the request log. */
const LOGGED_QUERY = new Set(['filepath', 'limit', 'top']);

/**
 * The URL as written to the request log: values of query parameters no route reads are `***`.
 * A client that puts its token in the query string (`/rollback?token=…`; the API reads it only
 * from the Authorization header) must not leave it in the logs; a parameter the routes read is
 * kept so the log still says what was asked.
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return p;
      let name = p.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: not a name a route reads
      }
      return LOGGED_QUERY.has(name) ? p : `${p.slice(0, eq)}=***`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/**
 * What a request refused by Node's HTTP parser is answered with. llhttp's `reason` is one of its
 * fixed texts ("Duplicate Content-Length", "Content-Length can't be present with Transfer-Encoding",
 * "Invalid `Transfer-Encoding` header value"), never the client's bytes, so it is shown as is.
 */
function clientErrorAnswer(err: Error & { code?: string; reason?: string }): { status: number; message: string } {
  if (err.code === 'HPE_HEADER_OVERFLOW') return { status: 431, message: `request headers are too large (at most ${Math.round(maxHeaderSize / 1024)} KB)` };
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, message: 'request timed out' };
  const reason = typeof err.reason === 'string' && /^[\x20-\x7e]{1,120}$/.test(err.reason) ? `: ${err.reason}` : '';
  return { status: 400, message: `malformed HTTP request${reason}` };
}

interface ClientSocket {
  writable: boolean;
  destroyed: boolean;
  write(data: string): boolean;
  destroy(err?: Error): void;
}

/**
 * Fastify's clientErrorHandler: a request the HTTP parser refused never reaches the hooks, so
 * Fastify answered it bare (`{"error":"Bad Request","message":"Client Error","statusCode":400}`,
 * no security headers). Here it gets the API's `{error:{message}}`, the security headers and a
 * request id, and the connection is closed (the rest of its bytes cannot be trusted).
 */
export function answerClientError(err: Error & { code?: string; reason?: string }, socket: ClientSocket, log?: { info(obj: object, msg: string): void }): void {
  // A reset or half-closed connection has no one to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const { status, message } = clientErrorAnswer(err);
  const id = requestId(undefined);
  log?.info({ reqId: id, status, code: err.code }, 'request refused by the HTTP parser');
  const body = JSON.stringify({ error: { message } });
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'cache-control': 'no-store',
    'x-request-id': id,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  socket.write(`HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
  // As Node and Fastify do: the written answer is flushed, then the connection is dropped.
  socket.destroy();
}
