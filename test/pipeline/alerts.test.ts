import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { alertsFor, alertText, failureAlert, maskUrl, notifyInBackground, sendAlerts, type AlertEvent } from '../../src/pipeline/alerts.ts';
import type { RunResult } from '../../src/pipeline/run.ts';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A real HTTP server on 127.0.0.1 whose behaviour depends on the path. */
let server: Server;
let base: string;
let refusedUrl: string;
const received: Received[] = [];
const hits = new Map<string, number>();
const hitTimes = new Map<string, number[]>();

function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '/';
    const key = path.replace(/\?.*/, '');
    const n = (hits.get(key) ?? 0) + 1;
    hits.set(key, n);
    hitTimes.set(key, [...(hitTimes.get(key) ?? []), performance.now()]);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      // recorded as {}
    }
    received.push({ path, headers: req.headers, body });
    const reply = (status: number, text = 'ok') => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(text);
    };
    if (key.startsWith('/ok')) return reply(200);
    if (key.startsWith('/flaky')) return n === 1 ? reply(500, 'internal oops') : reply(200);
    if (key.startsWith('/busy')) return n === 1 ? reply(429, 'slow down') : reply(200);
    if (key.startsWith('/always500')) return reply(503, 'maintenance');
    if (key.startsWith('/bad')) return reply(400, 'invalid_payload');
    if (key.startsWith('/gone')) return reply(404, 'no_service');
    if (key.startsWith('/auth')) {
      const want = `Basic ${Buffer.from('alice:s3cr3t-pw').toString('base64')}`;
      return req.headers.authorization === want ? reply(200) : reply(401, 'who are you');
    }
    if (key.startsWith('/hang')) return; // never answers
    reply(404, 'unknown path');
  });
}

function captureLogger() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { log, lines };
}

function event(over: Partial<AlertEvent> = {}): AlertEvent {
  return { kind: 'drift', runId: 7, message: 'model drift — F1 0.41 on 833 new rows; deployed v3', details: { f1: 0.41 }, at: '2025-06-01T10:00:00.000Z', ...over };
}

before(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that refuses: bind one, note it, close it.
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  refusedUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}/refused`;
  await new Promise<void>((r) => tmp.close(() => r()));
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('sendAlerts against a real HTTP server', { concurrency: true }, () => {
  it('delivers the JSON payload with a one-line Slack text field', async () => {
    const [d] = await sendAlerts(event(), [{ url: `${base}/ok-payload`, headers: { 'X-Team': 'risk' } }]);
    assert.deepEqual({ ok: d.ok, status: d.status, attempts: d.attempts, error: d.error }, { ok: true, status: 200, attempts: 1, error: undefined });
    assert.equal(d.url, `${base}/ok-payload`);
    const got = received.find((r) => r.path === '/ok-payload')!;
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['x-team'], 'risk');
    assert.equal(got.body.text, 'riskwatch: model drift — F1 0.41 on 833 new rows; deployed v3');
    assert.doesNotMatch(got.body.text as string, /\n/);
    assert.deepEqual(
      { ...got.body, text: undefined },
      { text: undefined, kind: 'drift', runId: 7, message: 'model drift — F1 0.41 on 833 new rows; deployed v3', details: { f1: 0.41 }, at: '2025-06-01T10:00:00.000Z', source: 'riskwatch' },
    );
  });

  it('retries a 500 and succeeds on the second attempt', async () => {
    const t0 = performance.now();
    const [d] = await sendAlerts(event(), [{ url: `${base}/flaky` }], { backoffMs: 100 });
    assert.equal(d.ok, true);
    assert.equal(d.attempts, 2);
    assert.equal(d.status, 200);
    assert.equal(hits.get('/flaky'), 2);
    assert.ok(performance.now() - t0 >= 90, 'backed off before retrying');
  });

  it('retries a 429', async () => {
    const [d] = await sendAlerts(event(), [{ url: `${base}/busy` }], { backoffMs: 50 });
    assert.equal(d.ok, true);
    assert.equal(d.attempts, 2);
  });

  it('gives up after retries + 1 attempts on a persistent 5xx, reporting the last status and body', async () => {
    const [d] = await sendAlerts(event(), [{ url: `${base}/always500` }], { retries: 2, backoffMs: 20 });
    assert.equal(d.ok, false);
    assert.equal(d.attempts, 3);
    assert.equal(d.status, 503);
    assert.equal(d.error, 'HTTP 503 Service Unavailable: maintenance');
    assert.equal(hits.get('/always500'), 3);
  });

  it('defaults: 2 retries, backing off 0.5 s then 1 s', async () => {
    const [d] = await sendAlerts(event(), [{ url: `${base}/always500-defaults` }]);
    assert.equal(d.attempts, 3);
    const [a, b, c] = hitTimes.get('/always500-defaults')!;
    assert.ok(b - a >= 480 && b - a < 800, `first backoff ${Math.round(b - a)} ms`);
    assert.ok(c - b >= 980 && c - b < 1400, `second backoff ${Math.round(c - b)} ms`);
  });

  it('does not retry a 400 or a 404', async () => {
    const [bad, gone] = await sendAlerts(event(), [{ url: `${base}/bad` }, { url: `${base}/gone` }], { backoffMs: 20 });
    assert.deepEqual([bad.ok, bad.status, bad.attempts], [false, 400, 1]);
    assert.match(bad.error!, /^HTTP 400 Bad Request: invalid_payload$/);
    assert.deepEqual([gone.ok, gone.status, gone.attempts], [false, 404, 1]);
    assert.equal(hits.get('/bad'), 1);
    assert.equal(hits.get('/gone'), 1);
  });

  it('times out on a server that never answers, retrying within a bounded time', async () => {
    const t0 = performance.now();
    const [d] = await sendAlerts(event(), [{ url: `${base}/hang` }], { timeoutMs: 200, retries: 1, backoffMs: 50 });
    const ms = performance.now() - t0;
    assert.equal(d.ok, false);
    assert.equal(d.attempts, 2);
    assert.equal(d.status, undefined);
    assert.equal(d.error, 'timed out after 200 ms');
    // 2 × 200 ms + 50 ms backoff, plus slack.
    assert.ok(ms >= 400 && ms < 1500, `took ${Math.round(ms)} ms`);
  });

  it('reports a refused connection as an error, after retrying', async () => {
    const [d] = await sendAlerts(event(), [{ url: refusedUrl }], { retries: 1, backoffMs: 20 });
    assert.equal(d.ok, false);
    assert.equal(d.attempts, 2);
    assert.match(d.error!, /ECONNREFUSED/);
  });

  it('sends user:password as Basic auth and masks the password in the result, errors and logs', async () => {
    const { log, lines } = captureLogger();
    const authUrl = `http://alice:s3cr3t-pw@127.0.0.1:${new URL(base).port}/auth`;
    const refusedWithPw = refusedUrl.replace('http://', 'http://alice:s3cr3t-pw@');
    const [ok, refused, invalid] = await sendAlerts(event(), [{ url: authUrl }, { url: refusedWithPw }, { url: 'htp:/alice:s3cr3t-pw@nowhere' }], { retries: 0, log });
    assert.equal(ok.ok, true, ok.error);
    assert.equal(ok.url, `http://alice:***@127.0.0.1:${new URL(base).port}/auth`);
    const got = received.find((r) => r.path === '/auth')!;
    assert.equal(got.headers.authorization, `Basic ${Buffer.from('alice:s3cr3t-pw').toString('base64')}`);
    assert.equal(refused.ok, false);
    assert.equal(refused.url, refusedUrl.replace('http://', 'http://alice:***@'));
    assert.equal(invalid.ok, false);
    assert.equal(invalid.attempts, 0);
    const everything = JSON.stringify([ok, refused, invalid]) + lines.join('');
    assert.doesNotMatch(everything, /s3cr3t/);
    assert.ok(lines.some((l) => l.includes('alice:***@')), 'logs name the masked URL');
    assert.ok(lines.length >= 3, 'each delivery is logged');
  });

  it('never throws: invalid URLs, a wrong protocol, a throwing fetch, a body JSON cannot carry', async () => {
    const ds = await sendAlerts(event(), [{ url: 'not a url' }, { url: 'ftp://example.com/x' }]);
    assert.deepEqual(ds.map((d) => [d.ok, d.attempts]), [[false, 0], [false, 0]]);
    assert.match(ds[0].error!, /invalid URL/);
    assert.match(ds[1].error!, /unsupported protocol ftp:/);

    const throwing = (() => {
      throw new Error('sync kaboom');
    }) as unknown as typeof fetch;
    const [t] = await sendAlerts(event(), [{ url: `${base}/ok-x` }], { fetchImpl: throwing, retries: 1, backoffMs: 10 });
    assert.equal(t.ok, false);
    assert.equal(t.attempts, 2);
    assert.match(t.error!, /sync kaboom/);

    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const [c] = await sendAlerts(event({ details: cyclic }), [{ url: `${base}/ok-cyclic` }]);
    assert.equal(c.ok, false);
    assert.match(c.error!, /not JSON/);

    assert.deepEqual(await sendAlerts(event(), []), []);
  });

  it('sends to every target in parallel: total time is the slowest target, not the sum', async () => {
    const t0 = performance.now();
    const ds = await sendAlerts(event(), [{ url: `${base}/hang-a` }, { url: `${base}/hang-b` }, { url: `${base}/ok-par` }, { url: refusedUrl }], { timeoutMs: 1500, retries: 0 });
    const ms = performance.now() - t0;
    assert.deepEqual(ds.map((d) => d.ok), [false, false, true, false]);
    // In series the two hanging targets alone would take 3 s; in parallel about 1.5 s. The timeout
    // is generous so the answering target is not timed out on a loaded machine.
    assert.ok(ms < 2900, `parallel: ${Math.round(ms)} ms for two 1500 ms timeouts`);
  });
});

describe('notifyInBackground', { concurrency: true }, () => {
  it('settles within maxWaitMs, aborting what is still in flight', async () => {
    const events = [event(), event({ kind: 'deployed', message: 'deployed v3' })];
    const t0 = performance.now();
    const out = await notifyInBackground(events, [{ url: `${base}/ok-bg` }, { url: `${base}/hang-bg` }], { timeoutMs: 5000, retries: 2, maxWaitMs: 300 });
    const ms = performance.now() - t0;
    assert.ok(ms >= 290 && ms < 700, `bounded: ${Math.round(ms)} ms`);
    assert.equal(out.timedOut, true);
    assert.equal(out.deliveries.length, 4);
    // event order first, then target order
    assert.deepEqual(out.deliveries.map((d) => [d.kind, d.ok]), [['drift', true], ['drift', false], ['deployed', true], ['deployed', false]]);
    assert.match(out.deliveries[1].error!, /aborted/);
    assert.match(out.deliveries[3].error!, /aborted/);
    const bg = received.filter((r) => r.path === '/ok-bg').map((r) => r.body.kind);
    assert.deepEqual(bg, ['drift', 'deployed'], 'per target, events go in order');
  });

  it('returns at once with nothing to send, and without timing out when all is quick', async () => {
    assert.deepEqual(await notifyInBackground([], [{ url: `${base}/ok` }]), { deliveries: [], timedOut: false, ms: 0 });
    const out = await notifyInBackground([event()], [{ url: `${base}/ok-quick` }], { maxWaitMs: 2000 });
    assert.equal(out.timedOut, false);
    assert.equal(out.deliveries[0].ok, true);
  });

  it('is bounded even when fetchImpl ignores its abort signal', async () => {
    const never = (() => new Promise<Response>(() => {})) as typeof fetch;
    const t0 = performance.now();
    const out = await notifyInBackground([event()], [{ url: `${base}/ok-never` }], { fetchImpl: never, maxWaitMs: 150 });
    assert.ok(performance.now() - t0 < 500);
    assert.equal(out.timedOut, true);
    assert.equal(out.deliveries[0].ok, false);
  });
});

function result(over: Partial<RunResult> = {}): RunResult {
  return { runId: 12, status: 'completed', newData: true, ingested: { files: 1, rowsAdded: 833, rowsRejected: 0, filesRejected: 0 }, drift: { dataset: false, prediction: false, model: false }, retrained: false, challenger: null, champion: null, deployed: null, reason: 'no drift; v2 stays in production (833 new rows ingested)', timings: { total: 1.2 }, ...over };
}

describe('alertsFor', () => {
  const at = '2025-06-01T10:00:00.000Z';

  it('a quiet run sends nothing', () => {
    assert.deepEqual(alertsFor(result(), { at }), []);
    assert.deepEqual(alertsFor(result({ status: 'noop', newData: false, ingested: null, drift: { dataset: null, prediction: null, model: null }, reason: 'no new data; v2 stays in production' }), { at }), []);
  });

  it('model drift with a deployment: drift then deployed', () => {
    const r = result({
      drift: { dataset: false, prediction: true, model: true },
      retrained: true,
      champion: { version: 'v2', f1: 0.41 },
      challenger: { version: 'v3', f1: 0.62 },
      deployed: 'v3',
      reason: 'model drift: F1 0.4100 on 833 new rows (nonparametric rule); deployed v3: F1 0.6200 on 208 held-out newest rows, champion v2 had 0.4100',
    });
    const evs = alertsFor(r, { at });
    assert.deepEqual(evs.map((e) => e.kind), ['drift', 'deployed']);
    assert.equal(evs[0].message, `model drift + prediction drift — ${r.reason}`);
    assert.equal(evs[1].message, 'deployed v3: F1 0.6200 on held-out newest rows vs 0.4100 for v2');
    assert.equal(alertText(evs[1]), 'riskwatch: deployed v3: F1 0.6200 on held-out newest rows vs 0.4100 for v2');
    assert.equal(evs[1].details.previous, 'v2');
    assert.ok(evs.every((e) => e.runId === 12 && e.at === at));
  });

  it('data drift alone: one drift alert whose message is the run\'s reason', () => {
    const reason = 'data drift in lastmonth_activity, lastyear_activity but no model drift; v2 stays in production (833 new rows ingested)';
    const evs = alertsFor(result({ drift: { dataset: true, prediction: false, model: false }, reason }), { at });
    assert.equal(evs.length, 1);
    assert.equal(evs[0].kind, 'drift');
    assert.equal(evs[0].message, reason);
  });

  it('first deployment, failures and locks', () => {
    const first = alertsFor(result({ retrained: true, challenger: { version: 'v1', f1: 0.58 }, deployed: 'v1', reason: 'no model in production: deployed v1 (test F1 0.5800)' }), { at });
    assert.deepEqual(first.map((e) => [e.kind, e.message]), [['deployed', 'deployed v1 (first model in production, test F1 0.5800)']]);
    const failed = alertsFor(result({ status: 'failed', reason: '', error: 'cannot open finaldata.csv: permission denied' }), { at });
    assert.deepEqual(failed.map((e) => [e.kind, e.message]), [['run_failed', 'run 12 failed: cannot open finaldata.csv: permission denied']]);
    const locked = result({ status: 'locked', reason: 'another run holds the lock /w/riskwatch.run.lock' });
    assert.deepEqual(alertsFor(locked, { at }), []);
    assert.deepEqual(alertsFor(locked, { at, includeLocked: true }).map((e) => e.kind), ['locked']);
  });

  it('failureAlert for a run that threw', () => {
    const e = failureAlert(new Error('run stopped before train: SIGTERM\nstack…'), 9, { at });
    assert.deepEqual(e, { kind: 'run_failed', runId: 9, message: 'run 9 failed: run stopped before train: SIGTERM', details: { error: 'run stopped before train: SIGTERM\nstack…' }, at });
    assert.equal(alertText(e), 'riskwatch: run 9 failed: run stopped before train: SIGTERM');
  });

  it('maskUrl hides passwords and secret-looking query values', () => {
    assert.equal(maskUrl('https://bot:hunter2@chat.example.com/hook?token=abc&channel=risk'), 'https://bot:***@chat.example.com/hook?token=***&channel=risk');
    assert.equal(maskUrl('https://hooks.example.com/plain'), 'https://hooks.example.com/plain');
    assert.equal(maskUrl('http://127.0.0.1:8080/a:b'), 'http://127.0.0.1:8080/a:b');
    // userinfo the URL parser does not recognise as such, and text that is no URL at all
    assert.equal(maskUrl('htp:/alice:pw@nowhere'), 'htp:/alice:***@nowhere');
    assert.equal(maskUrl('//alice:pw@ host'), '//alice:***@ host');
  });
});
