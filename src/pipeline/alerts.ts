import { silentLogger, type Logger } from '../util/log.js';
import type { RunResult } from './run.js';
import { maskUrl, redact } from '../util/mask-url.js';

/**
 * Webhook alerts: a finished run tells people what happened (drift, a new model deployed, a
 * failure) by POSTing JSON to each configured URL. Slack incoming webhooks, Mattermost, Teams
 * workflows and most chat bridges read the `text` field; everything else is there for machines.
 *
 * Delivery is best-effort and bounded: a slow or dead webhook must never hold up or fail a run.
 * Nothing here throws; every target gets a delivery record saying what happened.
 */

export type AlertKind = 'drift' | 'run_failed' | 'deployed' | 'locked';

export interface AlertEvent {
  kind: AlertKind;
  runId: number | null;
  /** One line for people, e.g. `model drift — F1 0.41 on 833 new rows; deployed v3`. */
  message: string;
  details: Record<string, unknown>;
  /** ISO 8601 time of the event. */
  at: string;
}

export interface AlertTarget {
  /** http(s) URL. `user:password@` in it is sent as HTTP Basic auth, never shown in logs or results. */
  url: string;
  headers?: Record<string, string>;
}

export interface AlertDelivery {
  /** The target URL with any password (and secret-looking query values) replaced by `***`. */
  url: string;
  ok: boolean;
  /** HTTP status of the last attempt that got a response. */
  status?: number;
  /** Requests made (0 when the URL itself is invalid). */
  attempts: number;
  /** Why it failed, one line; absent when ok. */
  error?: string;
  /** Wall-clock milliseconds for this target, retries and backoff included. */
  ms: number;
}

export interface AlertOptions {
  /** Per request (connect + response + body). Default 5000. */
  timeoutMs?: number;
  /** Extra attempts after the first, on network errors, timeouts, 5xx and 429. Default 2. */
  retries?: number;
  /** First backoff; it doubles on each retry (default 500 → 0.5 s, 1 s, 2 s …). */
  backoffMs?: number;
  log?: Logger;
  fetchImpl?: typeof fetch;
  /** Aborting stops in-flight requests and pending retries at once (deliveries report `aborted`). */
  signal?: AbortSignal;
}

/** The JSON body every target receives. */
export interface AlertPayload {
  text: string;
  kind: AlertKind;
  runId: number | null;
  message: string;
  details: Record<string, unknown>;
  at: string;
  source: 'riskwatch';
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_RETRIES = 2;
const DEFAULT_BACKOFF_MS = 500;
const MAX_TEXT = 1000;
// maskUrl moved to src/util/mask-url.ts (the PostgreSQL store masks its URL the same way); re-exported for existing imports.
export { maskUrl };

/** The one-line Slack-compatible summary: `riskwatch: <message>`. */
export function alertText(event: AlertEvent): string {
  const line = `riskwatch: ${event.message}`.replace(/\s+/g, ' ').trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

export function alertPayload(event: AlertEvent): AlertPayload {
  return { text: alertText(event), kind: event.kind, runId: event.runId, message: event.message, details: event.details, at: event.at, source: 'riskwatch' };
}

/**
 * POST one event to every target, all targets in parallel. Never throws, never rejects.
 * Worst case per target: (retries + 1) × timeoutMs + the backoffs (defaults: 3 × 5 s + 1.5 s).
 */
export async function sendAlerts(event: AlertEvent, targets: AlertTarget[], opts: AlertOptions = {}): Promise<AlertDelivery[]> {
  let body: string;
  try {
    body = JSON.stringify(alertPayload(event));
  } catch (err) {
    // details held something JSON cannot carry (a cycle, a BigInt): say so rather than throw.
    const error = `alert body is not JSON: ${(err as Error).message}`;
    return targets.map((t) => ({ url: maskUrl(t.url), ok: false, attempts: 0, error, ms: 0 }));
  }
  return Promise.all(targets.map((t) => deliver(event.kind, body, t, opts)));
}

async function deliver(kind: AlertKind, body: string, target: AlertTarget, opts: AlertOptions): Promise<AlertDelivery> {
  const log = opts.log ?? silentLogger;
  const shown = maskUrl(String(target?.url ?? ''));
  const t0 = performance.now();
  const done = (d: Omit<AlertDelivery, 'url' | 'ms'>): AlertDelivery => {
    const out: AlertDelivery = { url: shown, ...d, ms: Math.round(performance.now() - t0) };
    try {
      if (out.ok) log.info({ alert: kind, url: shown, status: out.status, attempts: out.attempts, ms: out.ms }, `alert ${kind} delivered to ${shown}`);
      else log.warn({ alert: kind, url: shown, status: out.status, attempts: out.attempts, ms: out.ms, error: out.error }, `alert ${kind} not delivered to ${shown}: ${out.error}`);
    } catch {
      // A broken logger must not turn into a thrown alert.
    }
    return out;
  };
  try {
    const req = prepare(target);
    if (typeof req === 'string') return done({ ok: false, attempts: 0, error: req });
    const timeoutMs = positive(opts.timeoutMs, DEFAULT_TIMEOUT_MS);
    const retries = Math.max(0, Math.floor(opts.retries ?? DEFAULT_RETRIES));
    const backoff = Math.max(0, opts.backoffMs ?? DEFAULT_BACKOFF_MS);
    const fetchImpl = opts.fetchImpl ?? fetch;
    let attempts = 0;
    let status: number | undefined;
    let error = '';
    for (;;) {
      if (opts.signal?.aborted) return done({ ok: false, status, attempts, error: error ? `aborted (last: ${error})` : 'aborted' });
      attempts++;
      const outcome = await attempt(fetchImpl, req.url, req.headers, body, timeoutMs, opts.signal);
      status = outcome.status ?? status;
      if (outcome.ok) return done({ ok: true, status, attempts });
      error = scrub(outcome.error, target.url);
      try {
        log.debug({ alert: kind, url: shown, attempt: attempts, status: outcome.status, error }, `alert ${kind} attempt ${attempts} to ${shown} failed: ${error}`);
      } catch {
        // as above
      }
      if (!outcome.retry || attempts > retries) return done({ ok: false, status, attempts, error });
      if (!(await sleep(backoff * 2 ** (attempts - 1), opts.signal))) return done({ ok: false, status, attempts, error: `aborted (last: ${error})` });
    }
  } catch (err) {
    // Only a bug (or a hostile fetchImpl) gets here; still no throw.
    return done({ ok: false, attempts: 0, error: scrub(`internal error: ${(err as Error)?.message ?? String(err)}`, String(target?.url ?? '')) });
  }
}

/** The URL to request and its headers, or a one-line reason the target is unusable. */
function prepare(target: AlertTarget): { url: string; headers: Record<string, string> } | string {
  let u: URL;
  try {
    u = new URL(target.url);
  } catch {
    return `invalid URL ${JSON.stringify(maskUrl(String(target?.url ?? '')))}: expected an absolute http(s) URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `unsupported protocol ${u.protocol} in ${maskUrl(target.url)}: expected http or https`;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'riskwatch' };
  // fetch() refuses URLs with credentials (and its error would print the password): send Basic auth.
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  for (const [k, v] of Object.entries(target.headers ?? {})) headers[k.toLowerCase()] = String(v);
  return { url: u.toString(), headers };
}

interface Attempt {
  ok: boolean;
  status?: number;
  retry: boolean;
  error: string;
}

async function attempt(fetchImpl: typeof fetch, url: string, headers: Record<string, string>, body: string, timeoutMs: number, outer?: AbortSignal): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = outer ? anySignal([timeout, outer]) : timeout;
  try {
    const res = await fetchImpl(url, { method: 'POST', headers, body, signal, redirect: 'follow' });
    // Read (and so release) the body, bounded: the timeout signal covers it too.
    const text = await res.text().catch(() => '');
    if (res.ok) return { ok: true, status: res.status, retry: false, error: '' };
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return { ok: false, status: res.status, retry: res.status >= 500 || res.status === 429, error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${snippet ? `: ${snippet}` : ''}` };
  } catch (err) {
    if (outer?.aborted) return { ok: false, retry: false, error: 'aborted' };
    if (timeout.aborted) return { ok: false, retry: true, error: `timed out after ${timeoutMs} ms` };
    return { ok: false, retry: true, error: networkError(err) };
  }
}

function networkError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e?.cause;
  if (cause && (cause.code || cause.message)) return `${e.message}: ${cause.message ?? cause.code}`;
  return e?.message ?? String(err);
}

/** The message with the raw URL masked and its secrets (password, token=…) removed: mask-url's redact. */
function scrub(message: string, raw: string): string {
  return raw ? redact(message, raw) : message;
}

function positive(v: number | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : dflt;
}

/** Resolves true after ms, or false as soon as signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** AbortSignal.any (Node ≥ 20.3) without depending on the minor version. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      c.abort(s.reason);
      return c.signal;
    }
  }
  const onAbort = (ev: Event) => {
    c.abort((ev.target as AbortSignal).reason);
    for (const s of signals) s.removeEventListener('abort', onAbort);
  };
  for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  return c.signal;
}

// ---------------------------------------------------------------------------------------------
// What a run should say.

function f1(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

/**
 * The alerts a finished run should send, in this order: `drift` (dataset, prediction or model
 * drift detected), `deployed` (a new version went to production), `run_failed`. A quiet run
 * (noop, no drift, nothing deployed) sends nothing. `locked` (another run held the workspace) is
 * sent only with `includeLocked`: under cron a long run makes the next ones lock out routinely.
 */
export function alertsFor(result: RunResult, opts: { at?: string; includeLocked?: boolean } = {}): AlertEvent[] {
  const at = opts.at ?? new Date().toISOString();
  const events: AlertEvent[] = [];
  const runId = result.runId;
  if (result.status === 'locked') {
    if (opts.includeLocked) events.push({ kind: 'locked', runId, message: `run ${runId ?? '?'} skipped: ${result.reason}`, details: { reason: result.reason }, at });
    return events;
  }
  const kinds: string[] = [];
  if (result.drift.model) kinds.push('model drift');
  if (result.drift.dataset) kinds.push('data drift');
  if (result.drift.prediction) kinds.push('prediction drift');
  if (kinds.length > 0) {
    const label = kinds.join(' + ');
    const reason = result.reason || (result.status === 'failed' ? `run failed: ${result.error ?? 'unknown error'}` : '');
    // The run's reason often starts with the same words ("model drift: F1 …"): do not repeat them.
    const message = !reason ? label : reason.toLowerCase().startsWith(kinds[0]) && kinds.length === 1 ? reason : `${label} — ${reason}`;
    events.push({
      kind: 'drift',
      runId,
      message,
      details: { drift: result.drift, retrained: result.retrained, deployed: result.deployed, ingested: result.ingested, champion: result.champion, challenger: result.challenger, reason: result.reason },
      at,
    });
  }
  if (result.deployed) {
    const v = result.deployed;
    const ch = result.challenger;
    const cm = result.champion;
    const message = cm && ch
      ? `deployed ${v}: F1 ${f1(ch.f1)} on held-out newest rows vs ${f1(cm.f1)} for ${cm.version}`
      : ch
        ? `deployed ${v} (first model in production, test F1 ${f1(ch.f1)})`
        : `deployed ${v}`;
    events.push({ kind: 'deployed', runId, message, details: { version: v, previous: cm?.version ?? null, challenger: ch, champion: cm, reason: result.reason }, at });
  }
  if (result.status === 'failed') events.push(failureAlert(result.error ?? result.reason ?? 'unknown error', runId, { at, timings: result.timings }));
  return events;
}

/**
 * `run_failed` for a run that threw (runPipeline rethrows after recording the failure, so the
 * caller has the error and perhaps not the RunResult).
 */
export function failureAlert(err: unknown, runId: number | null, opts: { at?: string; timings?: Record<string, number> } = {}): AlertEvent {
  const error = typeof err === 'string' ? err : ((err as Error)?.message ?? String(err));
  const line = error.split('\n')[0];
  return { kind: 'run_failed', runId, message: `run ${runId ?? '?'} failed: ${line}`, details: { error, ...(opts.timings ? { timings: opts.timings } : {}) }, at: opts.at ?? new Date().toISOString() };
}

export interface NotifyOutcome {
  /** One record per (event, target), in event order per target. */
  deliveries: Array<AlertDelivery & { kind: AlertKind }>;
  /** maxWaitMs passed first: what was still in flight was aborted and reports `aborted`. */
  timedOut: boolean;
  ms: number;
}

/**
 * Send a run's alerts with a hard upper bound on the time it may take, for the end of `run`.
 *
 * How to call it (CLI layer, after runPipeline returned or threw — the run is already recorded
 * and the lock released, so a slow webhook delays only the process exit, never the data):
 *
 *     const events = result ? alertsFor(result) : [failureAlert(err, runId)];
 *     if (events.length && targets.length) {
 *       const sent = await notifyInBackground(events, targets, { timeoutMs, retries, log, maxWaitMs: 10_000 });
 *       // sent.deliveries are already logged (info when delivered, warn when not); optionally
 *       // add them to --json output. They must not change the exit code.
 *     }
 *
 * Await it: the CLI process exits right after, and a promise nobody awaits would be cut off (or,
 * worse, keep the process alive until every retry gave up). The returned promise never rejects
 * and settles within maxWaitMs (plus a few ms): at the bound every request still in flight is
 * aborted, so no socket or timer keeps the process alive. Per target the events go in order
 * (drift before deployed); targets are independent and in parallel. A long-lived process (the
 * scheduler) may instead not await it — it never rejects, so no unhandled rejection either.
 */
export async function notifyInBackground(events: AlertEvent[], targets: AlertTarget[], opts: AlertOptions & { maxWaitMs?: number } = {}): Promise<NotifyOutcome> {
  const t0 = performance.now();
  const deliveries: Array<AlertDelivery & { kind: AlertKind }> = [];
  if (events.length === 0 || targets.length === 0) return { deliveries, timedOut: false, ms: 0 };
  const stop = new AbortController();
  const signal = opts.signal ? anySignal([stop.signal, opts.signal]) : stop.signal;
  const maxWaitMs = positive(opts.maxWaitMs, 10_000);
  let timedOut = false;
  // What each target has delivered so far; filled in as it goes, so the bound can report it.
  const perTarget: Array<Array<AlertDelivery & { kind: AlertKind }>> = targets.map(() => []);
  let timer: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;
  const all = Promise.all(
    targets.map(async (target, i) => {
      for (const ev of events) {
        const [d] = await sendAlerts(ev, [target], { ...opts, signal });
        perTarget[i].push({ ...d, kind: ev.kind });
      }
    }),
  ).catch(() => undefined);
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      stop.abort(new Error(`alerts took longer than ${maxWaitMs} ms`));
      // Aborted requests settle within milliseconds; a fetchImpl that ignores its signal does not
      // get to stretch the bound by more than this.
      grace = setTimeout(resolve, 50);
    }, maxWaitMs);
  });
  try {
    await Promise.race([all, bound]);
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
  }
  // Event order first, then target order: easier to read in --json.
  for (let e = 0; e < events.length; e++) {
    for (let i = 0; i < targets.length; i++) {
      deliveries.push(perTarget[i][e] ?? { url: maskUrl(String(targets[i]?.url ?? '')), ok: false, attempts: 0, error: `aborted: alerts took longer than ${maxWaitMs} ms`, ms: Math.round(performance.now() - t0), kind: events[e].kind });
    }
  }
  return { deliveries, timedOut, ms: Math.round(performance.now() - t0) };
}
