import { statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { listDataFiles } from '../data/list-files.js';
import type { Context } from '../context.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { DataError } from '../util/errors.js';

export interface ApiCall {
  name: string;
  path: string;
  status: number;
  ms: number;
}

export interface ApiCallsResult {
  url: string;
  out: string;
  calledAt: string;
  calls: ApiCall[];
}

/**
 * `riskwatch apicalls`, what the original apicalls.py did: call the running API's endpoints and
 * store the answers, one JSON file (`apireturns.json` in output_model_path), written atomically.
 * A non-2xx answer is stored with its status (e.g. 503 before a model is deployed); a server that
 * does not answer at all is an error naming the URL.
 */
export async function apiCalls(ctx: Context, opts: { url?: string; out?: string; timeoutMs?: number } = {}): Promise<ApiCallsResult> {
  const { config } = ctx;
  const base = new URL(opts.url ?? config.url.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const out = opts.out ?? join(config.modelFolder, 'apireturns.json');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // The original's call: predictions for the test data file, by a path relative to the config's
  // folder (the API takes files, not folders: the first test file by name).
  const testFile = statSync(config.testDataPath).isDirectory() ? (await listDataFiles(config.testDataPath, config.extension)).find((f) => !f.problem)?.path : config.testDataPath;
  if (!testFile) throw new DataError(`${config.testDataPath}: no .${config.extension} test data file to send to /prediction`);
  const testPath = relative(config.dir, testFile).split(sep).join('/');
  const endpoints: Array<[string, string]> = [
    ['prediction', `prediction?filepath=${encodeURIComponent(testPath)}`],
    ['scoring', 'scoring'],
    ['summarystats', 'summarystats'],
    ['diagnostics', 'diagnostics'],
    ['health', 'health'],
    ['models', 'models'],
    ['drift', 'drift'],
    ['runs', 'runs'],
  ];
  const calls: ApiCall[] = [];
  const answers: Record<string, { status: number; body: unknown }> = {};
  for (const [name, path] of endpoints) {
    const url = new URL(path, base);
    const t0 = performance.now();
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new DataError(`${base.href}: the API does not answer (${why}); start it with \`riskwatch serve\` or pass --url`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const ms = Math.round(performance.now() - t0);
    answers[name] = { status: res.status, body };
    calls.push({ name, path: `/${path}`, status: res.status, ms });
  }
  const calledAt = new Date().toISOString();
  writeFileAtomicSync(out, JSON.stringify({ url: base.href, calledAt, calls, answers }, null, 2) + '\n');
  ctx.log.info({ out, calls: calls.length }, `stored ${calls.length} API answers in ${out}`);
  return { url: base.href, out, calledAt, calls };
}
