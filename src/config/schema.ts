import { isIP } from 'node:net';
import * as z from 'zod/mini';
import '../util/zod-locale.js';

/**
 * The config file's shape. The first seven keys are the original project's and keep their names
 * and meaning; the rest are riskwatch's own, all optional with defaults. Unknown keys are errors
 * (a typo must not silently fall back to a default).
 *
 * Written with zod/mini's functions (z.optional(x), z._default(x, v), x.check(...)) rather than
 * classic zod's methods: every command loads this file, and mini lets the bundle keep only what
 * is used here (see src/util/zod-locale.ts). The checks are the same core checks, so the messages and
 * the JSON Schema (config.schema.json) are the same.
 */
export const DEFAULT_FEATURES = ['lastmonth_activity', 'lastyear_activity', 'number_of_employees'] as const;

const nonEmpty = z.string().check(z.minLength(1, 'expected a non-empty string'));
/** A string of at least one character, with zod's own message. */
const someString = () => z.string().check(z.minLength(1));
const positiveInt = () => z.int().check(z.positive());
const positive = () => z.number().check(z.positive());
const share = () => z.number().check(z.gt(0), z.lt(1));

/**
 * A trusted proxy as fastify's trustProxy (proxy-addr) takes it: an IP address, a CIDR range, or
 * one of proxy-addr's names for a range (loopback, linklocal, uniquelocal). Checked here so a typo
 * is a config error naming the key, not a server that fails to start.
 */
const trustedProxy = z.string().check(
  z.refine((v) => {
    if (v === 'loopback' || v === 'linklocal' || v === 'uniquelocal') return true;
    const [ip, bits, ...rest] = v.split('/');
    const kind = isIP(ip);
    if (!kind || rest.length) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128));
  }, 'expected an IP address, a CIDR range (e.g. 10.0.0.0/8) or loopback | linklocal | uniquelocal'),
);

export const featureType = z.enum(['count', 'number', 'category']);

/** A label value: label cells are trimmed before they are compared, so one with white space at an end could never match. */
const labelValue = z.string().check(z.regex(/^\S(?:[\s\S]*\S)?$/u, 'expected a non-empty value without white space at either end (label cells are trimmed)'));

const sourceName = z
  .optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 letters, digits, "_", ".", ":" or "-"')))
  .check(z.describe('Name shown in output and recorded in the store (default: derived from the type and table).'));
const tableOrQuery = {
  table: z.optional(someString()).check(z.describe('Table (or view) to read, optionally schema-qualified ("schema.table").')),
  query: z.optional(someString()).check(z.describe('A SELECT whose result is read instead of a table.')),
  watermark: z.optional(someString()).check(z.describe('A column that only grows (an id, an updated_at): each ingest reads only rows past the last recorded value. Without it the whole result is read and compared by content hash.')),
  timeout_ms: z._default(positiveInt(), 30000).check(z.describe('Connect timeout, query timeout, and the longest wait for the next rows while reading.')),
};
const exactlyOne = (s: { table?: string; query?: string }) => (s.table === undefined) !== (s.query === undefined);

export const folderSource = z.strictObject({
  type: z.literal('folder'),
  name: sourceName,
  path: nonEmpty.check(z.describe('Folder of data files (relative to the config file).')),
  extension: z._default(nonEmpty, 'csv').check(z.describe('Data file extension, without the dot.')),
});
export const sqliteSource = z
  .strictObject({ type: z.literal('sqlite'), name: sourceName, path: nonEmpty.check(z.describe('SQLite database file (relative to the config file).')), ...tableOrQuery })
  .check(z.refine(exactlyOne, 'expected exactly one of "table" or "query"'));
export const postgresSource = z
  .strictObject({
    type: z.literal('postgres'),
    name: sourceName,
    url: z.optional(someString()).check(z.describe('postgres://user:password@host:port/database, or libpq keyword/value (host=… user=… password=… dbname=…); prefer url_env: keeps the password out of the file.')),
    url_env: z.optional(someString()).check(z.describe('Name of an environment variable holding the connection URL (or a libpq keyword/value string).')),
    ...tableOrQuery,
  })
  .check(z.refine(exactlyOne, 'expected exactly one of "table" or "query"'))
  .check(z.refine((s) => (s.url === undefined) !== (s.url_env === undefined), 'expected exactly one of "url" or "url_env"'));
export const sourceSchema = z.discriminatedUnion('type', [folderSource, sqliteSource, postgresSource]);

/**
 * The current clients, when the company keeps a list of them: a data file or folder (its path), or
 * a database table or query. Labels are not needed; ids and features are. No watermark: the whole
 * list is read each time it changes.
 */
const populationTableOrQuery = { table: tableOrQuery.table, query: tableOrQuery.query, timeout_ms: tableOrQuery.timeout_ms };
export const populationSchema = z.union([
  nonEmpty.check(z.describe('A data file or a folder of data files (input_file_extension) listing the current clients (relative to the config file).')),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sqlite'), path: nonEmpty.check(z.describe('SQLite database file (relative to the config file).')), ...populationTableOrQuery }).check(z.refine(exactlyOne, 'expected exactly one of "table" or "query"')),
    z
      .strictObject({
        type: z.literal('postgres'),
        url: z.optional(someString()).check(z.describe('postgres://user:password@host:port/database (prefer url_env).')),
        url_env: z.optional(someString()).check(z.describe('Name of an environment variable holding the connection URL (or a libpq keyword/value string).')),
        ...populationTableOrQuery,
      })
      .check(z.refine(exactlyOne, 'expected exactly one of "table" or "query"'))
      .check(z.refine((s) => (s.url === undefined) !== (s.url_env === undefined), 'expected exactly one of "url" or "url_env"')),
  ]),
], { error: 'expected the path of a data file or folder, or {"type": "sqlite" | "postgres", ..., "table" | "query"}' });

export const configSchema = z.strictObject({
  $schema: z.optional(z.string()).check(z.describe('Path or URL of the JSON Schema, for editors.')),
  input_folder_path: nonEmpty.check(z.describe('Folder scanned for new data files (relative to the config file); must exist.')),
  output_folder_path: nonEmpty.check(z.describe('Folder that receives the combined dataset (finaldata.csv).')),
  test_data_path: nonEmpty.check(z.describe('Test data: a folder of data files or one file; must exist.')),
  output_model_path: nonEmpty.check(z.describe('Folder of immutable model versions (<version>/model.json) and latestscore.txt.')),
  prod_deployment_path: nonEmpty.check(z.describe('Folder holding the production model: model.json, latestscore.txt, ingestedfiles.json (with a PostgreSQL store production lives in the store and this folder is not written).')),
  input_file_extension: z._default(nonEmpty, 'csv').check(z.describe('Extension of data files, without the dot.')),
  url: z._default(z.url(), 'http://127.0.0.1:8000/').check(z.describe('Where the API listens (`riskwatch serve`; `--host`/`--port` override) and where `riskwatch apicalls` calls it.')),

  features: z._default(z.array(nonEmpty).check(z.minLength(1)), [...DEFAULT_FEATURES]).check(z.describe('Feature columns, in model order.')),
  feature_types: z
    ._default(z.record(z.string(), featureType), {})
    .check(z.describe('Per feature: "count" (non-negative integer, the default), "number" (any finite decimal) or "category" (any text, trimmed; an empty or blank cell is missing; stored as a dictionary code, finaldata.csv keeps the text).')),
  max_categories: z
    ._default(positiveInt(), 50)
    .check(z.describe('Per category feature, at most this many categories are kept as themselves when a model is trained: the most frequent in the training rows (ties by text); the rest are one "(other)" level, recorded in the model. A column with many more distinct values gets a warning naming it.')),
  target_column: z._default(nonEmpty, 'exited').check(z.describe('Label column: target_positive = the client left, target_negative = stayed.')),
  target_positive: z
    ._default(labelValue, '1')
    .check(z.describe('The label value meaning the client left, as the files write it (e.g. "Yes", "Churned"). A label cell, trimmed, must be this or target_negative; anything else rejects the row (invalid_label). Compared exactly (case matters). The dataset stores 1.')),
  target_negative: z
    ._default(labelValue, '0')
    .check(z.describe('The label value meaning the client stayed, as the files write it (e.g. "No", "Active"). The dataset stores 0.')),
  input_encoding: z
    ._default(z.enum(['auto', 'utf-8', 'windows-1252', 'latin1']), 'auto')
    .check(z.describe('How data files are read (test data and predict/score/drift input too): "auto" reads UTF-8 and a file that is not valid UTF-8 as Windows-1252 from its first non-UTF-8 line on, with one warning naming the file and that line; "utf-8" rejects such a file; "windows-1252" (Excel on Windows, western Europe) or "latin1" (ISO-8859-1) read every file so. A byte-order mark wins: UTF-8\'s is dropped, a UTF-16 file is read as UTF-16 (refused under "utf-8"). The dataset and every output are UTF-8.')),
  id_column: z._default(nonEmpty, 'corporation').check(z.describe('Client identifier column (text).')),
  model: z._default(
    z.strictObject({
      C: z._default(positive(), 1.0).check(z.describe('Inverse L2 strength, as scikit-learn.')),
      max_iter: z._default(positiveInt(), 100).check(z.describe('Newton iterations at most.')),
      tol: z._default(positive(), 1e-12).check(z.describe('Stop when ‖gradient‖ ≤ tol · max(1, ‖initial gradient‖), in scaled coordinates.')),
      threshold: z._default(share(), 0.5).check(z.describe('Predicted to leave (prediction 1) when the probability is above this.')),
      standardize: z._default(z.boolean(), false).check(z.describe('Centre and scale each numeric feature by its training mean and population standard deviation (after median imputation; a constant feature is not scaled) before the penalised fit, as scikit-learn\'s StandardScaler: the L2 penalty then weighs every feature alike whatever its unit. false (the default) fits the raw values, as before. See docs/model.md.')),
      min_training_rows: z._default(positiveInt(), 20).check(z.describe('A version trained on fewer rows is never deployed: deploy, rollback, POST /deploy and run refuse it with the reason (run ends without deploying, "waiting for more data"). 20 keeps the original project\'s 26-row sample deployable; raise it for real data.')),
      family: z
        ._default(z.enum(['logistic', 'gbdt', 'auto']), 'logistic')
        .check(z.describe('The model family: "logistic" (logistic regression, the default; C, max_iter, tol, standardize), "gbdt" (gradient-boosted trees; model.gbdt) or "auto": both are fitted on the training rows less a stratified, seeded 20% validation share, the one with the lower validation log loss is refitted on all rows, and the model records both candidates\' figures. See docs/model.md, Model families.')),
      gbdt: z._default(
        z.strictObject({
          learning_rate: z._default(positive(), 0.1).check(z.describe('Each tree\'s leaf values are multiplied by it.')),
          max_leaves: z._default(z.int().check(z.gte(2)), 31).check(z.describe('Leaves per tree (grown leaf-wise, the split that lowers the loss most first).')),
          min_samples_leaf: z._default(positiveInt(), 20).check(z.describe('Fewest training rows in a leaf.')),
          l2: z._default(z.number().check(z.gte(0)), 0).check(z.describe('L2 penalty on leaf values: a leaf\'s value is −G/(H + l2).')),
          max_bins: z._default(z.int().check(z.gte(2), z.lte(255)), 255).check(z.describe('Bins for a numeric feature\'s values (from training quantiles; missing values have a bin of their own); a category feature keeps at most max_bins − 1 categories as themselves (and max_categories).')),
          max_iter: z._default(positiveInt(), 100).check(z.describe('Trees at most (boosting iterations).')),
          early_stopping: z
            ._default(z.union([z.boolean(), z.literal('auto')], { error: 'expected true, false or "auto"' }), 'auto')
            .check(z.describe('Hold out a stratified, seeded 10% of the training rows and stop when 10 iterations in a row did not lower their log loss: true, false, or "auto" (on with more than 10,000 rows).')),
        }),
        { learning_rate: 0.1, max_leaves: 31, min_samples_leaf: 20, l2: 0, max_bins: 255, max_iter: 100, early_stopping: 'auto' },
      ).check(z.describe('Gradient-boosted trees (model.family "gbdt" or "auto"): histogram gradient boosting for log loss, as LightGBM and scikit-learn\'s HistGradientBoosting; the defaults are theirs. See docs/gbdt.md.')),
    }),
    {
      C: 1.0,
      max_iter: 100,
      tol: 1e-12,
      threshold: 0.5,
      standardize: false,
      min_training_rows: 20,
      family: 'logistic',
      gbdt: { learning_rate: 0.1, max_leaves: 31, min_samples_leaf: 20, l2: 0, max_bins: 255, max_iter: 100, early_stopping: 'auto' },
    },
  ),
  drift: z._default(
    z.strictObject({
      wasserstein_threshold: z._default(positive(), 0.1).check(z.describe('Drift when the Wasserstein distance / reference std reaches this (references over 1,000 rows).')),
      js_threshold: z._default(z.number().check(z.gt(0), z.lte(1)), 0.1).check(z.describe('A category feature drifts when the Jensen–Shannon distance (base 2) of its category shares reaches this (references over 1,000 rows; smaller ones use the chi-square test).')),
      ks_alpha: z._default(share(), 0.05).check(z.describe('KS significance level (references of 1,000 rows or fewer), before correction.')),
      correction: z._default(z.enum(['bonferroni', 'none']), 'bonferroni').check(z.describe('Multiple-testing correction when p-values decide.')),
      dataset_share: z._default(z.number().check(z.gt(0), z.lte(1)), 0.5).check(z.describe('Dataset drift when at least this share of features drift.')),
      model_rule: z._default(z.enum(['raw', 'parametric', 'nonparametric']), 'nonparametric').check(z.describe('Which rule decides model drift from the F1 history: raw (below every previous score), parametric (below mean − 2·std), nonparametric (below Q1 − 1.5·IQR); see docs/monitoring.md.')),
      retrain_on_data_drift: z._default(z.boolean(), false).check(z.describe('Also retrain when the data drifts but no model drift is measured.')),
      margin: z._default(z.number().check(z.gte(0), z.lte(1)), 0).check(z.describe('Deploy the challenger unless its F1 is worse than the champion by more than this.')),
      bootstrap: z._default(z.int().check(z.gte(100)), 1000).check(z.describe('Bootstrap resamples for the F1 confidence interval.')),
      methods: z
        ._default(z.record(z.string(), z.enum(['auto', 'ks', 'wasserstein', 'chi2', 'jensenshannon'])), {})
        .check(z.describe('Per feature, the test that decides instead of "auto" (by reference size, the default): "ks" or "wasserstein" for a count or number feature, "chi2" or "jensenshannon" for a category feature (a test of the other kind is refused). See docs/monitoring.md.')),
    }),
    { wasserstein_threshold: 0.1, js_threshold: 0.1, ks_alpha: 0.05, correction: 'bonferroni', dataset_share: 0.5, model_rule: 'nonparametric', retrain_on_data_drift: false, margin: 0, bootstrap: 1000, methods: {} },
  ),
  schedule: z._default(someString(), '*/10 * * * *').check(z.describe('Cron expression for `riskwatch schedule` and `serve --schedule` (5 fields, or 6 with seconds). Default: every 10 minutes, as the original brief asked.')),
  alerts: z
    ._default(
      z.strictObject({
        webhooks: z._default(
          z.array(
            z
              .strictObject({
                url: z.optional(z.url()).check(z.describe('Webhook URL (Slack-compatible: the payload has a `text` field).')),
                url_env: z.optional(someString()).check(z.describe('Name of an environment variable holding the URL (keeps tokens out of the file).')),
                headers: z.optional(z.record(z.string(), z.string())).check(z.describe('Extra HTTP headers sent with each alert.')),
              })
              .check(z.refine((w) => (w.url === undefined) !== (w.url_env === undefined), 'expected exactly one of "url" or "url_env"')),
          ),
          [],
        ).check(z.describe('Webhooks the alert is POSTed to: each {url} or {url_env}, optional headers (entries below).')),
        timeout_ms: z._default(positiveInt(), 5000).check(z.describe('Per request.')),
        retries: z._default(z.int().check(z.gte(0), z.lte(10)), 2).check(z.describe('Extra attempts on network errors, timeouts, 5xx and 429.')),
      }),
      { webhooks: [], timeout_ms: 5000, retries: 2 },
    )
    .check(z.describe('POST a JSON alert on drift, a deployment or a failed run.')),
  api: z._default(
    z.strictObject({
      token_env: z.optional(someString()).check(z.describe('Environment variable holding the bearer token for POST /deploy, /rollback and /run; without it those routes are off.')),
      read_token_env: z
        .optional(someString())
        .check(z.describe('Environment variable holding the read token (at least 16 characters; e.g. `openssl rand -hex 32`). Set: every route but /health and /ready (and the sign-in routes) answers 401 without it (Authorization: Bearer <token>, or the dashboard\'s session cookie from /signin; see docs/api.md, Read access); the api.token_env token also reads. Named but unset (or shorter) in the environment, `serve` refuses to start. Unset: reads are open to whoever reaches the port (a warning at start when listening beyond loopback).')),
      cors_origins: z._default(z.array(nonEmpty), []).check(z.describe('Origins allowed to call the API from a browser (CORS), e.g. ["https://intranet.example"]; empty (the default): no CORS headers, cross-origin browser calls are refused.')),
      rate_limit: z
        ._default(
          z.strictObject({
            burst: z._default(positiveInt(), 10).check(z.describe('Requests a client (IP) may make at once to POST /deploy, /rollback and /run.')),
            per_minute: z._default(positive(), 30).check(z.describe('Sustained requests per minute per client (IP) to those routes; beyond it 429 with Retry-After.')),
          }),
          { burst: 10, per_minute: 30 },
        )
        .check(z.describe('Token bucket per client IP on the routes that change production.')),
      trusted_proxies: z
        ._default(z.array(trustedProxy), [])
        .check(z.describe('Reverse proxies (IP addresses, CIDR ranges such as 10.0.0.0/8, or loopback / linklocal / uniquelocal) whose X-Forwarded-For is believed: when one of them connects, the client IP (for the rate limit) is the rightmost address in X-Forwarded-For that is not itself a trusted proxy. Empty (the default): the connecting address is the client, X-Forwarded-For is ignored.')),
      max_rows: z
        ._default(positiveInt(), 100_000)
        .check(z.describe('The most data rows GET /prediction?filepath= reads from a file or folder; one with more gets 413, and the reading stops there (predict big files with `riskwatch predict --data`).')),
    }),
    { cors_origins: [], rate_limit: { burst: 10, per_minute: 30 }, trusted_proxies: [], max_rows: 100_000 },
  ),
  sources: z
    .optional(z.array(sourceSchema).check(z.minLength(1)))
    .check(z.describe('Where new data comes from, read in this order (entries below; see docs/data.md). Default: one folder source, input_folder_path with input_file_extension.')),
  report: z
    ._default(
      z.strictObject({
        enabled: z._default(z.boolean(), true).check(z.describe('Write the report (charts, PDF, diagnostics) after every completed `riskwatch run`.')),
        keep: z._default(z.int().check(z.gte(1)), 10).check(z.describe('How many per-run report folders to keep (the newest; older ones are deleted).')),
        path: z._default(nonEmpty, 'reports').check(z.describe('Folder of the reports (relative to the config file): run-<id>/ per run, latest/ for `riskwatch report`.')),
      }),
      { enabled: true, keep: 10, path: 'reports' },
    )
    .check(z.describe('Reports: charts (SVG, PNG) and a PDF for the production model.')),
  population: z
    .optional(populationSchema)
    .check(z.describe('The current clients the call list ranks (GET /risk, the dashboard, the report): a data file or folder, or {type:"sqlite"|"postgres", ..., table|query} (entries below). Ids and the model\'s features are required, the label column is not. Default: the ingested dataset\'s current clients, each client\'s latest row unless it says the client left. See docs/api.md, The call list.')),
  value_column: z
    .optional(nonEmpty)
    .check(z.describe('A number column of the data worth keeping a client for, e.g. monthly revenue: ingest reads and keeps it (a cell is read as a "number" feature\'s is: an unreadable one rejects the row, an empty one is missing) and the call list shows it per client (`value`, `expectedLoss` = probability × value) and can rank by it (risk.rank_by). Not a feature unless also listed in "features". Every data file, source and the population must then have the column. See docs/api.md, The call list.')),
  risk: z
    ._default(
      z.strictObject({
        rank_by: z
          ._default(z.enum(['probability', 'expected_loss']), 'probability')
          .check(z.describe('How the call list is ordered: "probability" (highest risk first, the default) or "expected_loss" (probability × value_column first; clients without a value come last, by probability). GET /risk?rank= overrides it per request. "expected_loss" needs value_column.')),
        reasons: z
          ._default(z.int().check(z.nonnegative()), 3)
          .check(z.describe('How many reason codes a client\'s explanation gives: its features that pushed its risk up most (GET /risk, POST /prediction and predict --explain without a number, riskwatch explain, the dashboard and the report). 0: none.')),
      }),
      { rank_by: 'probability', reasons: 3 },
    )
    .check(z.describe('The call list (GET /risk, the dashboard, the report): how it is ranked and how many reasons it gives per client.')),
  feature_labels: z
    ._default(z.record(nonEmpty, nonEmpty), {})
    .check(z.describe('Per feature, the words reason codes and explanations call it (e.g. {"lastyear_activity": "Transactions last year"}). A feature without a label is named by its column name in words (snake_case → "Snake case").')),
  top_k: z._default(positiveInt(), 100).check(z.describe('How many clients the client managers can call: the size of the top-K list (the call list\'s default length, top-K precision and recall in scores).')),
  store: z._default(
    z
      .strictObject({
        type: z._default(z.enum(['sqlite', 'postgres']), 'sqlite').check(z.describe('"sqlite" (one file, one machine; the default) or "postgres" (several machines share one store, model artifacts and run lock).')),
        path: z.optional(nonEmpty).check(z.describe('sqlite: the file (relative to the config file). Default riskwatch.db.')),
        url: z.optional(nonEmpty).check(z.describe('postgres: connection URL, postgres://user:password@host:5432/db, or libpq keyword/value (host=… dbname=…). Prefer url_env: a password in this file is readable by anyone who can read the file.')),
        url_env: z.optional(someString()).check(z.describe('postgres: name of an environment variable holding the connection URL (or a libpq keyword/value string). Exactly one of url and url_env. See docs/stores.md.')),
        schema: z
          .optional(z.string().check(z.regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters)')))
          .check(z.describe('postgres: schema holding riskwatch\'s tables (created if missing). Default public.')),
      })
      .check(
        z.superRefine((s, ctx) => {
          const pgKeys = (['url', 'url_env', 'schema'] as const).filter((k) => s[k] !== undefined);
          if (s.type === 'sqlite') {
            if (pgKeys.length) ctx.addIssue({ code: 'custom', path: [pgKeys[0]], message: `only for "type": "postgres"` });
          } else {
            if (s.path !== undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'only for "type": "sqlite"' });
            if ((s.url === undefined) === (s.url_env === undefined)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'expected exactly one of "url" or "url_env" for a postgres store' });
          }
        }),
      ),
    { type: 'sqlite' },
  ),
  log_level: z._default(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info').check(z.describe('Default log level (`--log-level` overrides).')),
});

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type FeatureType = z.output<typeof featureType>;
export type SourceConfigInput = z.output<typeof sourceSchema>;
export type PopulationConfigInput = z.output<typeof populationSchema>;
