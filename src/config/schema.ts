import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The config file's shape. The first seven keys are the original project's and keep their names
 * and meaning; the rest are riskwatch's own, all optional with defaults. Unknown keys are errors
 * (a typo must not silently fall back to a default).
 */
export const DEFAULT_FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'] as const;

const nonEmpty = z.string().min(1, 'expected a non-empty string');

/**
 * A trusted proxy as fastify's trustProxy (proxy-addr) takes it: an IP address, a CIDR range, or
 * one of proxy-addr's names for a range (loopback, linklocal, uniquelocal). Checked here so a typo
 * is a config error naming the key, not a server that fails to start.
 */
const trustedProxy = z.string().refine((v) => {
  if (v === 'loopback' || v === 'linklocal' || v === 'uniquelocal') return true;
  const [ip, bits, ...rest] = v.split('/');
  const kind = isIP(ip);
  if (!kind || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128));
}, 'expected an IP address, a CIDR range (e.g. 10.0.0.0/8) or loopback | linklocal | uniquelocal');

export const featureType = z.enum(['count', 'number']);

const sourceName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 letters, digits, "_", ".", ":" or "-"').optional().describe('Name shown in output and recorded in the store (default: derived from the type and table).');
const tableOrQuery = {
  table: z.string().min(1).optional().describe('Table (or view) to read, optionally schema-qualified ("schema.table").'),
  query: z.string().min(1).optional().describe('A SELECT whose result is read instead of a table.'),
  watermark: z.string().min(1).optional().describe('A column that only grows (an id, an updated_at): each ingest reads only rows past the last recorded value. Without it the whole result is read and compared by content hash.'),
  timeout_ms: z.int().positive().default(30000).describe('Connect timeout, query timeout, and the longest wait for the next rows while reading.'),
};
const exactlyOne = (s: { table?: string; query?: string }) => (s.table === undefined) !== (s.query === undefined);

export const folderSource = z.strictObject({
  type: z.literal('folder'),
  name: sourceName,
  path: nonEmpty.describe('Folder of data files (relative to the config file).'),
  extension: nonEmpty.default('csv').describe('Data file extension, without the dot.'),
});
export const sqliteSource = z
  .strictObject({ type: z.literal('sqlite'), name: sourceName, path: nonEmpty.describe('SQLite database file (relative to the config file).'), ...tableOrQuery })
  .refine(exactlyOne, 'expected exactly one of "table" or "query"');
export const postgresSource = z
  .strictObject({
    type: z.literal('postgres'),
    name: sourceName,
    url: z.string().min(1).optional().describe('postgres://user:password@host:port/database (prefer url_env: keeps the password out of the file).'),
    url_env: z.string().min(1).optional().describe('Name of an environment variable holding the connection URL.'),
    ...tableOrQuery,
  })
  .refine(exactlyOne, 'expected exactly one of "table" or "query"')
  .refine((s) => (s.url === undefined) !== (s.url_env === undefined), 'expected exactly one of "url" or "url_env"');
export const sourceSchema = z.discriminatedUnion('type', [folderSource, sqliteSource, postgresSource]);

export const configSchema = z.strictObject({
  $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editors.'),
  input_folder_path: nonEmpty.describe('Folder scanned for new data files (relative to the config file).'),
  output_folder_path: nonEmpty.describe('Folder that receives the combined dataset (finaldata.csv).'),
  test_data_path: nonEmpty.describe('Test data: a folder of data files or one file.'),
  output_model_path: nonEmpty.describe('Folder of immutable model versions.'),
  prod_deployment_path: nonEmpty.describe('Folder holding the production model.'),
  input_file_extension: nonEmpty.default('csv').describe('Extension of data files, without the dot.'),
  url: z.url().default('http://127.0.0.1:8000/').describe('Where the API listens.'),

  features: z.array(nonEmpty).min(1).default([...DEFAULT_FEATURES]).describe('Feature columns, in model order.'),
  feature_types: z
    .record(z.string(), featureType)
    .default({})
    .describe('Per feature: "count" (non-negative integer, the default) or "number" (any finite decimal).'),
  target_column: nonEmpty.default('exited').describe('Label column: 1 = the client left, 0 = stayed.'),
  id_column: nonEmpty.default('corporation').describe('Client identifier column (text).'),
  model: z
    .strictObject({
      C: z.number().positive().default(1.0).describe('Inverse L2 strength, as scikit-learn.'),
      max_iter: z.int().positive().default(100).describe('Newton iterations at most.'),
      tol: z.number().positive().default(1e-12).describe('Stop when the gradient norm, relative to its start, is below this.'),
      threshold: z.number().gt(0).lt(1).default(0.5).describe('Probability above which a client is predicted to leave.'),
    })
    .default({ C: 1.0, max_iter: 100, tol: 1e-12, threshold: 0.5 }),
  drift: z
    .strictObject({
      wasserstein_threshold: z.number().positive().default(0.1).describe('Drift when the Wasserstein distance / reference std reaches this (references over 1,000 rows).'),
      ks_alpha: z.number().gt(0).lt(1).default(0.05).describe('KS significance level (references of 1,000 rows or fewer), before correction.'),
      correction: z.enum(['bonferroni', 'none']).default('bonferroni').describe('Multiple-testing correction when p-values decide.'),
      dataset_share: z.number().gt(0).max(1).default(0.5).describe('Dataset drift when at least this share of features drift.'),
      model_rule: z.enum(['raw', 'parametric', 'nonparametric']).default('nonparametric').describe('Which rule decides model drift from the F1 history.'),
      retrain_on_data_drift: z.boolean().default(false).describe('Also retrain when the data drifts but no model drift is measured.'),
      margin: z.number().min(0).max(1).default(0).describe('Deploy the challenger unless its F1 is worse than the champion by more than this.'),
      bootstrap: z.int().min(100).default(1000).describe('Bootstrap resamples for the F1 confidence interval.'),
      methods: z
        .record(z.string(), z.enum(['auto', 'ks', 'wasserstein']))
        .default({})
        .describe('Per feature, the test that decides: "auto" (by reference size, the default), "ks" or "wasserstein".'),
    })
    .default({ wasserstein_threshold: 0.1, ks_alpha: 0.05, correction: 'bonferroni', dataset_share: 0.5, model_rule: 'nonparametric', retrain_on_data_drift: false, margin: 0, bootstrap: 1000, methods: {} }),
  schedule: z.string().min(1).default('*/10 * * * *').describe('Cron expression for `riskwatch schedule` (5 fields, or 6 with seconds). Default: every 10 minutes, as the original brief asked.'),
  alerts: z
    .strictObject({
      webhooks: z
        .array(
          z
            .strictObject({
              url: z.url().optional().describe('Webhook URL (Slack-compatible: the payload has a `text` field).'),
              url_env: z.string().min(1).optional().describe('Name of an environment variable holding the URL (keeps tokens out of the file).'),
              headers: z.record(z.string(), z.string()).optional(),
            })
            .refine((w) => (w.url === undefined) !== (w.url_env === undefined), 'expected exactly one of "url" or "url_env"'),
        )
        .default([]),
      timeout_ms: z.int().positive().default(5000).describe('Per request.'),
      retries: z.int().min(0).max(10).default(2).describe('Extra attempts on network errors, timeouts, 5xx and 429.'),
    })
    .default({ webhooks: [], timeout_ms: 5000, retries: 2 })
    .describe('POST a JSON alert on drift, a deployment or a failed run.'),
  api: z
    .strictObject({
      token_env: z.string().min(1).optional().describe('Environment variable holding the bearer token for POST /deploy, /rollback and /run; without it those routes are off.'),
      cors_origins: z.array(nonEmpty).default([]).describe('Origins allowed to call the API from a browser (CORS), e.g. ["https://intranet.example"]; empty (the default): no CORS headers, cross-origin browser calls are refused.'),
      rate_limit: z
        .strictObject({
          burst: z.int().positive().default(10).describe('Requests a client (IP) may make at once to POST /deploy, /rollback and /run.'),
          per_minute: z.number().positive().default(30).describe('Sustained requests per minute per client (IP) to those routes; beyond it 429.'),
        })
        .default({ burst: 10, per_minute: 30 })
        .describe('Token bucket per client IP on the routes that change production.'),
      trusted_proxies: z
        .array(trustedProxy)
        .default([])
        .describe('Reverse proxies (IP addresses or CIDR ranges) whose X-Forwarded-For is believed: when one of them connects, the client IP (for the rate limit) is the rightmost address in X-Forwarded-For that is not itself a trusted proxy. Empty (the default): the connecting address is the client, X-Forwarded-For is ignored.'),
    })
    .default({ cors_origins: [], rate_limit: { burst: 10, per_minute: 30 }, trusted_proxies: [] }),
  sources: z
    .array(sourceSchema)
    .min(1)
    .optional()
    .describe('Where new data comes from. Default: one folder source, input_folder_path with input_file_extension.'),
  report: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Write the report (charts, PDF, diagnostics) after every completed `riskwatch run`.'),
      keep: z.int().min(1).default(10).describe('How many per-run report folders to keep (the newest; older ones are deleted).'),
      path: nonEmpty.default('reports').describe('Folder of the reports (relative to the config file): run-<id>/ per run, latest/ for `riskwatch report`.'),
    })
    .default({ enabled: true, keep: 10, path: 'reports' })
    .describe('Reports: charts (SVG, PNG) and a PDF for the production model.'),
  top_k: z.int().positive().default(100).describe('How many clients the client managers can call: the size of the top-K list.'),
  store: z
    .strictObject({
      type: z.enum(['sqlite', 'postgres']).default('sqlite').describe('"sqlite" (one file, one machine; the default) or "postgres" (several machines share one store, model artifacts and run lock).'),
      path: nonEmpty.optional().describe('sqlite: the file (relative to the config file). Default riskwatch.db.'),
      url: nonEmpty.optional().describe('postgres: connection URL, postgres://user:password@host:5432/db. Prefer url_env: a password in this file is readable by anyone who can read the file.'),
      url_env: z.string().min(1).optional().describe('postgres: name of an environment variable holding the connection URL.'),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters)')
        .optional()
        .describe('postgres: schema holding riskwatch\'s tables (created if missing). Default public.'),
    })
    .superRefine((s, ctx) => {
      const pgKeys = (['url', 'url_env', 'schema'] as const).filter((k) => s[k] !== undefined);
      if (s.type === 'sqlite') {
        if (pgKeys.length) ctx.addIssue({ code: 'custom', path: [pgKeys[0]], message: `only for "type": "postgres"` });
      } else {
        if (s.path !== undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'only for "type": "sqlite"' });
        if ((s.url === undefined) === (s.url_env === undefined)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'expected exactly one of "url" or "url_env" for a postgres store' });
      }
    })
    .default({ type: 'sqlite' }),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type FeatureType = z.infer<typeof featureType>;
export type SourceConfigInput = z.output<typeof sourceSchema>;
