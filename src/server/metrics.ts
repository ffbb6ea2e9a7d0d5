import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The server's Prometheus metrics, kept by prom-client: request counts and latency by route,
 * predictions by class, and gauges read at scrape time (production version, last run, drift
 * levels), plus prom-client's default process metrics (CPU, memory, heap, event-loop lag, GC,
 * handles). The metric names are the ones this server has always exposed; the process ones are
 * prom-client's (process_resident_memory_bytes, nodejs_heap_size_used_bytes, … as before).
 */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// The process metrics are the process's, not a server's: one registry for all servers of this
// process (tests start many), filled once — each collectDefaultMetrics call starts an event-loop
// delay monitor and a GC observer that are never stopped.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface MetricsState {
  version: string | null;
  lastRun: { status: string; finishedAt: string | null } | null;
  drift: Record<string, string> | null;
}

export class Metrics {
  private readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'riskwatch_http_requests_total', help: 'HTTP requests by method, route and status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'riskwatch_http_request_duration_seconds', help: 'Request latency by method and route.', labelNames: ['method', 'route'], buckets: BUCKETS, registers: [this.registry] });
  private readonly predictions = new Counter({ name: 'riskwatch_predictions_total', help: 'Predictions served, by predicted class.', labelNames: ['class'], registers: [this.registry] });
  private readonly model = new Gauge({ name: 'riskwatch_production_model_info', help: 'The model version in production.', labelNames: ['version'], registers: [this.registry] });
  private readonly lastRun = new Gauge({ name: 'riskwatch_last_run_info', help: 'Outcome of the last pipeline run.', labelNames: ['status'], registers: [this.registry] });
  private readonly lastRunAt = new Gauge({ name: 'riskwatch_last_run_timestamp_seconds', help: 'When the last pipeline run finished.', registers: [this.registry] });
  private readonly drift = new Gauge({ name: 'riskwatch_feature_drift_level', help: 'Drift level per feature in the last drift check: 0 none, 1 possible, 2 drift.', labelNames: ['feature'], registers: [this.registry] });
  private readonly callList = new Counter({ name: 'riskwatch_call_list_computations_total', help: 'Work done for the call list (GET /risk, /population): "ranking" when the population is ranked, "contributions" when its clients are explained; once per production version and population, then cached.', labelNames: ['kind'], registers: [this.registry] });
  private readonly process = processMetrics();

  /** `route` is the route pattern (e.g. /models/:version), never the raw URL: bounded label sets. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  observePredictions(positive: number, negative: number): void {
    // Both classes, zero included: a series appears with the first prediction, as before.
    this.predictions.inc({ class: '1' }, positive);
    this.predictions.inc({ class: '0' }, negative);
  }

  /** The call list was ranked, or its clients' contributions computed (each once per model version and population). */
  observeCallListWork(kind: 'ranking' | 'contributions'): void {
    this.callList.inc({ kind });
  }

  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;

  /** The exposition; `state` sets the gauges read at scrape time (production version, last run, drift). */
  async render(state: MetricsState): Promise<string> {
    this.model.reset();
    if (state.version) this.model.set({ version: state.version }, 1);
    this.lastRun.reset();
    this.lastRunAt.reset();
    if (state.lastRun) {
      this.lastRun.set({ status: state.lastRun.status }, 1);
      if (state.lastRun.finishedAt) this.lastRunAt.set(Date.parse(state.lastRun.finishedAt) / 1000);
    }
    this.drift.reset();
    for (const [feature, level] of Object.entries(state.drift ?? {})) this.drift.set({ feature }, level === 'drift' ? 2 : level === 'possible' ? 1 : 0);
    // prom-client writes a bucket's `le` first ({le="0.5",method=…}); the server always wrote it
    // last, as the Prometheus client libraries of other languages do, and scrapers' tests and
    // recording rules may match the line: kept so. It also separates metrics by a blank line: one
    // line per sample or comment, as before.
    const own = (await this.registry.metrics()).replace(/^(\w+_bucket)\{(le="[^"]*"),([^}]*)\}/gm, '$1{$3,$2}');
    return (own + (await this.process.metrics())).replace(/\n{2,}/g, '\n');
  }
}
