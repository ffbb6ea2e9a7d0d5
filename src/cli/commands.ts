import type { Command } from 'commander';
import type { CommandRecord, Scenario } from '../index.js';
import { library } from './library.js';
import { runCommand, runPlain, type GlobalOptions } from './run-command.js';
import { formatDeploy, formatDiagnosis, formatDrift, formatIngest, formatModels, formatScore, formatTrain } from './format.js';
import { checkCronArg, choiceArg, floatArg, intArg, UsageError } from './args.js';
import { gracefulStop } from './stop.js';
import { formatInit } from './format-init.js';
import { formatExplanation } from './format-explain.js';

/**
 * Every command: parse flags → call the library → print. No logic lives here. Each command
 * loads the library when it runs (`library()`), and the library loads the operation's code on
 * its first call: a process runs one command, and parsing and compiling every other command's
 * code (the server, the simulator, the pipeline, reports…) at start cost every command tens of
 * milliseconds. The bundle (scripts/build.mjs) puts each operation in its own chunk.
 */
export function registerCommands(program: Command): void {
  const g = () => program.opts<GlobalOptions>();

  program
    .command('ingest')
    .description('read new or changed data files into the combined dataset')
    .action(() => runCommand('ingest', g(), async (ctx) => (await library()).ingest(ctx), formatIngest));

  program
    .command('train')
    .description('fit a new model version on the current dataset')
    .action(() => runCommand('train', g(), async (ctx) => (await library()).train(ctx), formatTrain));

  program
    .command('score')
    .description('score a model version on the test data (or --data FILE) and record the result')
    .option('--model <version>', 'a version id, "production" or "latest" (default: production, else latest)')
    .option('--data <path>', 'labelled data file or folder (default: test_data_path)')
    .action((o: { model?: string; data?: string }) => runCommand('score', g(), async (ctx) => (await library()).score(ctx, o), formatScore, { detail: (r) => ({ version: r.version, kind: r.kind, f1: r.f1, rows: r.rows, measuredOn: r.measuredOn, reason: `${r.version} F1 ${r.f1.toFixed(4)} on ${r.measuredOn}` }) }));

  program
    .command('deploy [version]')
    .description('promote a model version (default: the newest) to production')
    .option('--reason <text>', 'why, recorded in the deployment history', 'manual deploy')
    .action((version: string | undefined, o: { reason: string }) => runCommand('deploy', g(), async (ctx) => (await library()).deploy(ctx, version, o.reason), formatDeploy));

  program
    .command('rollback')
    .description('return production to the version deployed before the current one')
    .option('--reason <text>', 'why, recorded in the deployment history', 'manual rollback')
    .action((o: { reason: string }) => runCommand('rollback', g(), async (ctx) => (await library()).rollback(ctx, o.reason), formatDeploy));

  program
    .command('models')
    .description('list model versions, their score (latest F1 and what it was measured on) and which one is in production')
    .action(() =>
      runCommand('models', g(), async (ctx) => (await library()).listModels(ctx), formatModels),
    );

  program
    .command('predict')
    .description('risk of leaving for every row of a file')
    .requiredOption('--data <file>', 'CSV file (or folder) with the feature columns; id and label optional')
    .option('--out <file>', 'write id, probability, prediction as CSV')
    .option('--model <version>', 'a version id, "production" (default) or "latest"')
    // [n]: a bare --explain means yes, N = config risk.reasons (as a bare ?explain on the API).
    .option('--explain [n]', 'explain each prediction: its contributions, top N reasons (default: config risk.reasons) and what keeps the client (--json; --out gains reason_1 … reason_N)', intArg('--explain'))
    .action((o: { data: string; out?: string; model?: string; explain?: number | true }) =>
      runCommand('predict', g(), async (ctx) => (await library()).predict(ctx, o), (r) => {
        const head = `predicted ${r.rows} rows with ${r.version}${r.out ? ` → ${r.out}` : ''}`;
        if (r.out || !r.predictions) return head;
        const why = (p: (typeof r.predictions)[number]) => (p.reasons?.length ? `\t${p.reasons.map((x) => x.text).join('; ')}` : '');
        return [head, ...r.predictions.slice(0, 20).map((p) => `  ${p.id}\t${p.probability.toFixed(4)}\t${p.prediction}${why(p)}`), r.rows > 20 ? `  … ${r.rows - 20} more (use --out or --json)` : ''].filter(Boolean).join('\n');
      }),
    );

  program
    .command('explain')
    .description('why one current client got its risk: rank, reasons, and each feature against the clients who stayed')
    .requiredOption('--id <id>', 'the client\'s id (a current client of the call list)')
    .option('--reasons <n>', 'how many reasons (default: config risk.reasons)', intArg('--reasons'))
    .action((o: { id: string; reasons?: number }) => runCommand('explain', g(), async (ctx) => (await library()).explainClient(ctx, o.id, o.reasons), formatExplanation, { record: false }));

  program
    .command('export')
    .description('print the production model as SQL (a view giving each row of a table its risk where the data lives)')
    .requiredOption('--format <format>', 'output format: sql', choiceArg('--format', ['sql'] as const))
    .option('--dialect <dialect>', 'postgres or sqlite', choiceArg('--dialect', ['postgres', 'sqlite'] as const), 'postgres')
    .option('--table <name>', 'table (or view) holding the id and feature columns, optionally schema.table', 'clients')
    .option('--view <name>', 'name of the view created', 'riskwatch_scores')
    .option('--model <version>', 'a version id, "production" (default) or "latest"')
    .action((o: { format: 'sql'; dialect: 'postgres' | 'sqlite'; table: string; view: string; model?: string }) => {
      const dialect = o.dialect;
      return runCommand('export', g(), async (ctx) => (await library()).exportSql(ctx, { dialect, table: o.table, view: o.view, model: o.model }), (r) => r.sql.trimEnd(), { record: false });
    });

  program
    .command('drift')
    .description('compare new data (or --data FILE) with the production model\'s training data')
    .option('--data <path>', 'data file or folder (default: files not yet ingested)')
    .action((o: { data?: string }) => runCommand('drift', g(), async (ctx) => (await library()).drift(ctx, o), formatDrift));

  program
    .command('diagnose')
    .description('summary statistics, missing data, timings, dependency health and model health, from what was recorded')
    .option('--no-dependencies', 'skip the npm registry checks (outdated, audit)')
    .option('--timeout <ms>', 'time limit for each registry check', intArg('--timeout', 1), 15000)
    .action((o: { dependencies: boolean; timeout: number }) => runCommand('diagnose', g(), async (ctx) => (await library()).diagnose(ctx, { dependencies: o.dependencies, timeoutMs: o.timeout }), formatDiagnosis));

  program
    .command('report')
    .description('charts (SVG, PNG) and a PDF report of the production model and the newest data')
    .option('--out <dir>', 'folder to write to (default: <report.path>/latest)')
    .option('--no-dependencies', 'skip the npm registry checks (outdated, audit) in the dependency table')
    .option('--timeout <ms>', 'time limit for each registry check', intArg('--timeout', 1), 15000)
    .action((o: { out?: string; dependencies: boolean; timeout: number }) =>
      runCommand('report', g(), async (ctx) => (await library()).report(ctx, { out: o.out, dependencies: o.dependencies, timeoutMs: o.timeout }), (r) =>
        [`report for ${r.version} (${r.verdict}): ${r.pdf}`, `${r.files.length} files, ${r.pages.length} PDF pages, in ${r.dir}`].join('\n'),
      ),
    );

  program
    .command('apicalls')
    .description('call the running API\'s endpoints and store the answers in apireturns.json (as the original project did)')
    .option('--url <url>', 'the API\'s base URL (default: config "url")')
    .option('--out <file>', 'where to write (default: <output_model_path>/apireturns.json)')
    .option('--timeout <ms>', 'time limit for each request', intArg('--timeout', 1), 30000)
    .action((o: { url?: string; out?: string; timeout: number }) =>
      runCommand('apicalls', g(), async (ctx) => (await library()).apiCalls(ctx, { url: o.url, out: o.out, timeoutMs: o.timeout }), (r) =>
        [`called ${r.calls.length} endpoints of ${r.url} → ${r.out}`, ...r.calls.map((c) => `  ${String(c.status).padStart(3)}  ${c.name.padEnd(13)} ${c.ms} ms`)].join('\n'),
      ),
    );

  program
    .command('run')
    .description('the full process: new data? ingest, retrain, champion vs challenger, deploy (one at a time)')
    .option('--margin <f1>', 'deploy the challenger unless its F1 is worse than the champion\'s by more than this (default: config drift.margin)', floatArg('--margin', 0, 1))
    .action(async (o: { margin: number }) => {
      const { LOCKED_EXIT_CODE } = await library();
      return runCommand('run', g(), async (ctx) => (await library()).runAndNotify(ctx, { margin: o.margin, signal: gracefulStop(), report: (await library()).runReportWriter(ctx) }), (r) => `run ${r.runId}: ${r.status} — ${r.reason}`, {
        record: false,
        exitCode: (r) => (r.status === 'locked' ? LOCKED_EXIT_CODE : 0),
      });
    });

  program
    .command('schedule')
    .description('run the full process on the cron schedule in config, never overlapping, until stopped')
    .option('--cron <expression>', 'override the config\'s "schedule"')
    .action(async (o: { cron?: string }) => {
      await checkCronArg('--cron', o.cron);
      return runCommand('schedule', g(), async (ctx) => (await library()).runSchedule(ctx, { cron: o.cron, signal: gracefulStop(), report: (await library()).runReportWriter(ctx) }), (r) => `schedule stopped after ${r.ticks} runs`, { record: false });
    });

  program
    .command('serve')
    .description('serve the HTTP API (health, prediction, models, scoring, risk) until SIGTERM/SIGINT')
    .option('--host <host>', 'interface to listen on (default: the host of config "url")')
    .option('--port <n>', 'port to listen on (default: the port of config "url")', intArg('--port', 0, 65535))
    .option('--schedule', 'also run the pipeline on config "schedule", in this process')
    .action((o: { host?: string; port?: number; schedule?: boolean }) =>
      runCommand('serve', g(), async (ctx) => (await import('../server/app.js')).serve(ctx, { host: o.host, port: o.port, schedule: o.schedule, signal: gracefulStop() }), (r) => `server on ${r.url} stopped${r.ticks === undefined ? '' : ` after ${r.ticks} scheduled runs`}`, { record: false }),
    );

  program
    .command('runs')
    .description('list recent command records (every command, each run included), newest first')
    .option('--limit <n>', 'how many', intArg('--limit', 1), 20)
    .action((o: { limit: number }) => {
      let reasonOf: (run: Pick<CommandRecord, 'detail'>) => string = () => '';
      return runCommand('runs', g(), async (ctx) => {
        const { recentCommandRecords, commandDetail } = await library();
        reasonOf = (run) => commandDetail(run).reason ?? '';
        return recentCommandRecords(ctx.store, o.limit);
      }, (r) =>
        r.runs.length
          ? r.runs.map((x) => `${String(x.id).padStart(5)}  ${x.startedAt}  ${x.command.padEnd(8)} ${(x.outcome ?? x.status).padEnd(9)} ${x.error ?? reasonOf(x)}`).join('\n')
          : 'no runs yet',
      { record: false });
    });

  program
    .command('init')
    .description('start a workspace from one data export: decide the id, the label and each column\'s kind, write config.json and the folders')
    .requiredOption('--data <file>', 'the export (CSV; UTF-8 or Windows-1252, any size)')
    .option('--out <file>', 'config file to write; its folder is the workspace', 'config.json')
    .option('--force', 'overwrite an existing config')
    .option('--target <column>', 'the label column (default: found by its name and values)')
    .option('--id <column>', 'the client id column (default: found by its name and uniqueness)')
    .option('--test-share <share>', 'share of each class split off as test data when the test folder is empty (0: no split)', floatArg('--test-share', 0, 0.9), 0.2)
    .option('--seed <n>', 'random seed of the test split', intArg('--seed'), 42)
    .action((o: { data: string; out: string; force?: boolean; target?: string; id?: string; testShare: number; seed: number }) =>
      runPlain(g(), async () => (await library()).init(o), (r) => formatInit(r)),
    );

  program
    .command('simulate')
    .description('write a realistic, deterministic demo workspace (config, monthly files, test file)')
    .requiredOption('--out <dir>', 'workspace folder to create')
    .option('--clients <n>', 'number of clients', intArg('--clients', 10), 10_000)
    .option('--months <n>', 'number of monthly files', intArg('--months', 1, 120), 12)
    .option('--seed <n>', 'random seed', intArg('--seed'), 42)
    .option('--force', 'overwrite an existing workspace config')
    .option('--scenario <name>', 'append new months to an existing workspace: none | covariate | concept', choiceArg('--scenario', ['none', 'covariate', 'concept'] as const))
    .option('--append <months>', 'how many months to append with --scenario', intArg('--append', 1), 1)
    .option('--rows-per-month <n>', 'rows in each appended month', intArg('--rows-per-month', 1), 833)
    .option('--profile <name>', 'numeric (the seed\'s three counts) | crm (also industry, region, plan, contract_type, payment_method as categories; what the demo uses)', choiceArg('--profile', ['numeric', 'crm'] as const), 'numeric')
    .option('--mix <name>', 'with --scenario in a crm workspace: base | expansion (a region training never had, more monthly contracts)', choiceArg('--mix', ['base', 'expansion'] as const))
    .action((o: { out: string; clients: number; months: number; seed: number; force?: boolean; scenario?: string; append: number; rowsPerMonth: number; profile: 'numeric' | 'crm'; mix?: 'base' | 'expansion' }) => {
      if (o.scenario !== undefined) {
        return runPlain(g(), async () => (await library()).appendMonths({ out: o.out, scenario: o.scenario as Scenario, months: o.append, rowsPerMonth: o.rowsPerMonth, seed: o.seed, mix: o.mix }), (r) => `appended ${r.files.map((f) => f.name).join(', ')} (${r.scenario}${r.mix ? `, ${r.mix} mix` : ''}; ${(r.positiveRate * 100).toFixed(1)}% left) to ${r.out}`);
      }
      if (o.mix !== undefined) return runPlain(g(), async () => { throw new UsageError('--mix goes with --scenario (appending months)'); }, () => '');
      return runPlain(g(), async () => (await library()).simulate(o), (r) => `wrote ${r.out}: ${r.clients} clients in ${r.files.length} monthly files (${(r.positiveRate * 100).toFixed(1)}% left), test file ${r.testRows} rows\nconfig: ${r.config}`);
    });

  program
    .command('demo')
    .description('create ./demo if absent, play months of market change through run, then serve the dashboard (what `npm start` runs)')
    .option('--dir <dir>', 'demo workspace folder', 'demo')
    .option('--no-serve', 'stop after the story instead of serving the API and dashboard (tests, CI)')
    .option('--host <host>', 'interface to serve on (default: the host of config "url")')
    .option('--port <n>', 'port to serve on (default: the port of config "url", or a free one if taken)', intArg('--port', 0, 65535))
    .action(async (o: { dir: string; serve: boolean; host?: string; port?: number }) => {
      const demo = await import('./demo.js');
      await runPlain(g(), (log) => demo.runDemo(o.dir, log), demo.formatDemo);
      if (!o.serve || process.exitCode) return;
      // The dashboard address on stdout (stderr with --json, which keeps stdout one JSON object).
      const json = Boolean(g().json);
      await runPlain(
        { ...g(), json: false },
        (log) =>
          demo.serveDemo(o.dir, log, {
            host: o.host,
            port: o.port,
            signal: gracefulStop(),
            onDashboard: (url) => (json ? process.stderr : process.stdout).write(`dashboard: ${url}  (Ctrl-C to stop)\n`),
          }),
        (r) => (json ? '' : `server on ${r.url} stopped`),
      );
    });

  program
    .command('schema')
    .description('print the JSON Schema of config.json')
    .action(() => runPlain({ ...g(), json: true }, async () => (await library()).configJsonSchema(), () => ''));
}
