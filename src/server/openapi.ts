// Namespace import, not `import { z }`: that re-exported namespace object makes the CLI bundle keep all
// of zod in the chunk every command loads (see src/util/zod-locale.ts).
import { requestSchema, type Config } from '../index.js';
import * as z from 'zod';
import { invocationsBody } from './invocations-schema.js';
import { explanationQuery, predictionQuery, queryParameters, riskQuery, runsQuery } from './query-schemas.js';
import { responseSchema } from './response-schemas.js';

/**
 * The API's OpenAPI 3.1 document. Request bodies come from the same zod schemas the routes
 * validate with (z.toJSONSchema), so the document cannot drift from the validation; a test checks
 * that every registered route is documented.
 */
interface Op {
  summary: string;
  auth?: boolean;
  body?: Record<string, unknown>;
  csv?: boolean;
  /** The route's own query schema (query-schemas.ts), or parameters listed by hand (strings). */
  query?: z.ZodObject | Array<{ name: string; description: string; required?: boolean }>;
  path?: Array<{ name: string; description: string }>;
  produces?: string[];
  /** Open to anyone even with read access control on (probes, signing in and out). */
  public?: boolean;
  /** JSON Schema of the 200 JSON answer, where a client needs the shape. */
  response?: Record<string, unknown>;
}

/**
 * A 200 answer's schema for one content type: the route's contract schema (response-schemas.ts)
 * for JSON where it has one, any JSON object otherwise (those routes are described in
 * docs/api.md), a string for text, HTML, CSV, scripts and styles.
 */
function answerSchema(type: string, response: Record<string, unknown> | undefined): Record<string, unknown> {
  if (type !== 'application/json') return { type: 'string' };
  return response ?? { type: 'object' };
}

/** One record's JSON Schema inside POST /prediction's body ({records: [record, ...]}). */
function recordSchema(prediction: Record<string, unknown>): Record<string, unknown> {
  const records = (prediction as { properties?: { records?: { items?: Record<string, unknown> } } }).properties?.records?.items;
  return records ?? { type: 'object' };
}

export function openApiDocument(config: Config, features: string[], version: string): Record<string, unknown> {
  const prediction = z.toJSONSchema(requestSchema(config, features), { io: 'input' });
  const ops: Record<string, Record<string, Op>> = {
    '/health': { get: { summary: 'The process is alive.', public: true } },
    '/ready': { get: { summary: 'A production model is loaded (503 otherwise).', public: true } },
    '/prediction': {
      get: { summary: 'Predictions for a data file (or folder) inside the configured data folders (403 outside; 413 beyond config api.max_rows rows).', query: [{ name: 'filepath', description: 'Path relative to the config file\'s folder.', required: true }] },
      post: { summary: 'Risk of leaving for each record, scored by one model version; with explain=N also why (contributions, reasons, keeping; the answer gains base).', body: prediction, csv: true, query: predictionQuery, response: responseSchema('/prediction') },
    },
    '/invocations': { post: { summary: 'MLflow scoring-server compatible scoring: dataframe_split, dataframe_records, instances, inputs, or CSV.', body: invocationsBody(features, recordSchema(prediction)), csv: true } },
    '/models': { get: { summary: 'Model versions, their latest F1 and which is in production.', response: responseSchema('/models') } },
    '/models/{version}': { get: { summary: 'One model version\'s document.', path: [{ name: 'version', description: 'A version id such as v3.' }] } },
    '/scoring': { get: { summary: 'The production model\'s score (what it was measured on) and every score recorded for it, latest first.', response: responseSchema('/scoring') } },
    '/summarystats': { get: { summary: 'Summary statistics and missing shares of the ingested dataset.' } },
    '/diagnostics': { get: { summary: '`riskwatch diagnose` from recorded results (no registry checks).', response: responseSchema('/diagnostics') } },
    '/drift': { get: { summary: 'The last run\'s drift verdict.', response: responseSchema('/drift') } },
    '/runs': { get: { summary: 'Recent runs, newest first.', query: runsQuery, response: responseSchema('/runs') } },
    '/risk': { get: { summary: 'The call list: current clients (each once; none who left) ranked by risk of leaving, or by expected loss (probability × value_column, rank=expected_loss), with the population ranked and what the listed top covers (JSON, or CSV with Accept: text/csv and X-Population-* and X-Rank headers).', query: riskQuery, produces: ['application/json', 'text/csv'], response: responseSchema('/risk') } },
    '/family': { get: { summary: 'Which model family is in production and why: chosen by model.family "auto" (each candidate family\'s validation log loss, ROC AUC and fitting time, and the winner) or configured; for trees their count and leaves and each feature\'s total gain and split count, largest gain first.', response: responseSchema('/family') } },
    '/population': { get: { summary: 'The current clients the call list ranks, scored by the production model: risk histogram (20 bins) and how many are above the threshold.', response: responseSchema('/population') } },
    '/importance': { get: { summary: 'Global importance of the production model over the current clients the call list ranks: mean |contribution| (log-odds) per feature, highest first; for a gbdt model also its document\'s total gain per feature (a different measure). Computed once per (production version, population hash).', response: responseSchema('/importance') } },
    '/explanation': { get: { summary: 'One current client of the call list: its risk, rank (by probability), every feature\'s contribution to the log-odds, its reasons (config risk.reasons) and what keeps it, and each value against the clients who stayed (404: not a current client).', query: explanationQuery, response: responseSchema('/explanation') } },
    '/evaluation': { get: { summary: 'Every model version evaluated on the test data (metrics trend) and the production model\'s ROC and precision-recall curves (at most 200 points each).', response: responseSchema('/evaluation') } },
    '/distributions': { get: { summary: 'Per feature and for the predicted risk: reference vs latest-ingestion histograms (at most 50 bins) and drift figures; category features (categoryFeatures, kind "category"): each category\'s share, reference vs current, categories training never had marked and listed, missing shares, chi-square / Jensen–Shannon figures.', response: responseSchema('/distributions') } },
    '/dependencies': { get: { summary: 'Dependency health (npm outdated and audit), checked at most once an hour.', response: responseSchema('/dependencies') } },
    '/': { get: { summary: 'Redirects (302) to the dashboard, /dashboard/.', produces: ['text/html'] } },
    '/dashboard': { get: { summary: 'Redirects to /dashboard/.', produces: ['text/html'] } },
    '/dashboard/*': { get: { summary: 'The dashboard (a built single-page app; no external resources).', produces: ['text/html', 'text/javascript', 'text/css'] } },
    '/metrics': { get: { summary: 'Prometheus metrics.', produces: ['text/plain'] } },
    '/deploy': { post: { summary: 'Promote a model version (default: the newest) to production.', auth: true, body: { type: 'object', properties: { version: { type: 'string' }, reason: { type: 'string' } }, additionalProperties: false } } },
    '/rollback': { post: { summary: 'Return to the version in production before the current one.', auth: true } },
    '/run': { post: { summary: 'Run the full process now (409 when another run holds the lock).', auth: true } },
    '/signin': {
      get: { summary: 'The sign-in page (read access control, config api.read_token_env): a form asking for the read token; without a read token configured, a redirect to the dashboard.', public: true, produces: ['text/html'] },
      post: { summary: 'Sign in (form field token; next: where to go): sets the session cookie and redirects (303); a wrong token is a 401 with the page.', public: true, produces: ['text/html'] },
    },
    '/signout': { post: { summary: 'Sign out: ends the session and clears its cookie, then redirects (303) to the sign-in page.', public: true, produces: ['text/html'] } },
    '/session': { get: { summary: 'Whether this server asks for a read token (readAccess "token" or "open") and how this request is signed in.', public: true, response: responseSchema('/session') } },
    '/openapi.json': { get: { summary: 'This document.' } },
    '/docs': { get: { summary: 'A human-readable page of this document.', produces: ['text/html'] } },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(ops)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) {
      const parameters = [
        ...(Array.isArray(op.query) ? op.query.map((q) => ({ name: q.name, in: 'query', required: q.required ?? false, description: q.description, schema: { type: 'string' } })) : op.query ? queryParameters(op.query) : []),
        ...(op.path ?? []).map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, schema: { type: 'string' } })),
      ];
      const content: Record<string, unknown> = {};
      if (op.body) content['application/json'] = { schema: op.body };
      if (op.csv) content['text/csv'] = { schema: { type: 'string' } };
      paths[path][method] = {
        summary: op.summary,
        ...(parameters.length ? { parameters } : {}),
        ...(op.body || op.csv ? { requestBody: { required: true, content } } : {}),
        // Changing routes: the admin token. Others: the document-wide read security, when configured.
        ...(op.auth ? { security: [{ bearer: [] }] } : op.public && config.api.read_token_env ? { security: [] } : {}),
        responses: { '200': { description: 'OK', content: Object.fromEntries((op.produces ?? ['application/json']).map((t) => [t, { schema: answerSchema(t, op.response) }])) }, default: { description: 'Error: {error:{message}} (validation: {errors:[...]}); 503 with Retry-After while another process holds a write on the store' } },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'riskwatch', version, description: 'Client-attrition risk: predictions, model, drift and run results.' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: `Token from the environment variable named in config api.token_env${config.api.token_env ? ` (${config.api.token_env})` : ' (not configured: these routes answer 403)'}.` },
        ...(config.api.read_token_env
          ? {
              readToken: { type: 'http', scheme: 'bearer', description: `The read token, from the environment variable named in config api.read_token_env (${config.api.read_token_env}); the api.token_env token also reads.` },
              session: { type: 'apiKey', in: 'cookie', name: 'riskwatch_session', description: 'The session cookie POST /signin sets (GET and HEAD only).' },
            }
          : {}),
      },
    },
    // Read access control: every route needs the read token or a session unless it says otherwise.
    ...(config.api.read_token_env ? { security: [{ readToken: [] }, { session: [] }] } : {}),
    paths,
  };
}

/** A self-contained page listing the routes (no scripts from a CDN: it works offline). */
export function docsPage(doc: Record<string, unknown>): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const rows = Object.entries(doc.paths as Record<string, Record<string, { summary: string; security?: unknown }>>)
    .flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => `<tr><td><code>${m.toUpperCase()}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary)}${op.security ? ' <em>(bearer token)</em>' : ''}</td></tr>`))
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>riskwatch API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #ddd;padding:.4rem .6rem;vertical-align:top}code{background:#f4f4f4;padding:0 .2rem}</style></head>
<body><h1>riskwatch API</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p><table>${rows}</table></body></html>`;
}
