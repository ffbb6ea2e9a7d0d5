import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate, appendMonths } from '../../src/simulate/generate.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { startServer } from '../../src/server/app.ts';
import { context } from '../helpers/workspace.ts';
import { tempDir } from '../helpers/temp.ts';

test('/metrics: Prometheus text with request counts, latency histograms, predictions by class, version, last run and drift levels', async () => {
  const dir = join(tempDir('rw-metrics-'), 'ws');
  simulate({ out: dir, clients: 2000, months: 2, seed: 12 });
  const ctx = await context(join(dir, 'config.json'));
  await runPipeline(ctx);
  appendMonths({ out: dir, scenario: 'covariate', months: 1, rowsPerMonth: 600 });
  const run = await runPipeline(ctx);
  assert.ok(run.featureDrift && Object.keys(run.featureDrift).length === 3);
  const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
  try {
    const records = [{ lastmonth_activity: 0, lastyear_activity: 5000, number_of_employees: 5 }, { lastmonth_activity: 900, lastyear_activity: 1000, number_of_employees: 500 }];
    const p = (await (await fetch(`${server.url}/prediction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) })).json()) as { predictions: Array<{ prediction: number }> };
    const positives = p.predictions.filter((x) => x.prediction === 1).length;
    await fetch(`${server.url}/models/v1`);
    await fetch(`${server.url}/models/v999`);
    const r = await fetch(`${server.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop());
    assert.equal(value('riskwatch_http_requests_total{method="POST",route="/prediction",status="200"}'), 1);
    // Route patterns, not raw URLs, label the series.
    assert.equal(value('riskwatch_http_requests_total{method="GET",route="/models/:version",status="200"}'), 1);
    assert.equal(value('riskwatch_http_requests_total{method="GET",route="/models/:version",status="404"}'), 1);
    assert.equal(value('riskwatch_http_request_duration_seconds_count{method="POST",route="/prediction"}'), 1);
    assert.equal(value('riskwatch_http_request_duration_seconds_bucket{method="POST",route="/prediction",le="+Inf"}'), 1);
    assert.equal(value('riskwatch_predictions_total{class="1"}'), positives);
    assert.equal(value('riskwatch_predictions_total{class="0"}'), 2 - positives);
    assert.equal(value(`riskwatch_production_model_info{version="${server.holder.current!.version}"}`), 1);
    assert.equal(value('riskwatch_last_run_info{status="completed"}'), 1);
    assert.ok(value('riskwatch_last_run_timestamp_seconds') > 1.7e9);
    const levels = { none: 0, possible: 1, drift: 2 } as Record<string, number>;
    for (const [f, level] of Object.entries(run.featureDrift!)) assert.equal(value(`riskwatch_feature_drift_level{feature="${f}"}`), levels[level]);
    // Every sample line is name{labels} value or name value (the exposition format's names, which
    // may hold digits — prom-client's nodejs_eventloop_lag_p99_seconds — and values, NaN included).
    for (const line of text.trim().split('\n')) if (!line.startsWith('#')) assert.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? ([0-9.e+-]+|[+-]?Inf|NaN|Nan)$/, line);
    // prom-client's default process metrics, beside the memory figures the server always had.
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_active_handles_total']) assert.ok(value(name) >= 0, name);
  } finally {
    await server.close();
    await ctx.store.close();
  }
});
