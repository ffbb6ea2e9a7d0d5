// Renders the figures the reliability suite measured (test/reliability/figures.json) as the
// Markdown block inside RELIABILITY.md. Called by scripts/reliability/run.mjs after a passing run.
const n = (x) => (typeof x === 'number' ? x.toLocaleString('en-US') : '—');

export function renderFigures(f) {
  const when = Object.values(f).map((v) => v?.measuredAt).filter(Boolean).sort().pop() ?? 'unknown';
  const c = f.corpus ?? {};
  const k = f.crash ?? {};
  const kp = f['crash-postgres'] ?? {};
  const t = f.sigterm ?? {};
  const cc = f.concurrency ?? {};
  const l = f.load ?? {};
  const ld = f['load-during-deploys'] ?? {};
  const sd = f['server-under-deploys'] ?? {};
  const p = f.property ?? {};
  const sc = f['slow-clients'] ?? {};
  const tt = f['token-timing'] ?? {};
  const wr = f['write-read-only'];
  const wf = f['write-full'];
  // Kill points whose run had already finished, retried at half the delay (kill.ts killLanding).
  const halved = (x) => (x.delaysHalved ? `; ${n(x.delaysHalved)} kill delays halved because the run had finished first` : '');
  const rows = [
    ['Bad-input corpus', `${n(c.passed)} of ${n(c.cases)} cases passed${c.failed?.length ? ` (failed: ${c.failed.join(', ')})` : ''}`],
    ['Property tests', `${n(p.csvFiles)} generated CSV files (${n(p.csvRows)} rows) round-tripped, ${n(p.byteFiles)} arbitrary-byte files, ${n(p.apiBodies)} generated API bodies; 0 crashes, 0 unhandled rejections`],
    ['SIGKILL during `run`', `${n(k.kills)} kills survived (${Object.entries(k.byScenario ?? {}).map(([s, v]) => `${n(v)} in a ${s}`).join(', ')}); landed: ${Object.entries(k.byStage ?? {}).map(([s, v]) => `${s} ${n(v)}`).join('; ')}; store backends: ${(k.backends ?? []).join(', ')}${halved(k)}`],
    ['SIGKILL during `run`, PostgreSQL store', `${n(kp.kills)} kills survived (${Object.entries(kp.byScenario ?? {}).map(([s, v]) => `${n(v)} in a ${s}`).join(', ')}), each on a schema of its own; landed: ${Object.entries(kp.byStage ?? {}).map(([s, v]) => `${s} ${n(v)}`).join('; ')}; the next run was never refused by the killed run's advisory lock${halved(kp)}`],
    ['SIGTERM during `run`', `${n(t.stops)} stops, slowest ${n(t.maxStopMs)} ms (limit 5,000 ms)`],
    ['Write failures', [wr && `read-only output folder (${wr.how}): "${wr.error}"`, wf && `full output folder (${wf.how}): "${wf.error}"`].filter(Boolean).join('; ') || 'not run (needs root with mount, or a non-root user)'],
    ['Concurrent `run`s', Object.entries(cc.backends ?? {}).map(([b, v]) => `${b}: ${n(v.processes)} processes in ${n(v.rounds)} rounds of ${n(cc.runnersPerRound)} — ${n(v.winners)} worked, ${n(v.locked)} exited 3 \`locked\``).join('; ') || '—'],
    ['Deploy/rollback loop (fast)', `${n(sd.requests)} requests, ${n(sd.failed)} failed, during ${n(sd.deploysAndRollbacks)} deploys and rollbacks, ${n(sd.versionsServed)} versions served`],
    ['Load: POST /prediction, 60 s', `${n(l.rate)} req/s (70% of the ${n(l.maxRps)} req/s measured unthrottled): ${n(l.requests)} requests, ${n(l.errors)} errors, p50 ${n(l.p50Ms)} ms, p99 ${n(l.p99Ms)} ms, max ${n(l.maxMs)} ms; RSS ${n(l.rssStartMb)} → ${n(l.rssEndMb)} MB (${n(l.rssGrowthPct)}%, peak ${n(l.rssPeakMb)} MB)`],
    ['Load during retrain/redeploy, 60 s', `${n(ld.rate)} req/s: ${n(ld.requests)} requests, ${n(ld.errors)} errors, p50 ${n(ld.p50Ms)} ms, p99 ${n(ld.p99Ms)} ms, max ${n(ld.maxMs)} ms; meanwhile ${n(ld.runs)} runs + retrains, ${n(ld.deploys)} deploys, ${n(ld.rollbacks)} rollbacks, ${n(ld.versionsServed)} versions served`],
    ['Slow clients', `head cut off after ${n(sc.headCutAfterMs)} ms (limit ${n(sc.headersTimeoutMs)} ms), body after ${n(sc.bodyCutAfterMs)} ms (limit ${n(sc.requestTimeoutMs)} ms) — test limits; defaults 10 s / 30 s`],
    ['Token timing probe', `${n(tt.probes)} wrong tokens, all 401; median ${tt.medianMsWrongFirst?.toFixed?.(2) ?? '—'} ms (wrong first char) vs ${tt.medianMsWrongLast?.toFixed?.(2) ?? '—'} ms (wrong last char)`],
    ['Secrets', `${n(f.secrets?.capturedLines)} captured log/response lines searched for the test token and password: ${n(f.secrets?.leaks)} found`],
  ];
  return [
    `Measured by \`npm run test:reliability\` on ${when.slice(0, 10)} (${l.machine ?? 'this machine'}).`,
    '',
    '| what | figures |',
    '|---|---|',
    ...rows.map(([a, b]) => `| ${a} | ${b} |`),
    '',
  ].join('\n');
}
