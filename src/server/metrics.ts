/**
 * Prometheus text exposition (format 0.0.4), written by hand: a handful of counters and one
 * histogram do not need a metrics library. Labels are escaped per the format.
 */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private requests = new Map<string, number>();
  private latency = new Map<string, Histogram>();
  private predictions = new Map<string, number>();

  /** `route` is the route pattern (e.g. /models/:version), never the raw URL: bounded label sets. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = labels({ method, route, status: String(status) });
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hk = labels({ method, route });
    let h = this.latency.get(hk);
    if (!h) this.latency.set(hk, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h!.counts[i]++;
    });
    h.sum += seconds;
    h.count++;
  }

  observePredictions(positive: number, negative: number): void {
    for (const [cls, n] of [['1', positive], ['0', negative]] as const) {
      const key = labels({ class: cls });
      this.predictions.set(key, (this.predictions.get(key) ?? 0) + n);
    }
  }

  /** The exposition; `state` adds gauges read at scrape time (production version, last run, drift). */
  render(state: { version: string | null; lastRun: { status: string; finishedAt: string | null } | null; drift: Record<string, string> | null }): string {
    const out: string[] = [];
    out.push('# HELP riskwatch_http_requests_total HTTP requests by method, route and status.', '# TYPE riskwatch_http_requests_total counter');
    for (const [k, v] of this.requests) out.push(`riskwatch_http_requests_total${k} ${v}`);
    out.push('# HELP riskwatch_http_request_duration_seconds Request latency by method and route.', '# TYPE riskwatch_http_request_duration_seconds histogram');
    for (const [k, h] of this.latency) {
      const inner = k.slice(1, -1);
      BUCKETS.forEach((b, i) => out.push(`riskwatch_http_request_duration_seconds_bucket{${inner},le="${b}"} ${h.counts[i]}`));
      out.push(`riskwatch_http_request_duration_seconds_bucket{${inner},le="+Inf"} ${h.count}`);
      out.push(`riskwatch_http_request_duration_seconds_sum${k} ${h.sum}`, `riskwatch_http_request_duration_seconds_count${k} ${h.count}`);
    }
    out.push('# HELP riskwatch_predictions_total Predictions served, by predicted class.', '# TYPE riskwatch_predictions_total counter');
    for (const [k, v] of this.predictions) out.push(`riskwatch_predictions_total${k} ${v}`);
    out.push('# HELP riskwatch_production_model_info The model version in production.', '# TYPE riskwatch_production_model_info gauge');
    if (state.version) out.push(`riskwatch_production_model_info${labels({ version: state.version })} 1`);
    if (state.lastRun) {
      out.push('# HELP riskwatch_last_run_info Outcome of the last pipeline run.', '# TYPE riskwatch_last_run_info gauge');
      out.push(`riskwatch_last_run_info${labels({ status: state.lastRun.status })} 1`);
      if (state.lastRun.finishedAt) {
        out.push('# HELP riskwatch_last_run_timestamp_seconds When the last pipeline run finished.', '# TYPE riskwatch_last_run_timestamp_seconds gauge');
        out.push(`riskwatch_last_run_timestamp_seconds ${Date.parse(state.lastRun.finishedAt) / 1000}`);
      }
    }
    if (state.drift) {
      out.push('# HELP riskwatch_feature_drift_level Drift level per feature in the last drift check: 0 none, 1 possible, 2 drift.', '# TYPE riskwatch_feature_drift_level gauge');
      for (const [feature, level] of Object.entries(state.drift)) out.push(`riskwatch_feature_drift_level${labels({ feature })} ${level === 'drift' ? 2 : level === 'possible' ? 1 : 0}`);
    }
    // The process's memory (names as prom-client's defaults), so a leak shows on the dashboards
    // that scrape this: heap used climbing from one post-GC floor to the next.
    const mem = process.memoryUsage();
    out.push('# HELP process_resident_memory_bytes Resident memory size in bytes.', '# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
    out.push('# HELP nodejs_heap_size_used_bytes V8 heap used in bytes.', '# TYPE nodejs_heap_size_used_bytes gauge', `nodejs_heap_size_used_bytes ${mem.heapUsed}`);
    out.push('# HELP nodejs_heap_size_total_bytes V8 heap size in bytes.', '# TYPE nodejs_heap_size_total_bytes gauge', `nodejs_heap_size_total_bytes ${mem.heapTotal}`);
    out.push('# HELP nodejs_external_memory_bytes Memory of C++ objects bound to JavaScript objects (buffers).', '# TYPE nodejs_external_memory_bytes gauge', `nodejs_external_memory_bytes ${mem.external}`);
    return out.join('\n') + '\n';
  }
}

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',')}}`;
}
